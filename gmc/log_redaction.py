"""Log lines never carry an email address or a secret path (a ticket code, a private
calendar feed, an unsubscribe, reset or verification token).

``RedactingFilter`` sits on the project's log handler, so it covers Django's request
logs ("Not Found: /register/ticket/…/"), the Celery worker and gunicorn's access log
(``deploy/gunicorn.conf.py`` routes it through the same handler).
"""

import logging
import re

# Path segments that are secrets: the part after each prefix is replaced.
SECRET_PATHS = re.compile(
    r"(/register/ticket/|/agenda/feed/|/email/unsubscribe/|/accounts/password/reset/key/"
    r"|/accounts/confirm-email/)[^\s/\"'?]+"
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
