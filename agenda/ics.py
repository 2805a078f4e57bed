"""Calendar files of the programme (RFC 5545, made with the ``icalendar`` library).

Times are written in UTC, each session keeps one UID for its whole life
(``session-<pk>@<CALENDAR_UID_DOMAIN>``, whatever address served the file) and its
SEQUENCE follows ``Session.sequence``, so a calendar that subscribed once updates an
event when organisers move it instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

import icalendar
from django.utils import timezone

from gmc.links import absolute_url, calendar_uid
from gmc.lists import join_list

from .models import Session


def session_uid(session: Session) -> str:
    return calendar_uid(f"session-{session.pk}")


def _event(session: Session) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("last-modified", session.updated_at.astimezone(UTC))
    event.add("sequence", session.sequence)
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", session.display_title)
    address = absolute_url(session.get_absolute_url())
    lines = [session.description] if session.description else []
    names = [part.speaker.name for part in session.session_speakers.all()]
    if names:
        lines.append(join_list(names))
    lines.append(address)
    event.add("description", "\n\n".join(lines))
    event.add("url", address)
    if session.room_id:
        event.add("location", session.room.name)
    event.add("status", "CONFIRMED")
    return event


def calendar_ics(sessions: Iterable[Session], *, name: str) -> bytes:
    """A calendar of ``sessions`` (already filtered to what the reader may see)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//GMC portal//Agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        calendar.add_component(_event(session))
    return calendar.to_ical()
