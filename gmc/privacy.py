"""Personal data stays where it belongs: out of log lines and out of shared caches.

Log lines never carry an email address or a secret path (a ticket code, a private
calendar feed, an unsubscribe, reset or verification token), and responses about a
person are never cached (``PrivateResponsesMiddleware``).

``RedactingFilter`` sits on the project's log handler, so it covers Django's request
logs ("Not Found: /register/ticket/…/"), the Celery worker and gunicorn's access log
(``deploy/gunicorn.conf.py`` routes it through the same handler).
"""

import logging
import re

from django.utils.cache import add_never_cache_headers

# Path segments that are secrets: the part after each prefix is replaced.
SECRET_PATHS = re.compile(
    r"(/register/ticket/|/agenda/feed/|/email/unsubscribe/|/accounts/password/reset/key/"
    r"|/accounts/confirm-email/|/verify/)[^\s/\"'?]+"
)
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    return EMAIL_ADDRESS.sub("<address>", SECRET_PATHS.sub(r"\1…", text))


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class PrivateResponsesMiddleware:
    """Nothing about a person is kept by a browser's or a proxy's cache: every response
    to a signed-in person, and every page addressed by a secret (a ticket, a calendar
    feed, a token), is sent with ``Cache-Control: private, no-store`` (Django's
    never-cache headers). Public pages for anonymous visitors are left to the views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if SECRET_PATHS.search(request.path) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
