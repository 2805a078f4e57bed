"""Reads of the agenda shared by the pages, the calendar feeds, the admin and the tests.

The programme of an edition is read in a fixed number of queries (sessions with their
rooms, then their speakers, and on the pages their recordings and materials) whatever
its size, and arranged and filtered in Python (``filter_programme``: see
``agenda.filters`` for why), so a filtered page costs the queries of the whole one,
however many sessions match. Who may rate a session, and the figures of its feedback,
are read here too.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from gmc.models import Edition, User
from gmc.permissions import is_organiser

from .filters import ProgrammeFilter, fold, search_words, theme_key
from .models import MAX_NESTING, Feedback, Rating, Room, Session, SessionSpeaker, Speaker, Star


def _with_speakers(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.select_related("room").prefetch_related(
        Prefetch(
            "session_speakers",
            queryset=SessionSpeaker.objects.select_related("speaker").order_by("order", "pk"),
        )
    )


def _with_media(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.prefetch_related("recordings", "materials")


def public_sessions(edition: Edition, *, media: bool = False) -> list[Session]:
    """The edition's public sessions, in time order, with rooms and speakers (2 queries),
    and with ``media`` their recordings and materials (2 more)."""
    sessions = _with_speakers(Session.objects.public().filter(edition=edition))
    if media:
        sessions = _with_media(sessions)
    return list(sessions.order_by("starts_at", "room__order", "title"))


def public_session(slug: str) -> Session | None:
    """A public session with its edition, block, room, speakers, recordings and
    materials."""
    sessions = _with_media(
        _with_speakers(Session.objects.public().select_related("edition", "parent"))
    )
    return sessions.filter(slug=slug).first()


def public_children(session: Session) -> list[Session]:
    return list(
        _with_speakers(Session.objects.public().filter(parent=session)).order_by("starts_at")
    )


def published_edition(year: int) -> Edition | None:
    return Edition.objects.published().filter(year=year).first()


def editions_with_programme() -> QuerySet[Edition]:
    """Published editions with at least one public session, newest first (1 query)."""
    return (
        Edition.objects.published()
        .filter(Exists(Session.objects.public().filter(edition=OuterRef("pk"))))
        .order_by("-year")
    )


@dataclass
class ProgrammeItem:
    session: Session
    children: list[ProgrammeItem] = field(default_factory=list)
    # Set when the item is listed under its own day, away from its block, which starts
    # on the day before in the viewer's zone.
    block: Session | None = None


@dataclass
class ProgrammeDay:
    day: date
    items: list[ProgrammeItem] = field(default_factory=list)


def arrange_programme(
    sessions: list[Session],
    zone: zoneinfo.ZoneInfo,
    blocks: dict[int, Session] | None = None,
) -> list[ProgrammeDay]:
    """Top-level sessions grouped by their date in ``zone`` (so a heading follows the
    viewer's clock), each with its nested sessions. A nested session that starts on
    another day than its block in ``zone``, or whose block is not among ``sessions``
    (a filtered programme: found in ``blocks``), is listed on its own, naming its
    block. No queries."""
    blocks = blocks or {}
    items = {s.pk: ProgrammeItem(s) for s in sessions}
    days: dict[date, ProgrammeDay] = {}
    day_of = {s.pk: s.starts_at.astimezone(zone).date() for s in sessions}
    for session in sessions:
        item, day = items[session.pk], day_of[session.pk]
        parent = items.get(session.parent_id) if session.parent_id else None
        if parent is not None and day_of.get(parent.session.pk) == day:
            parent.children.append(item)
            continue
        if parent is not None:
            item.block = parent.session
        elif session.parent_id:
            item.block = blocks.get(session.parent_id)
        days.setdefault(day, ProgrammeDay(day)).items.append(item)
    return [days[d] for d in sorted(days)]


@dataclass
class ProgrammeChoices:
    """What a programme can be narrowed to: only values some public session has."""

    days: list[date]
    rooms: list[Room]
    kinds: list[tuple[str, str]]  # (value, label) in the order of Session.Kind
    themes: list[tuple[str, str]]  # (theme_key, the theme as the page shows it)
    speakers: list[Speaker]


@dataclass
class FilteredProgramme:
    """The sessions of a programme a filter keeps, in time order. ``filter`` is what was
    applied: ``left_out`` names the parameters whose value named nothing in this
    programme (a room of another edition, a day without sessions in the viewer's zone,
    a search of punctuation only), which filter nothing."""

    sessions: list[Session]
    total: int
    filter: ProgrammeFilter
    left_out: tuple[str, ...]
    choices: ProgrammeChoices
    every_session: dict[int, Session]


def _default_theme(session: Session) -> str:
    column = build_localized_fieldname("theme", settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
    return getattr(session, column, "") or session.theme


def _inherited(sessions: list[Session], by_pk: dict[int, Session], own) -> dict[int, object]:
    """Each session's own value, else its block's (a talk of a plenary is in the plenary's
    room and under its theme)."""
    found = {}
    for session in sessions:
        node, depth, value = session, 0, None
        while node is not None and depth < MAX_NESTING and not value:
            value = own(node)
            node, depth = by_pk.get(node.parent_id) if node.parent_id else None, depth + 1
        found[session.pk] = value or None
    return found


def _searched_text(session: Session) -> str:
    """What a search reads: the title, theme and description in the active language
    (modeltranslation falls back to the default one), and the speakers' names."""
    names = [part.speaker.name for part in session.session_speakers.all()]
    return fold("\n".join([session.title, session.theme, session.description, *names]))


def _speaker_ids(session: Session) -> set[str]:
    return {str(part.speaker_id) for part in session.session_speakers.all()}


def _holds_every(text: str, words: list[str]) -> bool:
    return all(word in text for word in words)


def _choices(sessions: list[Session], day_of: dict[int, date]) -> ProgrammeChoices:
    rooms = {s.room.pk: s.room for s in sessions if s.room_id}
    kinds = {s.kind for s in sessions}
    themes: dict[str, str] = {}
    speakers: dict[int, Speaker] = {}
    for session in sessions:
        if session.theme:
            themes.setdefault(theme_key(_default_theme(session)), session.theme)
        for part in session.session_speakers.all():
            speakers.setdefault(part.speaker_id, part.speaker)
    return ProgrammeChoices(
        days=sorted(set(day_of.values())),
        rooms=sorted(rooms.values(), key=lambda r: (r.order, fold(r.name), r.pk)),
        kinds=[(k.value, k.label) for k in Session.Kind if k.value in kinds],
        themes=[(key, label) for key, label in themes.items() if key],
        speakers=sorted(speakers.values(), key=lambda s: (fold(s.name), s.pk)),
    )


def filter_programme(
    sessions: list[Session], asked: ProgrammeFilter, zone: zoneinfo.ZoneInfo
) -> FilteredProgramme:
    """The sessions of ``sessions`` (a whole programme, as ``public_sessions`` reads it)
    that ``asked`` keeps, with what the programme can be narrowed to. Days are the
    dates in ``zone``; a session without a room or theme has its block's. Every
    condition holds at once; a search keeps the sessions holding every word, ignoring
    case and accents. No queries."""
    by_pk = {s.pk: s for s in sessions}
    day_of = {s.pk: s.starts_at.astimezone(zone).date() for s in sessions}
    room_of = _inherited(sessions, by_pk, lambda s: s.room_id)
    theme_of = _inherited(sessions, by_pk, lambda s: s.theme and theme_key(_default_theme(s)))
    choices = _choices(sessions, day_of)
    words = search_words(asked.q)
    known = {
        "day": {d.isoformat() for d in choices.days},
        "room": {str(r.pk) for r in choices.rooms},
        "kind": {value for value, _label in choices.kinds},
        "theme": {key for key, _label in choices.themes},
        "speaker": {str(s.pk) for s in choices.speakers},
    }
    left_out = tuple(
        name
        for name, value in asked.items()
        if (name == "q" and not words) or (name in known and value not in known[name])
    )
    applied = asked.without(*left_out)

    def keeps(session: Session) -> bool:
        return (
            (not applied.day or day_of[session.pk].isoformat() == applied.day)
            and (not applied.room or str(room_of[session.pk]) == applied.room)
            and (not applied.kind or session.kind == applied.kind)
            and (not applied.theme or theme_of[session.pk] == applied.theme)
            and (not applied.speaker or applied.speaker in _speaker_ids(session))
            and (not applied.q or _holds_every(_searched_text(session), words))
        )

    return FilteredProgramme(
        sessions=[s for s in sessions if keeps(s)],
        total=len(sessions),
        filter=applied,
        left_out=left_out,
        choices=choices,
        every_session=by_pk,
    )


def public_speakers() -> QuerySet[Speaker]:
    """Speakers with at least one public session, by name (1 query)."""
    return (
        Speaker.objects.filter(
            Exists(Session.objects.public().filter(session_speakers__speaker=OuterRef("pk")))
        )
        .select_related("organisation")
        .order_by("name")
    )


def public_speaker(slug: str) -> Speaker | None:
    return public_speakers().filter(slug=slug).first()


def speaker_sessions(speaker: Speaker) -> list[Session]:
    """The speaker's public sessions across editions, newest edition first, each with
    the speaker's parts (3 queries)."""
    return list(
        _with_speakers(
            Session.objects.public()
            .filter(session_speakers__speaker=speaker)
            .select_related("edition")
            .distinct()
        ).order_by("-edition__year", "starts_at")
    )


def starred_ids(user: User, sessions: list[Session]) -> set[int]:
    if not user.is_authenticated or not sessions:
        return set()
    return set(
        Star.objects.filter(user=user, session__in=[s.pk for s in sessions]).values_list(
            "session_id", flat=True
        )
    )


def starred_sessions(user: User) -> list[Session]:
    """The user's starred public sessions, newest edition first, then by time."""
    return list(
        _with_speakers(
            Session.objects.public().filter(stars__user=user).select_related("edition")
        ).order_by("-edition__year", "starts_at")
    )


def is_online_attendee(user: User, edition: Edition) -> bool:
    """Whether the user takes part in ``edition`` online: the only people who see
    stream and recording links."""
    # Imported when asked: registration imports the agenda's models, and the agenda's
    # modules keep from importing registration when they load.
    from registration import selectors as registration_selectors

    return registration_selectors.is_online_attendee(user, edition)


def is_confirmed_attendee(user: User, edition: Edition) -> bool:
    """Whether the user holds a confirmed place in ``edition``: who may rate its
    sessions."""
    from registration import selectors as registration_selectors

    return registration_selectors.is_confirmed_attendee(user, edition)


# --- Recordings and materials ------------------------------------------------------------


def may_see_registered_media(user: User, edition: Edition) -> bool:
    """Whether ``user`` sees the recordings and materials organisers keep for the
    edition's registered participants: someone registered for it (confirmed or waiting,
    as ``registration.selectors.participants`` counts them) or an organiser."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_organiser(user, "agenda.view_session"):
        return True
    from registration import selectors as registration_selectors

    return registration_selectors.is_participant(user, edition)


# --- Feedback ----------------------------------------------------------------------------


class FeedbackStatus:
    """Where a person stands with rating a session (``feedback_state``)."""

    NONE = "none"  # a break: nothing to rate
    UPCOMING = "upcoming"  # the session has not ended
    SIGN_IN = "sign_in"  # not signed in (the shared, cached page)
    NOT_REGISTERED = "not_registered"  # no confirmed registration for the edition
    OPEN = "open"  # may rate it
    EDITABLE = "editable"  # rated it, may still change it
    CLOSED = "closed"  # rated it; the week to change it is over


@dataclass(frozen=True)
class FeedbackState:
    status: str
    feedback: Feedback | None = None

    @property
    def may_give(self) -> bool:
        return self.status in (FeedbackStatus.OPEN, FeedbackStatus.EDITABLE)


def takes_feedback(session: Session) -> bool:
    """Every session but a break can be rated."""
    return session.kind != Session.Kind.BREAK


def feedback_state(user: User, session: Session, now=None) -> FeedbackState:
    """What ``user`` may do about rating ``session`` at ``now``. Rating opens when the
    session ends, to people with a confirmed registration for its edition; a person's
    feedback can be changed for ``EDIT_WINDOW`` after they first gave it, then is only
    shown. Someone whose registration ended keeps seeing what they gave. Reads nothing
    for a visitor who is not signed in."""
    now = now or timezone.now()
    if not takes_feedback(session):
        return FeedbackState(FeedbackStatus.NONE)
    if now < session.ends_at:
        return FeedbackState(FeedbackStatus.UPCOMING)
    if not getattr(user, "is_authenticated", False):
        return FeedbackState(FeedbackStatus.SIGN_IN)
    given = Feedback.objects.filter(session=session, author=user).first()
    if given is not None and not given.is_editable(now):
        return FeedbackState(FeedbackStatus.CLOSED, given)
    if not is_confirmed_attendee(user, session.edition):
        if given is not None:
            return FeedbackState(FeedbackStatus.CLOSED, given)
        return FeedbackState(FeedbackStatus.NOT_REGISTERED)
    if given is not None:
        return FeedbackState(FeedbackStatus.EDITABLE, given)
    return FeedbackState(FeedbackStatus.OPEN)


@dataclass(frozen=True)
class FeedbackFigures:
    """How many rated, the average (None when nobody did) and how many gave each
    rating, from 1 to 5."""

    count: int
    average: float | None
    distribution: tuple[int, ...]

    @property
    def bars(self) -> list[tuple[int, int]]:
        """(rating, how many) from 5 down to 1, as a summary lists them."""
        return [(rating, self.distribution[rating - 1]) for rating in range(5, 0, -1)]


@dataclass(frozen=True)
class SessionFeedback:
    session: Session
    figures: FeedbackFigures


@dataclass(frozen=True)
class KindFeedback:
    kind: str
    label: str
    sessions: int
    figures: FeedbackFigures


def _figures_annotations() -> dict:
    counts = {f"rating_{value}": Count("pk", filter=Q(rating=value)) for value in Rating.values}
    return {"count": Count("pk"), "average": Avg("rating"), **counts}


def _figures(row: dict) -> FeedbackFigures:
    return FeedbackFigures(
        count=row["count"],
        average=float(row["average"]) if row["average"] is not None else None,
        distribution=tuple(row[f"rating_{value}"] for value in Rating.values),
    )


def feedback_by_session(feedback: QuerySet[Feedback]) -> list[SessionFeedback]:
    """The figures of each rated session among ``feedback`` (e.g. one edition's), in
    the sessions' time order (2 queries). Names nobody."""
    rows = {
        row["session_id"]: row
        for row in feedback.order_by().values("session_id").annotate(**_figures_annotations())
    }
    sessions = Session.objects.filter(pk__in=rows).select_related("edition", "parent")
    return [
        SessionFeedback(session, _figures(rows[session.pk]))
        for session in sessions.order_by("starts_at", "title")
    ]


def feedback_by_kind(feedback: QuerySet[Feedback]) -> list[KindFeedback]:
    """The figures of each kind of session among ``feedback``, in the order of the
    kinds (1 query). Names nobody."""
    rows = {
        row["session__kind"]: row
        for row in feedback.order_by()
        .values("session__kind")
        .annotate(sessions=Count("session", distinct=True), **_figures_annotations())
    }
    return [
        KindFeedback(kind, str(label), rows[kind]["sessions"], _figures(rows[kind]))
        for kind, label in Session.Kind.choices
        if kind in rows
    ]


def feedback_of_session(session: Session) -> tuple[FeedbackFigures, list[str]]:
    """The session's figures and its comments, for its summary and the speakers' copy:
    the comments in alphabetical order, without author, date or rating, so that neither
    their order nor anything beside them tells who wrote one (2 queries)."""
    feedback = Feedback.objects.filter(session=session)
    row = feedback.order_by().aggregate(**_figures_annotations())
    comments = sorted(
        (text.strip() for text in feedback.exclude(comment="").values_list("comment", flat=True)),
        key=str.casefold,
    )
    return _figures(row), [text for text in comments if text]
