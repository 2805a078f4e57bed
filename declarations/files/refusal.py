"""The one error an upload check raises."""


class UploadRefused(Exception):
    """An upload that cannot be accepted; ``message`` is for the person who sent it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
