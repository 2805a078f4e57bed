"""The one door for email: queue a message with the event, send it after commit.

``queue`` writes an ``OutboxMessage`` row in the caller's transaction and enqueues its
delivery when that transaction commits; a rolled-back event therefore never mails.
``deliver`` (run by a Celery worker) claims the row under a lock, renders the
templates in the recipient's language, sends over the configured backend and marks it
sent, committing that just before the SMTP server can take the message
(``gmc.smtp``), so a redelivered task, two racing workers or a worker killed mid-send
send it once. ``sweep`` re-enqueues rows that were never picked up (the broker was
down, a worker died).
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, models, transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.defaultfilters import linebreaks_filter
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.translation import gettext
from kombu.exceptions import OperationalError as BrokerOperationalError

from gmc import outbox_hooks, sealing, smtp
from gmc.circuit import Breaker, breaker_for
from gmc.languages import offered
from gmc.links import site_url
from gmc.models import OutboxMessage, User
from gmc.outbox_hooks import Wording

logger = logging.getLogger(__name__)

# A broker that does not answer (kombu reports redis-py's connection errors as these).
BROKER_DOWN: tuple[type[BaseException], ...] = (BrokerOperationalError, OSError, TimeoutError)

# Errors worth another try later: the mail server or the network is down or busy, or so
# slow that the task's soft time limit struck.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPException,
    OSError,
    TimeoutError,
    SoftTimeLimitExceeded,
)
# An SMTP answer that says the address itself is refused will not improve with time.
PERMANENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    TemplateDoesNotExist,
    TemplateSyntaxError,
    sealing.SealError,
)


# Messages handed to one worker task, sent over one SMTP connection.
DELIVERY_BATCH_SIZE = 100

# How long a sensitive message may wait to be sent when its caller names no lifetime.
DEFAULT_SECRET_LIFETIME = timedelta(days=1)
EXPIRED_NOTE = "The secret it carried expired before it could be sent; it was not sent."
UNCONFIRMED_NOTE = "The mail server received it whole but never confirmed it; not sent again."


class OutboxError(Exception):
    """A refused outbox operation."""


def make_key(kind: str, obj: models.Model | None, to_email: str, extra: str = "") -> str:
    """The message's identity: one message per (kind, object, recipient[, occurrence])."""
    obj_part = f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else "-"
    key = "|".join(part for part in (kind, obj_part, to_email.lower(), extra) if part)
    if len(key) > 255:
        key = f"{kind[:100]}|sha256:{hashlib.sha256(key.encode()).hexdigest()}"
    return key


def queue(
    *,
    kind: str,
    to: User | str,
    context: dict | None = None,
    obj: models.Model | None = None,
    template: str | None = None,
    language: str | None = None,
    key: str | None = None,
    sensitive: bool = False,
    expires_in: timedelta | None = None,
    account: User | None = None,
    category: str | None = None,
) -> OutboxMessage:
    """Write one email to the outbox in the current transaction; deliver after commit.

    ``template`` defaults to ``kind`` with dots turned into slashes and names
    ``emails/<template>.subject.txt``, ``.txt`` and ``.html``. ``context`` must be
    JSON-serialisable: it is stored and rendered later, by a worker. Repeating the call
    with the same key returns the message already queued and sends nothing more.
    ``sensitive`` marks a context holding secrets (codes, reset links): it is stored
    sealed, readable by no screen, and erased once the message is sent, fails for good,
    or outlives ``expires_in`` (when the link or code it carries stops working; a
    message still waiting then is never sent). ``account`` links a message addressed to
    a plain address (e.g. the old one after an email change) to the person it concerns,
    so that deleting their account finds it. ``obj`` is recorded as the message's
    ``source``.
    ``category`` (by default the kind's, from ``gmc.email_kinds``) marks an email people
    may decline: it then carries an unsubscribe link, and is written SUPPRESSED, never
    sent, when the recipient has declined that category (``gmc.outbox_hooks``).
    """
    from gmc.email_kinds import category_of

    user = to if isinstance(to, User) else None
    category = category_of(kind) if category is None else category
    now = timezone.now()
    to_email = user.email if user else str(to)
    if not to_email:
        raise OutboxError("A message needs a recipient address.")
    key = key or make_key(kind, obj, to_email)
    if language is None:
        language = message_language(user or account)
    secret = {}
    if sensitive:
        secret = {
            "sealed_context": sealing.seal(context or {}),
            "secret_expires_at": now + (expires_in or DEFAULT_SECRET_LIFETIME),
        }
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key=key,
                kind=kind,
                template=template or kind.replace(".", "/"),
                to_email=to_email,
                recipient=user or account,
                language=language,
                context={} if sensitive else (context or {}),
                sensitive=sensitive,
                **secret,
                category=category,
                source=obj,
                status=(
                    OutboxMessage.Status.SUPPRESSED
                    if user is not None and is_opted_out(user.pk, category)
                    else OutboxMessage.Status.PENDING
                ),
            )
    except IntegrityError:
        return OutboxMessage.objects.get(key=key)
    if message.status == OutboxMessage.Status.PENDING:
        transaction.on_commit(lambda: enqueue_delivery(message.pk))
    return message


@dataclass(frozen=True)
class Outgoing:
    """One message of a bulk ``queue_many``; the recipient accepts its category."""

    key: str
    to: User
    context: dict


def queue_many(
    *,
    kind: str,
    messages: list[Outgoing],
    category: str | None = None,
    obj: models.Model | None = None,
    batch_size: int = DELIVERY_BATCH_SIZE,
) -> int:
    """Write many emails of one kind in a fixed number of queries, in the current
    transaction; after commit they are delivered in batches over shared SMTP connections.
    ``obj``, when given, is the ``source`` of every message (as in ``queue``).

    Keys already in the outbox are left alone, so repeating the call, or two callers
    racing (``ON CONFLICT DO NOTHING``), queue each message once. Callers filter out
    people who declined the category; ``deliver`` checks again at send time. Returns
    how many rows this call wrote.
    """
    from gmc.email_kinds import category_of

    if not messages:
        return 0
    category = category_of(kind) if category is None else category
    template = kind.replace(".", "/")
    keys = [item.key for item in messages]
    existing = set(OutboxMessage.objects.filter(key__in=keys).values_list("key", flat=True))
    rows = [
        OutboxMessage(
            key=item.key,
            kind=kind,
            template=template,
            to_email=item.to.email,
            recipient=item.to,
            language=offered(item.to.language) or settings.LANGUAGE_CODE,
            context=item.context,
            category=category,
            source=obj,
        )
        for item in messages
        if item.key not in existing
    ]
    if not rows:
        return 0
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    # ignore_conflicts leaves primary keys unset: read back the rows now present. A row
    # a racing caller wrote may be enqueued twice; ``deliver`` still sends it once.
    ids = list(
        OutboxMessage.objects.filter(
            key__in=[row.key for row in rows], status=OutboxMessage.Status.PENDING
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    batches = [ids[start : start + batch_size] for start in range(0, len(ids), batch_size)]
    transaction.on_commit(lambda: [enqueue_batch(batch) for batch in batches])
    return len(rows)


def enqueue_delivery(message_id: int, *, insist: bool = False) -> bool:
    """Hand the message to a worker. A broker that is down is logged, not raised: the
    request that caused the message has already committed, and ``sweep`` catches up.
    ``insist`` tries even while this process is skipping the broker (see ``_publish``)."""
    from gmc.tasks import deliver_message

    try:
        if _publish(deliver_message, message_id, insist=insist):
            return True
        logger.info("outbox: message %s left to the sweep (no broker)", message_id)
    except Exception:
        logger.warning(
            "outbox: could not enqueue message %s; the sweep will retry", message_id, exc_info=True
        )
    return False


def message_language(person: User | None) -> str:
    """The language a message to ``person`` is written in when its sender does not say:
    their profile's (also for a plain address that belongs to an account, such as the old
    one after a change), else the language of the page that caused the message. A sender
    that writes dates into the context writes them in this language."""
    return (
        offered(person.language if person else "")
        or translation.get_language()
        or settings.LANGUAGE_CODE
    )


def enqueue_batch(message_ids: list[int], *, insist: bool = False) -> bool:
    """Hand a batch of messages to one worker task (one SMTP connection for the batch).
    A broker that is down is logged, not raised: the sweep catches up. ``insist`` as for
    ``enqueue_delivery``."""
    from gmc.tasks import deliver_batch

    try:
        if _publish(deliver_batch, message_ids, insist=insist):
            return True
        logger.info("outbox: a batch of %s left to the sweep (no broker)", len(message_ids))
    except Exception:
        logger.warning(
            "outbox: could not enqueue a batch of %s; the sweep will retry",
            len(message_ids),
            exc_info=True,
        )
    return False


def _broker() -> Breaker:
    from gmc.celery import app

    return breaker_for("the broker", app.conf.broker_url)


def _publish(task, *args, insist: bool = False) -> bool:
    """Publish ``task`` unless the broker failed moments ago in this process; returns
    whether it was published. Each publish waits at most REDIS_TIMEOUT for the broker
    (the Celery settings), and after a failure the process skips the broker for
    REDIS_RETRY_AFTER seconds (``gmc.circuit``): a request that queues ten emails while
    Redis is down waits once, not ten times, and one warning is logged."""
    broker, retry_after = _broker(), settings.REDIS_RETRY_AFTER
    if not (insist or broker.allows(retry_after)):
        return False
    try:
        task.delay(*args)
    except BROKER_DOWN as error:
        broker.failed(error, retry_after)
        return False
    broker.succeeded()
    return True


def publish(task, *args, insist: bool = False) -> bool:
    """``_publish`` for other work handed to workers after commit (documents to make):
    the same bounded wait and the same breaker as the outbox's own publishes."""
    return _publish(task, *args, insist=insist)


def is_opted_out(user_id: int | None, category: str) -> bool:
    """Whether the recipient declined the message's category. A transactional message
    (no category), or one to a plain address, is never declined."""
    if not category or user_id is None:
        return False
    return outbox_hooks.current().is_opted_out(user_id, category)


def custom_wording(kind: str, language: str, cache: dict | None = None) -> Wording | None:
    """The organisers' wording of ``kind`` for a message in ``language`` (their
    template in that language, else in the default one), or None: the built-in files
    are used. ``cache`` spares a batch the same lookup for every message."""
    wanted = (kind, language or settings.LANGUAGE_CODE)
    if cache is not None and wanted in cache:
        return cache[wanted]
    wording = outbox_hooks.current().custom_wording(*wanted)
    if cache is not None:
        cache[wanted] = wording
    return wording


def own_wording(wording: dict | None) -> Wording | None:
    """``{"subject": ..., "text": ...}`` as a wording, or None if empty."""
    if not wording or not wording.get("subject"):
        return None
    return Wording(
        subject=wording["subject"], text=wording.get("text", ""), html=wording.get("html", "")
    )


def render_parts(
    *, template: str, context: dict, language: str, custom: Wording | None = None
) -> tuple[str, str, str]:
    """Subject, text and HTML of an email: from the organisers' template when given,
    else from the files ``emails/<template>.{subject.txt,txt,html}``."""
    with translation.override(language or settings.LANGUAGE_CODE):
        if custom is not None:
            text_engine, html_engine = engines["text"], engines["django"]
            subject = text_engine.from_string(custom.subject).render(context)
            text = text_engine.from_string(custom.text).render(context)
            # Either comes out safe: the autoescaping engine's output, or the text escaped
            # (always: the text engine marks its output safe, though it escaped nothing).
            if custom.html.strip():
                body_html = html_engine.from_string(custom.html).render(context)
            else:
                body_html = linebreaks_filter(escape(text))
            html = render_to_string(
                "emails/messages/layout.html",
                {**context, "subject": " ".join(subject.split()), "body_html": body_html},
            )
        else:
            base = f"emails/{template}"
            subject = render_to_string(f"{base}.subject.txt", context, using="text")
            text = render_to_string(f"{base}.txt", context, using="text")
            html = render_to_string(f"{base}.html", context)
    return " ".join(subject.split()), text, html


def message_context(message: OutboxMessage) -> dict:
    """The values a message is rendered with; a sensitive message's are opened from
    their seal here, and only here (raises ``sealing.SealError`` once erased)."""
    if message.sensitive:
        return sealing.unseal(message.sealed_context)
    return message.context


def render(message: OutboxMessage, cache: dict | None = None) -> EmailMultiAlternatives:
    """The email of a message, rendered in its language from the organisers' template
    of its kind when there is one, else from its three template files. An email of a
    category carries an unsubscribe link in both parts and the List-Unsubscribe headers
    (RFC 2369 and RFC 8058 one-click) when there is a link to offer."""
    context = {"site_url": site_url(), **message_context(message)}
    # A message may carry its own wording (a reminder rule's), which wins over the
    # organisers' template of its kind and over the files.
    own = own_wording(context.pop("wording", None))
    headers = {"X-GMC-Message": str(message.pk)}
    unsubscribe_url = ""
    if message.category and message.recipient_id:
        unsubscribe_url = outbox_hooks.current().unsubscribe_url(
            message.recipient_id, message.category
        )
    if unsubscribe_url:
        context["unsubscribe_url"] = unsubscribe_url
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    subject, text, html = render_parts(
        template=message.template,
        context=context,
        language=message.language,
        custom=own or custom_wording(message.kind, message.language, cache),
    )
    if unsubscribe_url:
        text, html = _with_unsubscribe_link(text, html, unsubscribe_url, message.language)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    return email


def _with_unsubscribe_link(text: str, html: str, url: str, language: str) -> tuple[str, str]:
    """Add the unsubscribe link where a template left it out: it must always be there."""
    with translation.override(language or settings.LANGUAGE_CODE):
        label = gettext("Stop receiving emails like this one:")
    if url not in text:
        text = f"{text.rstrip()}\n\n-- \n{label}\n{url}\n"
    if escape(url) not in html:
        footer = format_html(
            '<p style="font-size:13px;color:#444">{} <a href="{}">{}</a></p>', label, url, url
        )
        html = html.replace("</body>", footer + "</body>") if "</body>" in html else html + footer
    return text, html


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff, bounded: 30 s, 60 s, 120 s ... up to an hour by default."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


@dataclass(frozen=True)
class DeliveryResult:
    message_id: int
    status: str
    retry_in: timedelta | None = None  # set when the caller should try again


def deliver(message_id: int, connection=None, cache: dict | None = None) -> DeliveryResult | None:
    """Send one pending message: PENDING -> SENT, or after the last failure -> FAILED.

    The row is locked for the whole send, and skipped when another worker holds it, so
    that the message is sent once however often this runs, by as many workers at once.
    Returns None when there was nothing to do (gone, already sent or failed, or being
    sent elsewhere). A message of a category its recipient has declined since it was
    queued is SUPPRESSED, not sent; a sensitive one whose secret has expired is FAILED,
    not sent. A sensitive message loses its secret when it is sent or fails for good,
    and a message marked ``erase_when_done`` is then deleted. ``connection`` lets a
    batch share one SMTP connection.

    Over SMTP (``gmc.smtp.EmailBackend``) the row is committed as sent before the server
    can take the message: the message is said to the server but for the line that ends
    it, the row is committed, then the line is sent. A worker killed at any moment
    before the commit leaves the server an unfinished message, which it discards, and
    the row pending; after it, the row is sent and the server has the message. A server
    that then refuses the message puts the row back to pending (or failed). Side
    effect: one SMTP send. Safe to repeat.
    """
    if connection is None:
        connection = get_connection()
        try:
            return deliver(message_id, connection, cache)
        finally:
            connection.close()
    holding = isinstance(connection, smtp.EmailBackend)
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, status=OutboxMessage.Status.PENDING)
                .first()
            )
            if message is None:
                return None
            now = timezone.now()
            if is_opted_out(message.recipient_id, message.category):
                message.status = OutboxMessage.Status.SUPPRESSED
                message.save(update_fields=["status"])
                return DeliveryResult(message.pk, message.status)
            if message.sensitive and (
                not message.sealed_context
                or (message.secret_expires_at and message.secret_expires_at <= now)
            ):
                message.last_error = EXPIRED_NOTE
                _finish(message, OutboxMessage.Status.FAILED, ["last_error"])
                logger.info("outbox: message %s (%s) expired unsent", message_id, message.kind)
                return DeliveryResult(message_id, OutboxMessage.Status.FAILED)
            try:
                email = render(message, cache)
                email.connection = connection
                if holding:
                    connection.send_held(email)
                else:
                    email.send()
            except Exception as exc:
                if holding:
                    # Whatever the server heard of it is dropped, and the next message of a
                    # batch starts on a fresh connection.
                    connection.abandon_held()
                return _record_failure(message, exc, now)
            message.sent_at = now
            message.attempts += 1
            fields = ["sent_at", "attempts"]
            if not message.sensitive:
                # A sensitive subject could be reworded by organisers to hold the secret.
                message.subject = email.subject[:255]
                fields.append("subject")
            if holding:
                # Sent, but its secret is kept until the server has taken it: a refusal
                # of the message's end puts it back to pending.
                message.status = OutboxMessage.Status.SENT
                message.save(update_fields=[*fields, "status"])
            else:
                _finish(message, OutboxMessage.Status.SENT, fields)
    except BaseException:
        # Not committed (or the commit failed): the server must not get the message.
        if holding:
            connection.abandon_held()
        raise
    if holding:
        refused = _end_held(message, connection)
        if refused is not None:
            return refused
    logger.info("outbox: sent message %s (%s)", message_id, message.kind)
    return DeliveryResult(message_id, OutboxMessage.Status.SENT)


def _record_failure(
    message: OutboxMessage, exc: Exception, now, *, counted: bool = False
) -> DeliveryResult:
    """Write a failed attempt (in the caller's transaction, row locked): retried after a
    backoff when the error is transient and attempts remain, else FAILED for good.
    ``counted``: the attempt was already counted (a refusal after it was marked sent)."""
    if not counted:
        message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    fields = ["attempts", "last_error", "sent_at"]
    permanent = isinstance(exc, PERMANENT_ERRORS) or not isinstance(exc, TRANSIENT_ERRORS)
    # Logs name the message and the error's class: an SMTP error's text can
    # hold the address, which the logs must never carry.
    if permanent or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _finish(message, OutboxMessage.Status.FAILED, fields)
        logger.error(
            "outbox: message %s (%s) failed for good: %s",
            message.pk,
            message.kind,
            type(exc).__name__,
        )
        return DeliveryResult(message.pk, OutboxMessage.Status.FAILED)
    retry_in = retry_delay(message.attempts)
    message.next_attempt_at = now + retry_in
    message.status = OutboxMessage.Status.PENDING
    logger.warning(
        "outbox: message %s (%s) attempt %s failed (%s); retry in %s",
        message.pk,
        message.kind,
        message.attempts,
        type(exc).__name__,
        retry_in,
    )
    message.save(update_fields=[*fields, "next_attempt_at", "status"])
    return DeliveryResult(message.pk, message.status, retry_in)


def _end_held(message: OutboxMessage, connection: smtp.EmailBackend) -> DeliveryResult | None:
    """End the held message now that its row is committed as sent, then let its secret
    (or the whole row) go. Returns None when the server took it; a refusal puts the row
    back to pending or failed and returns that result."""
    try:
        connection.end_held()
    except smtp.EndNotConfirmed:
        # The server has the whole message and may have taken it: sending it again could
        # send it twice, so it stays sent, with a note for the organisers.
        OutboxMessage.objects.filter(pk=message.pk).update(last_error=UNCONFIRMED_NOTE)
        logger.warning("outbox: message %s (%s) sent, not confirmed", message.pk, message.kind)
    except smtplib.SMTPException as exc:
        # Refused, or its end never left: the server did not take it.
        with transaction.atomic():
            row = (
                OutboxMessage.objects.select_for_update()
                .filter(pk=message.pk, status=OutboxMessage.Status.SENT)
                .first()
            )
            if row is None:
                return DeliveryResult(message.pk, OutboxMessage.Status.FAILED)
            row.sent_at = None
            return _record_failure(row, exc, timezone.now(), counted=True)
    if message.erase_when_done:
        OutboxMessage.objects.filter(pk=message.pk).delete()
    elif message.sensitive:
        OutboxMessage.objects.filter(pk=message.pk).update(sealed_context="")
    return None


def _finish(message: OutboxMessage, status: str, fields: list[str]) -> None:
    """Write a message's final status (in the caller's transaction, row locked): its
    secret goes, and a message to a deleted account goes altogether."""
    if message.erase_when_done:
        message.delete()
        return
    message.status = status
    message.sealed_context = ""
    message.save(update_fields=[*fields, "status", "sealed_context"])


def deliver_many(message_ids: list[int]) -> list[DeliveryResult]:
    """Deliver a batch over one SMTP connection (opened lazily, closed at the end).
    Each message is claimed and marked as ``deliver`` does; safe to repeat."""
    results = []
    cache: dict = {}
    with get_connection() as connection:
        for message_id in message_ids:
            result = deliver(message_id, connection=connection, cache=cache)
            if result is not None:
                results.append(result)
    return results


def due_messages(now=None) -> models.QuerySet[OutboxMessage]:
    """Pending messages whose next attempt is overdue by more than the sweep grace period,
    i.e. that no enqueued task is going to pick up any more."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_SWEEP_AFTER_SECONDS)
    return OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, next_attempt_at__lte=cutoff
    ).order_by("next_attempt_at")


def sweep(limit: int = 500) -> int:
    """Expire the secrets whose time is up, then re-enqueue overdue pending messages in
    batches (one SMTP connection each, as when they were queued); returns how many
    messages were enqueued. Each one's next attempt is set to now, so that it is handed
    out again only after another grace period (a long queue being worked through is not
    flooded with copies), and a message being sent meanwhile is left alone. A message
    enqueued twice is still sent once (``deliver`` claims it under a lock)."""
    expire_secrets()
    with transaction.atomic():
        ids = list(
            due_messages().select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    enqueued = 0
    for start in range(0, len(ids), DELIVERY_BATCH_SIZE):
        batch = ids[start : start + DELIVERY_BATCH_SIZE]
        # The first batch tries the broker even while this process is skipping it: nobody
        # waits on the sweep, and it is how messages reach a broker that is back. When
        # the broker fails, this round ends instead of waiting for it once per batch (the
        # messages left are due again after the grace period).
        if enqueue_batch(batch, insist=start == 0):
            enqueued += len(batch)
        elif _broker().is_open:
            break
    return enqueued


def expire_secrets(now=None) -> int:
    """Erase the secret of every sensitive message still waiting when its link or code
    has stopped working (it is marked FAILED, never sent), and of any finished one that
    still holds it (a worker died between sending it and erasing the secret). Messages
    to deleted accounts that end this way, or were sent, are deleted. Returns how many
    waiting messages expired. Safe to repeat; a row being sent meanwhile is decided by
    whichever takes its lock first."""
    now = now or timezone.now()
    sensitive = OutboxMessage.objects.filter(sensitive=True)
    expired = sensitive.filter(status=OutboxMessage.Status.PENDING, secret_expires_at__lte=now)
    count = expired.update(
        status=OutboxMessage.Status.FAILED, sealed_context="", last_error=EXPIRED_NOTE
    )
    sensitive.exclude(status=OutboxMessage.Status.PENDING).exclude(sealed_context="").update(
        sealed_context=""
    )
    OutboxMessage.objects.filter(
        erase_when_done=True,
        status__in=[OutboxMessage.Status.FAILED, OutboxMessage.Status.SENT],
    ).delete()
    return count


@transaction.atomic
def requeue(message_id: int) -> OutboxMessage:
    """FAILED -> PENDING with a fresh attempt count, enqueued after commit ("send again").
    A message that is pending or sent is left as it is, and so is a sensitive one whose
    secret is gone (the person asks for a new link or code instead)."""
    message = OutboxMessage.objects.select_for_update().get(pk=message_id)
    if message.status != OutboxMessage.Status.FAILED:
        return message
    if message.sensitive and not message.sealed_context:
        return message
    message.status = OutboxMessage.Status.PENDING
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    transaction.on_commit(lambda: enqueue_delivery(message.pk))
    return message
