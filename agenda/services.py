"""Every write to the agenda besides the admin's own form saves (which go through
``changing_sessions`` all the same): revisions of published sessions, duplicating,
shifting and publishing sessions, stars, private feed tokens and attendees' feedback."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gmc import audit, page_cache
from gmc.errors import RefusedMove
from gmc.models import Edition, User
from gmc.translation import texts_in_every_language

from .models import CalendarFeed, Feedback, Room, Session, SessionSpeaker, Speaker, Star
from .models.feedback import COMMENT_MAX_LENGTH
from .notices import Placement, record_moves
from .selectors import FeedbackStatus, feedback_state

# A shift beyond a day is a new programme, not a last-minute change.
MAX_SHIFT_MINUTES = 24 * 60


class AgendaError(RefusedMove):
    """A refused change to the agenda; the message is meant for the organiser."""

    code = "agenda.refused"


# What an organiser edits on a session besides its speakers: a change to any of these is
# a new revision for calendar apps (SEQUENCE) and for the cached public pages.
REVISED_FIELDS = (
    "edition_id",
    "kind",
    "title",
    "slug",
    "description",
    "starts_at",
    "ends_at",
    "room_id",
    "parent_id",
    "plenary_number",
    "theme",
    "is_published",
)

# Each changed session gets one audit entry, named by what happened to it: a change of
# its publication first, then a change of its time or room alone, else any other edit.
audit.declare_actions(
    {
        "session.published": gettext_lazy("Session published"),
        "session.unpublished": gettext_lazy("Session unpublished (back to a draft)"),
        "session.moved": gettext_lazy("Session moved (time or room)"),
        "session.changed": gettext_lazy("Session edited"),
    }
)
PLACEMENT_FIELDS = {"starts_at", "ends_at", "room"}


@dataclass(frozen=True)
class SessionState:
    """A session as it was before a write: what it said, who spoke, where and when."""

    edition_id: int
    content: tuple
    speakers: tuple
    placement: Placement


def session_states(session_ids: Iterable[int], *, lock: bool = False) -> dict[int, SessionState]:
    """The state of each session (two queries), its row locked when ``lock``."""
    ids = sorted(set(session_ids))
    rows = Session.objects.filter(pk__in=ids).order_by("pk")
    if lock:
        rows = rows.select_for_update(of=("self",))
    speakers: dict[int, list[tuple]] = defaultdict(list)
    parts = SessionSpeaker.objects.filter(session_id__in=ids).order_by("session_id", "pk")
    for session_id, *part in parts.values_list("session_id", "speaker_id", "role", "order"):
        speakers[session_id].append(tuple(part))
    states = {}
    for row in rows.values("pk", "room__name", *REVISED_FIELDS):
        states[row["pk"]] = SessionState(
            edition_id=row["edition_id"],
            content=tuple(row[name] for name in REVISED_FIELDS),
            speakers=tuple(speakers[row["pk"]]),
            placement=Placement(
                row["starts_at"],
                row["ends_at"],
                row["room_id"],
                row["room__name"] or "",
                row["is_published"],
            ),
        )
    return states


@contextmanager
def changing_sessions(
    session_ids: Iterable[int], *, by: User | None, note: str = ""
) -> Iterator[None]:
    """The one way sessions change: wrap every write to existing sessions (an admin
    save, its block items, a shift, publishing) in it. In one transaction it locks the
    sessions and notes their state, runs the write, then, for each session that is not
    as it was: writes one audit entry (``by``, the organiser, or None for the system;
    the changed fields old and new; ``note``, e.g. why), and, when it was or is
    published, increases its iCalendar SEQUENCE by one (so calendar apps replace the
    event), invalidates the cached public pages (``gmc.page_cache``), and tells those
    who starred a published session that moved (``notices.record_moves``). A write that
    changes nothing, or raises, bumps and logs nothing. Sessions created inside are new
    (SEQUENCE 0) and left alone. One change, one bump, one entry: each write needs its
    own block."""
    with transaction.atomic():
        before = session_states(session_ids, lock=True)
        yield
        _record_changes(before, by=by, note=note)


def _record_changes(before: dict[int, SessionState], *, by: User | None, note: str) -> None:
    after = session_states(before)
    changed = {
        pk: old
        for pk, old in before.items()
        if pk in after and (old.content, old.speakers) != (after[pk].content, after[pk].speakers)
    }
    if not changed:
        return
    _audit(changed, after, by=by, note=note)
    revised = [
        pk
        for pk, old in changed.items()
        if old.placement.is_published or after[pk].placement.is_published
    ]
    Session.objects.filter(pk__in=revised).update(sequence=F("sequence") + 1)
    # Written with update(), which sends no signal: the public pages are told here.
    page_cache.invalidate()
    record_moves({pk: old.placement for pk, old in changed.items()})


def _readable(states: Iterable[SessionState]) -> dict[str, dict]:
    """Names for the related rows the states point at, read in one query per kind:
    the log keeps what an organiser would read (a room's name, not its id)."""
    ids: dict[str, set] = defaultdict(set)
    for state in states:
        row = dict(zip(REVISED_FIELDS, state.content, strict=True))
        for name in ("edition_id", "room_id", "parent_id"):
            ids[name].add(row[name])
        ids["speaker"].update(part[0] for part in state.speakers)
    rows = {
        "edition_id": Edition.objects.filter(pk__in=ids["edition_id"]),
        "room_id": Room.objects.filter(pk__in=ids["room_id"]).select_related("edition"),
        "parent_id": Session.objects.filter(pk__in=ids["parent_id"]),
        "speaker": Speaker.objects.filter(pk__in=ids["speaker"]),
    }
    return {name: {row.pk: str(row) for row in found} for name, found in rows.items()}


def _audit_view(state: SessionState, names: dict[str, dict]) -> dict:
    """A session's state as the audit log records it, by model field name."""
    view = {}
    for name, value in zip(REVISED_FIELDS, state.content, strict=True):
        if name in names:
            view[name.removesuffix("_id")] = names[name].get(value) if value else None
        else:
            view[name] = value
    roles = dict(SessionSpeaker.Role.choices)
    view["speakers"] = [
        f"{names['speaker'].get(speaker_id, '')} ({roles.get(role, role)})"
        for speaker_id, role, _order in sorted(state.speakers, key=lambda part: part[2])
    ]
    return view


def _audit(
    changed: dict[int, SessionState],
    after: dict[int, SessionState],
    *,
    by: User | None,
    note: str,
) -> None:
    """One entry per changed session, in the change's own transaction. A change the
    log's view does not show (speakers renumbered in the same order) is still an edit."""
    names = _readable([*changed.values(), *(after[pk] for pk in changed)])
    sessions = Session.objects.in_bulk(list(changed))
    for pk, old in sorted(changed.items()):
        new = after[pk]
        changes = audit.diff(_audit_view(old, names), _audit_view(new, names))
        if old.placement.is_published != new.placement.is_published:
            action = "session.published" if new.placement.is_published else "session.unpublished"
        elif changes and set(changes) <= PLACEMENT_FIELDS:
            action = "session.moved"
        else:
            action = "session.changed"
        audit.record(by, action, sessions[pk], changes=changes, note=note)


@dataclass
class PublishResult:
    changed: list[int] = field(default_factory=list)  # ids whose state changed
    problems: list[str] = field(default_factory=list)  # why some were left alone


@transaction.atomic
def publish_sessions(session_ids: Iterable[int], *, by: User | None) -> PublishResult:
    """Publish drafts. Each is checked as the admin form checks it (edition dates, its
    block, a free room), and one that fails is left a draft with the reason; the others
    are published, their SEQUENCE increases and each gets a "session.published" audit
    entry by ``by``. Published ones are left alone, so a repeat is a no-op."""
    result = PublishResult()
    ids = list(session_ids)
    with changing_sessions(ids, by=by):
        drafts = list(
            Session.objects.filter(pk__in=ids, is_published=False)
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
                is_published=True, updated_at=timezone.now()
            )
            result.changed.append(session.pk)
    return result


@transaction.atomic
def unpublish_sessions(session_ids: Iterable[int], *, by: User | None) -> PublishResult:
    """Make published sessions drafts again (they leave the public pages and calendar
    feeds; their SEQUENCE increases; each gets a "session.unpublished" audit entry by
    ``by``). Drafts are left alone: a repeat is a no-op."""
    ids = list(session_ids)
    with changing_sessions(ids, by=by):
        published = list(
            Session.objects.filter(pk__in=ids, is_published=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Session.objects.filter(pk__in=published).update(
            is_published=False, updated_at=timezone.now()
        )
    return PublishResult(changed=published)


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
        slug=_free_slug(original.slug),
        starts_at=original.starts_at,
        ends_at=original.ends_at,
        room_id=original.room_id,
        parent_id=original.parent_id,
        plenary_number=original.plenary_number,
        is_published=False,
        # Title, description and theme in every language they are written in.
        **texts_in_every_language(original),
    )
    SessionSpeaker.objects.bulk_create(
        SessionSpeaker(session=copy, speaker_id=p.speaker_id, role=p.role, order=p.order)
        for p in parts
    )
    return copy


@transaction.atomic
def shift_sessions(session_ids: Iterable[int], minutes: int, *, by: User | None) -> list[Session]:
    """Move sessions (and the sessions nested in them) by ``minutes``, later when
    positive. Each moved published session's SEQUENCE increases, and each moved session
    gets a "session.moved" audit entry by ``by`` noting the shift. All or nothing: when
    a moved session would leave the edition's dates or clash with another session in its
    room, nothing moves (and nothing is logged) and AgendaError names the problems.
    People who starred a moved published session are told (``agenda.notices``). Not
    idempotent: each call shifts again."""
    if not minutes or abs(minutes) > MAX_SHIFT_MINUTES:
        raise AgendaError(
            _("Shift by 1 to %(max)d minutes, earlier or later.") % {"max": MAX_SHIFT_MINUTES}
        )
    ids = set(session_ids)
    # Nested items move with their block, so a ceremony is shifted by selecting it alone.
    ids |= set(Session.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
    ids |= set(Session.objects.filter(parent__parent_id__in=ids).values_list("pk", flat=True))
    delta = timedelta(minutes=minutes)
    note = _("Shifted by %(minutes)d minutes.") % {"minutes": minutes}
    with changing_sessions(ids, by=by, note=note):
        Session.objects.filter(pk__in=ids).update(
            starts_at=F("starts_at") + delta,
            ends_at=F("ends_at") + delta,
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


class FeedbackError(AgendaError):
    """Feedback refused: the session has not ended, the person may not rate it, or the
    week to change it is over."""

    code = "agenda.feedback_refused"


def give_feedback(
    session_id: int, *, by: User, rating: int, comment: str = "", now=None
) -> Feedback:
    """``by``'s rating (1 to 5) and comment of a public session, as
    ``selectors.feedback_state`` allows: the first time it creates their one row (its
    ``created_at`` starts the week in which they may change it), later it changes that
    row. Refused with FeedbackError before the session ends, for a break, for anyone
    without a confirmed registration for the edition, and after the week. No side
    effect beyond the row; repeating it (or two submissions at once) leaves one row, the
    last values given."""
    now = now or timezone.now()
    comment = comment.strip()
    if rating not in range(1, 6):
        raise FeedbackError(_("Choose a rating from 1 to 5."), field="rating")
    if len(comment) > COMMENT_MAX_LENGTH:
        raise FeedbackError(
            _("Keep the comment to %(max)d characters.") % {"max": COMMENT_MAX_LENGTH},
            field="comment",
        )
    session = Session.objects.public().select_related("edition").get(pk=session_id)
    with transaction.atomic():
        state = feedback_state(by, session, now)
        if not state.may_give:
            raise FeedbackError(_refusal(state.status), code=f"agenda.feedback_{state.status}")
        try:
            with transaction.atomic():
                return Feedback.objects.create(
                    session=session,
                    author=by,
                    rating=rating,
                    comment=comment,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            pass  # given already, or a second submission raced this one: change it
        given = Feedback.objects.select_for_update().get(session=session, author=by)
        if not given.is_editable(now):
            raise FeedbackError(_refusal(FeedbackStatus.CLOSED), code="agenda.feedback_closed")
        if (given.rating, given.comment) != (rating, comment):
            given.rating, given.comment, given.updated_at = rating, comment, now
            given.save(update_fields=["rating", "comment", "updated_at"])
        return given


def _refusal(status: str) -> str:
    return {
        FeedbackStatus.NONE: _("Breaks are not rated."),
        FeedbackStatus.UPCOMING: _("You can rate the session once it has ended."),
        FeedbackStatus.SIGN_IN: _("Sign in to rate the session."),
        FeedbackStatus.NOT_REGISTERED: _(
            "Only people with a confirmed registration for this edition can rate its sessions."
        ),
        FeedbackStatus.CLOSED: _(
            "Your feedback can no longer be changed: it could be changed for a week after "
            "you first gave it."
        ),
    }[status]
