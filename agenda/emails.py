"""The email telling people that sessions they starred moved: its kind, variables and
sample data, and the context it is sent with (``sessions_moved_context``, called by
``agenda.notices``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from gmc import email_kinds
from gmc.dates import day_with_times
from gmc.links import absolute_url
from gmc.models import Edition, User
from gmc.timezones import parse_zone, zone_label

from .models import MoveNoticeItem

SESSIONS_MOVED = email_kinds.EmailKind(
    "agenda.sessions_moved",
    _("A starred session moved"),
    {
        "name": _("The person's name"),
        "edition_title": _("The edition's title"),
        "sessions": _(
            "The sessions that moved: a list of items with “title”, “when”, "
            "“was_when” (empty when the time is the same), “room”, “was_room” "
            "(empty when the room is the same) and “url”"
        ),
        "zone": _("The time zone the times are written in"),
        "agenda_url": _("Link to the person's agenda"),
    },
    {
        "name": "Amina Otieno",
        "edition_title": "Global MOOC and Online Education Conference 2026",
        "sessions": [
            {
                "title": "Plenary session 1",
                "when": "Monday 28 December 2026, 14:30\N{EN DASH}16:00",
                "was_when": "Monday 28 December 2026, 14:00",
                "room": "Main hall",
                "was_room": "",
                "url": "https://gmc.example.org/agenda/session/2026-plenary-1/",
            }
        ],
        "zone": "Hanoi time (UTC+7)",
        "agenda_url": "https://gmc.example.org/agenda/mine/",
    },
    "programme_changes",
)
email_kinds.register(SESSIONS_MOVED)


def _moment(value: datetime, zone) -> str:
    return day_with_times(value.astimezone(zone))


def _line(item: MoveNoticeItem, zone) -> dict | None:
    """What the email says of one moved session; None when it is back where and when it
    was."""
    session = item.session
    same_time = (session.starts_at, session.ends_at) == (item.was_starts_at, item.was_ends_at)
    same_room = session.room_id == item.was_room_id
    if same_time and same_room:
        return None
    return {
        "title": session.display_title,
        "when": day_with_times(session.starts_at.astimezone(zone), session.ends_at),
        "was_when": "" if same_time else _moment(item.was_starts_at, zone),
        "room": session.room.name if session.room_id else "",
        "was_room": "" if same_room else item.was_room_name,
        "url": absolute_url(session.get_absolute_url()),
    }


def sessions_moved_context(
    person: User, edition: Edition, items: Iterable[MoveNoticeItem]
) -> dict | None:
    """The email about ``items`` (public sessions, in the order told), with times in the
    person's zone (their profile's, else the event's) and language; None when none of
    them is still away from where and when it was."""
    items = list(items)
    zone = parse_zone(person.time_zone) or edition.tz
    with translation.override(person.language or settings.LANGUAGE_CODE):
        lines = [line for line in (_line(item, zone) for item in items) if line]
        if not lines:
            return None
        return {
            "name": person.display_name,
            "edition_title": edition.title,
            "sessions": lines,
            "zone": zone_label(zone, items[0].session.starts_at),
            "agenda_url": absolute_url(reverse("agenda:mine")),
        }
