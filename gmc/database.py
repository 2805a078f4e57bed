"""How long each kind of process lets PostgreSQL make it wait, and what a page answers
when the database is too busy to finish a request in time.

A web request must answer within seconds: a registration stuck behind the seat lock
should tell the person to try again, not hold a gunicorn worker until the worker is
killed. A Celery task or ``manage.py migrate`` may wait longer, and a data migration
may run for minutes. The limits per kind of process are in the ``DATABASE_TIMEOUTS``
setting (seconds, 0 for none, read from the environment):

- web (gunicorn, ``runserver``, the tests): PostgreSQL's ``lock_timeout`` and
  ``statement_timeout`` are sent as connection OPTIONS, so every web connection has
  them from its first statement, at no cost. A process that does not say what it is
  gets these, the strictest ones.
- worker (``celery worker`` and ``celery beat``) and command (``manage.py``, but not
  ``runserver``): the entry point declares its kind (``declare_process``) before its
  first query, and ``apply_timeouts``, a receiver of Django's ``connection_created``,
  replaces the web limits on each new connection with the kind's own.

The kind travels in the ``GMC_PROCESS_KIND`` environment variable, so the prefork
children of a Celery worker inherit it; an operator may set it to run a command with
another kind's limits.

``is_busy`` tells apart the errors that mean "busy, try again shortly": a lock waited
for too long, a statement cancelled by its timeout, a connection lost mid-request (its
transaction is rolled back by PostgreSQL, so nothing was half-written). ``BusyMiddleware``
answers those with a 503 page and ``Retry-After`` instead of a server error; a view
with a form catches them itself to show the form again with what was typed.
"""

from __future__ import annotations

import logging
import os
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

PROCESS_VARIABLE = "GMC_PROCESS_KIND"
PROCESS_KINDS = ("web", "worker", "command")

# What a busy answer asks clients to wait before trying again, in seconds.
RETRY_AFTER_SECONDS = 5

# PostgreSQL's SQLSTATE codes of the errors that mean "busy": lock_not_available
# (lock_timeout), query_canceled (statement_timeout), admin_shutdown and
# crash_shutdown (the server ended the connection, e.g. pg_terminate_backend).
_BUSY_CODES = {"55P03", "57014", "57P01", "57P02"}


def milliseconds(seconds: float) -> int:
    return max(round(seconds * 1000), 0)


def declare_process(kind: str) -> None:
    """Say what kind of process this is, before its first query; connections opened
    from then on get that kind's timeouts."""
    if kind not in PROCESS_KINDS:
        raise ValueError(f"Unknown kind of process {kind!r}; one of {PROCESS_KINDS}.")
    os.environ[PROCESS_VARIABLE] = kind


def process_kind() -> str:
    kind = os.environ.get(PROCESS_VARIABLE, "web")
    return kind if kind in PROCESS_KINDS else "web"


def apply_timeouts(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give a worker's or a command's connection its
    kind's limits instead of the web ones it was opened with."""
    kind = process_kind()
    if connection.vendor != "postgresql" or kind == "web":
        return
    timeouts = settings.DATABASE_TIMEOUTS[kind]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('lock_timeout', %s, false), "
            "set_config('statement_timeout', %s, false)",
            [
                f"{milliseconds(timeouts['lock_timeout'])}ms",
                f"{milliseconds(timeouts['statement_timeout'])}ms",
            ],
        )


def is_busy(error: BaseException, using: str = "default") -> bool:
    """Whether ``error`` means the database was too busy, or the connection was lost,
    so that the same request may well succeed a few seconds later.

    A lost connection still held is closed on the way, so that the page that answers
    and the next request open a new one."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    wrapper = connections[using]
    if wrapper.vendor != "postgresql":
        return False
    cause = error.__cause__
    # The connection the error came from (psycopg2 names the cursor), else the current.
    cursor = getattr(cause, "cursor", None)
    failed = cursor.connection if cursor is not None else wrapper.connection
    lost = failed is None or bool(failed.closed)  # None: no connection could be made
    if lost and failed is not None and wrapper.connection is failed:
        wrapper.close()
    return lost or getattr(cause, "pgcode", None) in _BUSY_CODES


def retry_later(response: HttpResponse) -> HttpResponse:
    """Mark ``response`` as the answer of a busy moment: 503, ``Retry-After``."""
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def busy_response(request: HttpRequest) -> HttpResponse:
    """The "too busy, try again" page, rendered without the database (which is what
    is busy)."""
    return retry_later(HttpResponse(render_to_string("503.html")))


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler (``handler500``): Django calls it for an error raised anywhere in
    a request, a middleware's included (a signed-in person's session read on a dropped
    connection), where ``BusyMiddleware`` sees only views' errors. A busy database still
    answers the busy page; anything else the plain error page, rendered without the
    request or the database."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError) and is_busy(error):
        logger.warning("Database busy outside a view: %s", type(error.__cause__ or error).__name__)
        return busy_response(request)
    return HttpResponseServerError(render_to_string("500.html"))


class BusyMiddleware:
    """Any view that meets a busy database answers with the busy page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, DatabaseError) or not is_busy(exception):
            return None
        # The view's name, not the path: a path may hold a ticket code.
        match = getattr(request, "resolver_match", None)
        logger.warning(
            "Database busy in %s: %s",
            match.view_name if match else "?",
            type(exception.__cause__ or exception).__name__,
        )
        return busy_response(request)
