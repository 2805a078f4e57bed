"""Telling people who starred a session that it moved.

A change of time or room to a published session is noted, for each person who starred
it, in their open notice for the edition (``record_moves``, in the transaction of the
change). The notice is sent ``AGENDA_MOVE_NOTICE_DELAY_SECONDS`` after its first change
(``send_move_notice``: a delayed task per notice, and a beat job that catches up), as
one email listing every session that moved meanwhile, through the outbox under a key
of its own, so a notice is mailed once whatever runs twice. People who declined the
"programme changes" category get nothing (the outbox suppresses it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from gmc import outbox

from .emails import SESSIONS_MOVED, sessions_moved_context
from .models import MoveNotice, MoveNoticeItem, Session, Star

logger = logging.getLogger(__name__)

KIND = SESSIONS_MOVED.key


@dataclass(frozen=True)
class Placement:
    """Where and when a session is, and whether it is published."""

    starts_at: datetime
    ends_at: datetime
    room_id: int | None
    room_name: str
    is_published: bool

    def same_place_and_time(self, other: Placement) -> bool:
        return (self.starts_at, self.ends_at, self.room_id) == (
            other.starts_at,
            other.ends_at,
            other.room_id,
        )


def placements(session_ids: Iterable[int]) -> dict[int, Placement]:
    """The placement of each session, read in one query."""
    rows = Session.objects.filter(pk__in=list(session_ids)).values_list(
        "pk", "starts_at", "ends_at", "room_id", "room__name", "is_published"
    )
    return {
        pk: Placement(start, end, room_id, room_name or "", published)
        for pk, start, end, room_id, room_name, published in rows
    }


def _delay() -> timedelta:
    return timedelta(seconds=settings.AGENDA_MOVE_NOTICE_DELAY_SECONDS)


def record_moves(before: dict[int, Placement]) -> int:
    """After sessions were saved (in the same transaction): note every session that was
    and is published and whose time or room changed, for each active person who
    starred it. A person's open notice for the edition is created on the first change,
    and its sending scheduled after commit. Returns how many (person, session) pairs
    were noted. A repeat notes nothing new (one item per session per notice, keeping
    the placement before the first change)."""
    after = placements(before)
    moved = [
        pk
        for pk, old in before.items()
        if old.is_published
        and pk in after
        and after[pk].is_published
        and not old.same_place_and_time(after[pk])
    ]
    if not moved:
        return 0
    stars = Star.objects.filter(session_id__in=moved, user__is_active=True).values_list(
        "user_id", "session_id", "session__edition_id"
    )
    noted = 0
    notices: dict[tuple[int, int], MoveNotice] = {}
    for user_id, session_id, edition_id in stars.order_by("user_id", "session_id"):
        notice = notices.get((user_id, edition_id))
        if notice is None:
            notice = notices[(user_id, edition_id)] = _open_notice(user_id, edition_id)
        old = before[session_id]
        _item, created = MoveNoticeItem.objects.get_or_create(
            notice=notice,
            session_id=session_id,
            defaults={
                "was_starts_at": old.starts_at,
                "was_ends_at": old.ends_at,
                "was_room_id": old.room_id,
                "was_room_name": old.room_name,
            },
        )
        noted += created
    return noted


def _open_notice(user_id: int, edition_id: int) -> MoveNotice:
    """The person's open notice for the edition, opened (and its sending scheduled after
    commit) when there is none. Two changes racing open one: the constraint decides."""
    open_notices = MoveNotice.objects.filter(
        user_id=user_id, edition_id=edition_id, sent_at__isnull=True
    )
    notice = open_notices.first()
    if notice is not None:
        return notice
    try:
        with transaction.atomic():
            notice = MoveNotice.objects.create(
                user_id=user_id, edition_id=edition_id, due_at=timezone.now() + _delay()
            )
    except IntegrityError:
        return open_notices.get()
    transaction.on_commit(lambda: schedule_notice(notice.pk))
    return notice


def schedule_notice(notice_id: int) -> None:
    """Ask a worker to send the notice when it is due. A broker that is down is logged,
    not raised: the beat job sends due notices anyway."""
    from .tasks import send_move_notice_task

    try:
        send_move_notice_task.apply_async((notice_id,), countdown=_delay().total_seconds())
    except Exception:
        logger.warning("agenda: could not schedule move notice %s", notice_id, exc_info=True)


def send_move_notice(notice_id: int) -> bool:
    """Close a due notice and queue its email (one per notice: the outbox key names it),
    listing each of its sessions that is public and still away from where and when it
    was, with times in the person's zone (their profile's, else the event's). Returns
    whether an email was queued. A notice not yet due, already sent, or locked by
    another worker is left alone, so a repeat or a second worker sends nothing more."""
    with transaction.atomic():
        notice = (
            MoveNotice.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user", "edition")
            .filter(pk=notice_id, sent_at__isnull=True, due_at__lte=timezone.now())
            .first()
        )
        if notice is None:
            return False
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
        person, edition = notice.user, notice.edition
        if not person.is_active:
            return False
        public = Session.objects.public().values("pk")
        items = (
            notice.items.filter(session__in=public)
            .select_related("session__room")
            .order_by("session__starts_at", "session__title")
        )
        context = sessions_moved_context(person, edition, items)
        if context is None:
            return False
        outbox.queue(
            kind=KIND,
            to=person,
            obj=notice,
            context=context,
        )
    return True


def send_due_notices(limit: int = 500) -> int:
    """Send every notice that is due (the beat job: catches notices whose delayed task
    was lost). Returns how many emails were queued."""
    due = MoveNotice.objects.filter(sent_at__isnull=True, due_at__lte=timezone.now())
    ids = list(due.order_by("due_at").values_list("pk", flat=True)[:limit])
    return sum(send_move_notice(pk) for pk in ids)
