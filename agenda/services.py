"""Every write to the agenda besides the admin's own form saves: revisions of published
sessions, duplicating and shifting sessions, stars and private feed tokens."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gmc.models import User

from .cache import invalidate_programme
from .models import CalendarFeed, Session, SessionSpeaker, Star
from .notices import placements, record_moves

# A shift beyond a day is a new programme, not a last-minute change.
MAX_SHIFT_MINUTES = 24 * 60


class AgendaError(Exception):
    """A refused change to the agenda; the message is meant for the organiser."""


def record_session_change(session: Session, *, was_published: bool, changed: Iterable[str]) -> int:
    """After an organiser saved ``session``: increment its iCalendar SEQUENCE when a
    published session (or one that was published) changed, so calendar apps update the
    event. Returns the sequence. Safe to call once per save; a save with nothing
    changed leaves the sequence alone."""
    if not (was_published or session.is_published) or not list(changed):
        return session.sequence
    Session.objects.filter(pk=session.pk).update(sequence=F("sequence") + 1)
    session.refresh_from_db(fields=["sequence"])
    return session.sequence


@dataclass
class PublishResult:
    changed: list[int] = field(default_factory=list)  # ids whose state changed
    problems: list[str] = field(default_factory=list)  # why some were left alone


@transaction.atomic
def publish_sessions(session_ids: Iterable[int]) -> PublishResult:
    """Publish drafts. Each is checked as the admin form checks it (edition dates, its
    block, a free room), and one that fails is left a draft with the reason; the others
    are published and their SEQUENCE increases. Published ones are left alone, so a
    repeat is a no-op."""
    result = PublishResult()
    drafts = list(
        Session.objects.select_for_update(of=("self",))
        .filter(pk__in=list(session_ids), is_published=False)
        .select_related("edition", "room", "parent__parent")
        .order_by("starts_at", "pk")
    )
    for session in drafts:
        session.is_published = True
        try:
            session.clean()
        except ValidationError as error:
            result.problems.extend(f"{session.display_title}: {m}" for m in error.messages)
            continue
        # One at a time: the next draft's room check sees this one published.
        Session.objects.filter(pk=session.pk).update(
            is_published=True, sequence=F("sequence") + 1, updated_at=timezone.now()
        )
        result.changed.append(session.pk)
    if result.changed:
        invalidate_programme(
            {s.edition_id for s in drafts if s.pk in result.changed}, everywhere=True
        )
    return result


@transaction.atomic
def unpublish_sessions(session_ids: Iterable[int]) -> PublishResult:
    """Make published sessions drafts again (they leave the public pages and calendar
    feeds; their SEQUENCE increases). Drafts are left alone: a repeat is a no-op."""
    published = list(
        Session.objects.select_for_update()
        .filter(pk__in=list(session_ids), is_published=True)
        .order_by("pk")
        .values_list("pk", "edition_id")
    )
    ids = [pk for pk, _edition in published]
    Session.objects.filter(pk__in=ids).update(
        is_published=False, sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    invalidate_programme((edition for _pk, edition in published), everywhere=True)
    return PublishResult(changed=ids)


def _free_slug(base: str) -> str:
    base = base[:180]
    candidate, number = f"{base}-copy", 2
    while Session.objects.filter(slug=candidate).exists():
        candidate, number = f"{base}-copy-{number}", number + 1
    return candidate


@transaction.atomic
def duplicate_session(session_id: int) -> Session:
    """A draft copy of a session, with the same times, room, block and speakers, under a
    free slug (``<slug>-copy``, ``<slug>-copy-2``...). The copy is a draft so it never
    clashes with the original in the room; the organiser edits and publishes it.
    Not idempotent: each call makes another copy."""
    original = Session.objects.select_for_update().get(pk=session_id)
    parts = list(original.session_speakers.all())
    copy = Session.objects.create(
        edition_id=original.edition_id,
        kind=original.kind,
        title=original.title,
        slug=_free_slug(original.slug),
        description=original.description,
        starts_at=original.starts_at,
        ends_at=original.ends_at,
        room_id=original.room_id,
        parent_id=original.parent_id,
        plenary_number=original.plenary_number,
        theme=original.theme,
        is_published=False,
    )
    SessionSpeaker.objects.bulk_create(
        SessionSpeaker(session=copy, speaker_id=p.speaker_id, role=p.role, order=p.order)
        for p in parts
    )
    return copy


@transaction.atomic
def shift_sessions(session_ids: Iterable[int], minutes: int) -> list[Session]:
    """Move sessions (and the sessions nested in them) by ``minutes``, later when
    positive. Each moved session's SEQUENCE increases. All or nothing: when a moved
    session would leave the edition's dates or clash with another session in its room,
    nothing moves and AgendaError names the problems. People who starred a moved
    published session are told (``agenda.notices``). Not idempotent: each call shifts
    again."""
    if not minutes or abs(minutes) > MAX_SHIFT_MINUTES:
        raise AgendaError(
            _("Shift by 1 to %(max)d minutes, earlier or later.") % {"max": MAX_SHIFT_MINUTES}
        )
    ids = set(session_ids)
    # Nested items move with their block, so a ceremony is shifted by selecting it alone.
    ids |= set(Session.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
    ids |= set(Session.objects.filter(parent__parent_id__in=ids).values_list("pk", flat=True))
    locked = list(Session.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    before = placements(ids)
    delta = timedelta(minutes=minutes)
    Session.objects.filter(pk__in=ids).update(
        starts_at=F("starts_at") + delta,
        ends_at=F("ends_at") + delta,
        sequence=F("sequence") + 1,
        updated_at=timezone.now(),
    )
    moved = list(
        Session.objects.filter(pk__in=ids).select_related("edition", "room", "parent__parent")
    )
    problems = []
    for session in moved:
        try:
            session.clean()
        except ValidationError as error:
            problems.extend(f"{session.display_title}: {m}" for m in error.messages)
    if problems:
        raise AgendaError(" ".join(problems))
    # update() sends no signals: tell the cache, and those who starred the sessions.
    invalidate_programme(s.edition_id for s in locked)
    record_moves(before)
    return moved


def star_session(user: User, session: Session) -> Star:
    """Add a public session to the user's agenda. Repeating it is a no-op."""
    try:
        with transaction.atomic():
            star, _created = Star.objects.get_or_create(user=user, session=session)
    except IntegrityError:
        # A second click raced the first one: the star is there.
        star = Star.objects.get(user=user, session=session)
    return star


def unstar_session(user: User, session: Session) -> None:
    """Remove a session from the user's agenda. Repeating it is a no-op."""
    Star.objects.filter(user=user, session=session).delete()


def ensure_feed(user: User) -> CalendarFeed:
    """The user's private feed, created with a fresh token the first time. Safe to
    repeat: an existing token is kept."""
    try:
        with transaction.atomic():
            feed, _created = CalendarFeed.objects.get_or_create(user=user)
    except IntegrityError:
        feed = CalendarFeed.objects.get(user=user)
    return feed


@transaction.atomic
def reset_feed_token(user: User) -> CalendarFeed:
    """Give the user's private feed a new token: the old address stops working at once.
    Not idempotent by design: every call issues a new token."""
    feed = ensure_feed(user)
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    feed.token = CalendarFeed._meta.get_field("token").get_default()
    feed.reset_at = timezone.now()
    feed.save(update_fields=["token", "reset_at"])
    return feed
