"""The one door for email: queue a message with the event, send it after commit.

``queue`` writes an ``OutboxMessage`` row in the caller's transaction and enqueues its
delivery when that transaction commits; a rolled-back event therefore never mails.
``deliver`` (run by a Celery worker) claims the row under a lock, renders the
templates in the recipient's language, sends over the configured backend and marks it
sent, so a redelivered task or two racing workers send it once. ``sweep`` re-enqueues
rows that were never picked up (the broker was down, a worker died).
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import timezone, translation

from gmc.models import OutboxMessage, User

logger = logging.getLogger(__name__)

# Errors worth another try later: the mail server or the network is down or busy.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError, TimeoutError)
# An SMTP answer that says the address itself is refused will not improve with time.
PERMANENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    TemplateDoesNotExist,
    TemplateSyntaxError,
)


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
) -> OutboxMessage:
    """Write one email to the outbox in the current transaction; deliver after commit.

    ``template`` defaults to ``kind`` with dots turned into slashes and names
    ``emails/<template>.subject.txt``, ``.txt`` and ``.html``. ``context`` must be
    JSON-serialisable: it is stored and rendered later, by a worker. Repeating the call
    with the same key returns the message already queued and sends nothing more.
    ``sensitive`` marks a context holding secrets (codes, reset links): it is erased
    once the message is sent, so the outbox does not keep working credentials.
    """
    user = to if isinstance(to, User) else None
    to_email = user.email if user else str(to)
    if not to_email:
        raise OutboxError("A message needs a recipient address.")
    key = key or make_key(kind, obj, to_email)
    if language is None:
        language = (user.language if user else "") or translation.get_language() or ""
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key=key,
                kind=kind,
                template=template or kind.replace(".", "/"),
                to_email=to_email,
                recipient=user,
                language=language,
                context=context or {},
                sensitive=sensitive,
            )
    except IntegrityError:
        return OutboxMessage.objects.get(key=key)
    transaction.on_commit(lambda: enqueue_delivery(message.pk))
    return message


def enqueue_delivery(message_id: int) -> bool:
    """Hand the message to a worker. A broker that is down is logged, not raised: the
    request that caused the message has already committed, and ``sweep`` catches up."""
    from gmc.tasks import deliver_message

    try:
        deliver_message.delay(message_id)
    except Exception:
        logger.warning(
            "outbox: could not enqueue message %s; the sweep will retry", message_id, exc_info=True
        )
        return False
    return True


def render(message: OutboxMessage) -> EmailMultiAlternatives:
    """The email of a message, rendered in its language from its three templates."""
    context = {"site_url": settings.SITE_URL, **message.context}
    with translation.override(message.language or settings.LANGUAGE_CODE):
        base = f"emails/{message.template}"
        subject = " ".join(render_to_string(f"{base}.subject.txt", context, using="text").split())
        text = render_to_string(f"{base}.txt", context, using="text")
        html = render_to_string(f"{base}.html", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers={"X-GMC-Message": str(message.pk)},
    )
    email.attach_alternative(html, "text/html")
    return email


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff, bounded: 30 s, 60 s, 120 s ... up to an hour by default."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


@dataclass(frozen=True)
class DeliveryResult:
    message_id: int
    status: str
    retry_in: timedelta | None = None  # set when the caller should try again


def deliver(message_id: int) -> DeliveryResult | None:
    """Send one pending message: PENDING -> SENT, or after the last failure -> FAILED.

    The row is locked for the whole send, and skipped when another worker holds it, so
    that the message is sent once however often this runs. Returns None when there was
    nothing to do (gone, already sent or failed, or being sent elsewhere). Side effect:
    one SMTP send. Safe to repeat.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return None
        now = timezone.now()
        try:
            email = render(message)
            email.send()
        except Exception as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            permanent = isinstance(exc, PERMANENT_ERRORS) or not isinstance(exc, TRANSIENT_ERRORS)
            if permanent or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
                retry_in = None
                logger.error(
                    "outbox: message %s failed for good: %s", message.pk, message.last_error
                )
            else:
                retry_in = retry_delay(message.attempts)
                message.next_attempt_at = now + retry_in
                logger.warning(
                    "outbox: message %s attempt %s failed (%s); retry in %s",
                    message.pk,
                    message.attempts,
                    message.last_error,
                    retry_in,
                )
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return DeliveryResult(message.pk, message.status, retry_in)
        message.status = OutboxMessage.Status.SENT
        message.sent_at = now
        message.attempts += 1
        message.subject = email.subject[:255]
        fields = ["status", "sent_at", "attempts", "subject"]
        if message.sensitive:
            message.context = {}
            fields.append("context")
        message.save(update_fields=fields)
    logger.info("outbox: sent message %s (%s) to %s", message.pk, message.kind, message.to_email)
    return DeliveryResult(message.pk, message.status)


def due_messages(now=None) -> models.QuerySet[OutboxMessage]:
    """Pending messages whose next attempt is overdue by more than the sweep grace period,
    i.e. that no enqueued task is going to pick up any more."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_SWEEP_AFTER_SECONDS)
    return OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, next_attempt_at__lte=cutoff
    ).order_by("next_attempt_at")


def sweep(limit: int = 500) -> int:
    """Re-enqueue overdue pending messages; returns how many were enqueued. A message
    enqueued twice is still sent once (``deliver`` claims it under a lock)."""
    ids = list(due_messages().values_list("pk", flat=True)[:limit])
    return sum(enqueue_delivery(pk) for pk in ids)


@transaction.atomic
def requeue(message_id: int) -> OutboxMessage:
    """FAILED -> PENDING with a fresh attempt count, enqueued after commit ("send again").
    A message that is pending or sent is left as it is."""
    message = OutboxMessage.objects.select_for_update().get(pk=message_id)
    if message.status != OutboxMessage.Status.FAILED:
        return message
    message.status = OutboxMessage.Status.PENDING
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    transaction.on_commit(lambda: enqueue_delivery(message.pk))
    return message
