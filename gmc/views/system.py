"""Operational pages: the health check and the development mail sink."""

import email
import email.policy
import ipaddress
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from redis.backoff import NoBackoff
from redis.retry import Retry

from .email_frame import email_frame, email_html_response

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_broker() -> str:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_TIMEOUT,
        socket_timeout=settings.REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 0),  # one try: redis-py's default retries 3 times
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """Whether this process can serve pages: 200 when the database answers, else 503.

    Redis (the broker and the cache), where one is configured, is checked and reported
    too, but the site serves without it (pages uncached, emails sent once it is back):
    its failure answers 200 with status "degraded", never a 503 that would make the load
    balancer take every web process out at once."""
    checks = {"database": check_database}
    if settings.REDIS_URL:
        checks["broker"] = check_broker
    results, failed = {}, set()
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as exc:
            results[name] = f"error: {type(exc).__name__}"
            failed.add(name)
    if "database" in failed:
        status, code = "unavailable", 503
    else:
        status, code = ("degraded" if failed else "ok"), 200
    return JsonResponse({"status": status, "checks": results}, status=code)


def _from_this_machine(request) -> bool:
    """A request made on the machine itself, not relayed by a proxy."""
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def _mail_sink_dir(request) -> Path:
    """The folder of written emails; it holds working reset links, so it answers only in
    development, with the file backend, to the machine itself."""
    if not (
        settings.DEBUG and settings.EMAIL_BACKEND == FILE_BACKEND and _from_this_machine(request)
    ):
        raise Http404("The mail sink is only there in development, on this machine.")
    return Path(settings.EMAIL_FILE_PATH)


def _read_sink_file(path: Path) -> list[email.message.EmailMessage]:
    # Django's file backend writes each message followed by a line of 79 dashes.
    chunks = path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")
    return [
        email.message_from_bytes(chunk.strip(b"\n"), policy=email.policy.default)
        for chunk in chunks
        if chunk.strip()
    ]


@require_GET
def mail_sink(request):
    """Development only: the emails the portal has written to var/mail/, newest first."""
    folder = _mail_sink_dir(request)
    files = sorted(folder.glob("*.log"), reverse=True)[:200] if folder.is_dir() else []
    messages = []
    for path in files:
        for index, message in enumerate(_read_sink_file(path)):
            messages.append({"file": path.name, "index": index, "message": message})
    return render(request, "gmc/mail_sink.html", {"messages_sent": messages, "folder": folder})


def _sink_message(request, name: str, index: int) -> email.message.EmailMessage:
    folder = _mail_sink_dir(request)
    path = folder / name
    if path.parent != folder or not path.is_file() or path.suffix != ".log":
        raise Http404
    messages = _read_sink_file(path)
    if index >= len(messages):
        raise Http404
    return messages[index]


@require_GET
def mail_sink_message(request, name: str, index: int):
    message = _sink_message(request, name, index)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return render(
        request,
        "gmc/mail_sink_message.html",
        {
            "message": message,
            "name": name,
            "index": index,
            "text": text.get_content() if text else "",
            "has_html": html is not None,
        },
    )


@require_GET
@email_frame
def mail_sink_message_html(request, name: str, index: int):
    """The HTML part of a message, framed by the page above."""
    html = _sink_message(request, name, index).get_body(preferencelist=("html",))
    if html is None:
        raise Http404
    return email_html_response(html.get_content())
