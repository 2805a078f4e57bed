"""Reading numbers from query strings and form values without trusting them."""


def is_plain_number(value: object) -> bool:
    """Whether a query or form value (or an id read from the database) is a whole number
    of ASCII digits. ``str.isdigit()`` alone accepts "²", which ``int()`` refuses."""
    text = "" if value is None else str(value)
    return text.isascii() and text.isdigit()
