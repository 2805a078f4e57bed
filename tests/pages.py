"""Reading pages in tests."""

import re

FORM_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


def without_form_tokens(html: str | bytes) -> str:
    """The page with its form tokens blanked: every page carries the language switcher's
    form, whose token is new at each response, so two answers are compared without it."""
    text = html.decode() if isinstance(html, bytes) else html
    return FORM_TOKEN.sub(r'\1"', text)
