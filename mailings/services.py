"""Organisers' messages to a segment of an edition's participants.

A message is written as a draft, tried with a test sent to its author, then sent:
``start_sending`` fixes the moment and hands over to a Celery task that queues the
recipients in batches (``queue_next_batch``), each recipient one outbox row keyed
(message, recipient), so a repeated or redelivered batch never writes to anyone twice.
Should that task die with its worker, a beat job resumes the message
(``resume_queueing``). What was delivered is read back from those rows
(``selectors.progress``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations import selectors as declaration_selectors
from declarations.models import Call
from gmc import audit, outbox
from gmc.errors import RefusedMove
from gmc.links import site_url
from gmc.models import OutboxMessage, User
from registration import selectors as registration_selectors
from registration.models import Registration

from . import preferences
from .emails import BROADCAST, broadcast_context
from .models import Broadcast, EmailCategory

logger = logging.getLogger(__name__)

KIND = BROADCAST.key
# Recipients written to the outbox per task; the deliveries are batched by the outbox.
QUEUE_BATCH_SIZE = 500


audit.declare_actions(
    {
        "broadcast.changed": _("Message to participants changed"),
        "broadcast.sent": _("Message to participants sent"),
    }
)


class MessagingError(RefusedMove):
    """A refused move of a message (e.g. changing one whose sending has started)."""

    code = "mailings.refused"


# What organisers may change in a draft, in the order their form asks it: its segment
# and its wording.
DRAFT_FIELDS = (
    "edition",
    "registration_status",
    "attendance",
    "check_in",
    "country",
    "organisation_type",
    "declaration_status",
    "subject",
    "greeting",
    "body",
)


def recipients(broadcast: Broadcast) -> models.QuerySet[User]:
    """Exactly the segment: active accounts registered for the edition with the chosen
    status and attendance, checked in at the door or not, from the chosen country and
    type of organisation, at the chosen stage of declaration input, who accept messages
    from the organisers."""
    registrations = Registration.objects.for_edition(broadcast.edition_id)
    status = broadcast.registration_status
    if status == Broadcast.RegistrationStatus.CONFIRMED:
        registrations = registrations.confirmed()
    elif status == Broadcast.RegistrationStatus.WAITING:
        registrations = registrations.waiting()
    elif status == Broadcast.RegistrationStatus.CANCELLED:
        registrations = registrations.cancelled()
    else:
        registrations = registrations.active()
    registrations = registrations.attending(broadcast.attendance)
    if broadcast.check_in == Broadcast.CheckIn.CHECKED_IN:
        registrations = registrations.checked_in()
    elif broadcast.check_in == Broadcast.CheckIn.NOT_CHECKED_IN:
        registrations = registrations.not_checked_in()
    people = registration_selectors.people_holding(registrations)
    if broadcast.country:
        people = people.filter(country=broadcast.country)
    if broadcast.organisation_type:
        people = people.filter(organisation_type=broadcast.organisation_type)
    if broadcast.declaration_status:
        # The stages partition people: sent, a draft (not sent: a draft is not a
        # submission), or nothing started.
        call = Call.objects.filter(edition_id=broadcast.edition_id).first()
        wanted = broadcast.declaration_status
        if call is None:
            if wanted != Broadcast.DeclarationStatus.NONE:
                people = people.none()
        elif wanted == Broadcast.DeclarationStatus.SENT:
            people = people.filter(pk__in=declaration_selectors.contributors_who_submitted(call))
        elif wanted == Broadcast.DeclarationStatus.DRAFT:
            people = people.filter(pk__in=declaration_selectors.contributors_with_draft(call))
        else:
            people = people.exclude(
                pk__in=declaration_selectors.contributors_who_submitted(call)
            ).exclude(pk__in=declaration_selectors.contributors_with_draft(call))
    people = preferences.exclude_opted_out(people, EmailCategory.ANNOUNCEMENTS)
    return people.only("pk", "email", "full_name", "language").order_by("pk")


def preview(broadcast: Broadcast, person: User) -> tuple[str, str, str]:
    """Subject, text and HTML of the message as ``person`` would receive it."""
    context = {
        "site_url": site_url(),
        "unsubscribe_url": preferences.unsubscribe_url(person.pk, EmailCategory.ANNOUNCEMENTS),
        **broadcast_context(broadcast, person),
    }
    return outbox.render_parts(
        template=KIND.replace(".", "/"),
        context=context,
        language=person.language,
        custom=outbox.custom_wording(KIND, person.language),
    )


@transaction.atomic
def send_test(broadcast_id: int, *, to: User) -> OutboxMessage:
    """Queue a copy of the message to ``to`` (its author), marked as a test, always
    sent and never counted as delivered to the segment. Each call sends a new test."""
    broadcast = (
        Broadcast.objects.select_for_update().select_related("edition").get(pk=broadcast_id)
    )
    broadcast.tests_sent += 1
    broadcast.save(update_fields=["tests_sent"])
    return outbox.queue(
        kind=KIND,
        to=to,
        context=broadcast_context(broadcast, to, test=True),
        category="",
        key=f"{KIND}|gmc.broadcast:{broadcast.pk}|test-{broadcast.tests_sent}|user:{to.pk}",
    )


@transaction.atomic
def update_draft(broadcast_id: int, *, changes: dict[str, Any], by: User) -> Broadcast:
    """Write ``changes`` (draft field -> new value) to a message that is still a draft,
    and nothing else. Raises ``MessagingError``, writing nothing, once its sending has
    started: an edit begun before the send must not turn it back into a draft or
    change what is being sent. Side effect: an audit entry with the changed fields.
    Repeating it is harmless."""
    unknown = set(changes).difference(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"not fields of a draft: {sorted(unknown)}")
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast_id)
    if broadcast.status != Broadcast.Status.DRAFT:
        raise MessagingError(
            _(
                "Sending this message has started, so it can no longer be changed: "
                "your changes were not saved."
            )
        )
    before = audit.snapshot(broadcast, changes)
    for name, value in changes.items():
        setattr(broadcast, name, value)
    changed = audit.diff(before, audit.snapshot(broadcast, changes))
    if changed:
        broadcast.save(update_fields=sorted(changed))
        audit.record(by, "broadcast.changed", broadcast, changes=changed)
    return broadcast


@transaction.atomic
def start_sending(broadcast_id: int, *, by: User | None) -> Broadcast:
    """DRAFT -> SENDING; the recipients are queued by a task after commit, and the
    organiser ``by`` is written to the audit log. Sending a message that is already
    sending or sent is a no-op."""
    broadcast = Broadcast.objects.select_for_update().get(pk=broadcast_id)
    if broadcast.status != Broadcast.Status.DRAFT:
        return broadcast
    broadcast.status = Broadcast.Status.SENDING
    broadcast.sent_at = timezone.now()
    broadcast.recipient_count = recipients(broadcast).count()
    broadcast.save(update_fields=["status", "sent_at", "recipient_count"])
    audit.record(
        by,
        "broadcast.sent",
        broadcast,
        changes={
            "status": (Broadcast.Status.DRAFT.value, Broadcast.Status.SENDING.value),
            "recipient_count": (0, broadcast.recipient_count),
        },
    )
    transaction.on_commit(lambda: enqueue_batch(broadcast.pk))
    return broadcast


def enqueue_batch(broadcast_id: int) -> None:
    from .tasks import queue_broadcast_batch

    try:
        queue_broadcast_batch.delay(broadcast_id)
    except Exception:
        logger.warning(
            "messages: could not enqueue message %s; resume_queueing will",
            broadcast_id,
            exc_info=True,
        )


def resume_queueing(now: datetime | None = None) -> list[int]:
    """Hand to a worker again every message still being queued that has not moved for
    ``MESSAGES_RESUME_EVERY_SECONDS`` (no recipient written since): the task queueing
    it died with its worker, or never reached the broker. Returns their ids. Resuming
    one whose task is alive after all is harmless: each batch is written under the
    message's row lock from where the last one stopped, and the outbox keys write each
    recipient once."""
    now = now or timezone.now()
    quiet_since = now - timedelta(seconds=settings.MESSAGES_RESUME_EVERY_SECONDS)
    stalled = list(
        Broadcast.objects.filter(status=Broadcast.Status.SENDING, sent_at__lte=quiet_since)
        .annotate(last_written=Max("outbox_messages__created_at"))
        .filter(Q(last_written__isnull=True) | Q(last_written__lte=quiet_since))
        .values_list("pk", flat=True)
    )
    for broadcast_id in stalled:
        logger.info("messages: resuming the queueing of message %s", broadcast_id)
        enqueue_batch(broadcast_id)
    return stalled


def queue_next_batch(broadcast_id: int, batch_size: int = QUEUE_BATCH_SIZE) -> bool:
    """Write the next batch of recipients to the outbox; SENDING -> QUEUED after the last
    one. Returns whether more remain (the caller runs it again). The row lock and the
    outbox keys make a repeated or concurrent call harmless."""
    with transaction.atomic():
        broadcast = (
            Broadcast.objects.select_for_update().select_related("edition").get(pk=broadcast_id)
        )
        if broadcast.status != Broadcast.Status.SENDING:
            return False
        batch = list(
            recipients(broadcast).filter(pk__gt=broadcast.last_queued_user_id)[:batch_size]
        )
        outbox.queue_many(
            kind=KIND,
            obj=broadcast,
            category=EmailCategory.ANNOUNCEMENTS,
            messages=[
                outbox.Outgoing(
                    key=f"{KIND}|gmc.broadcast:{broadcast.pk}|user:{person.pk}",
                    to=person,
                    context=broadcast_context(broadcast, person),
                )
                for person in batch
            ],
        )
        fields = ["last_queued_user_id"]
        if batch:
            broadcast.last_queued_user_id = batch[-1].pk
        more = len(batch) == batch_size
        if not more:
            broadcast.status = Broadcast.Status.QUEUED
            broadcast.queued_at = timezone.now()
            broadcast.recipient_count = broadcast.outbox_messages.count()
            fields += ["status", "queued_at", "recipient_count"]
        broadcast.save(update_fields=fields)
    return more
