"""The one error an upload check raises."""

from gmc.errors import RefusedMove


class UploadRefused(RefusedMove):
    """An upload that cannot be accepted; ``message`` is for the person who sent it."""

    code = "declaration.upload_refused"
