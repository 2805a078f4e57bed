"""Reads of the agenda shared by the pages, the calendar feeds and the tests.

The programme of an edition is read in a fixed number of queries (sessions with their
rooms, then their speakers) whatever its size, and arranged in Python.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from gmc.models import Edition, User

from .models import Session, SessionSpeaker, Speaker, Star


def _with_speakers(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.select_related("room").prefetch_related(
        Prefetch(
            "session_speakers",
            queryset=SessionSpeaker.objects.select_related("speaker").order_by("order", "pk"),
        )
    )


def public_sessions(edition: Edition) -> list[Session]:
    """The edition's public sessions, in time order, with rooms and speakers (2 queries)."""
    return list(
        _with_speakers(Session.objects.public().filter(edition=edition)).order_by(
            "starts_at", "room__order", "title"
        )
    )


def public_session(slug: str) -> Session | None:
    sessions = _with_speakers(Session.objects.public().select_related("edition", "parent"))
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


def arrange_programme(sessions: list[Session], zone: zoneinfo.ZoneInfo) -> list[ProgrammeDay]:
    """Top-level sessions grouped by their date in ``zone`` (so a heading follows the
    viewer's clock), each with its nested sessions. A nested session that starts on
    another day than its block in ``zone`` is listed under its own day, naming its
    block. No queries."""
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
        days.setdefault(day, ProgrammeDay(day)).items.append(item)
    return [days[d] for d in sorted(days)]


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
