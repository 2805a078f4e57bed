"""Which time zone a visitor reads times in.

Every page that shows times of an edition starts in the event's zone and lets the
visitor choose another: a logged-in person's profile zone comes first (they chose it
once for the whole site), then a ``?tz=`` parameter, then the edition's own zone.
An unknown ``?tz=`` value never fails a page: it falls back and is reported so the page
can say so.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

from django.http import HttpRequest

UTC = zoneinfo.ZoneInfo("UTC")

# Query parameter carrying a visitor's chosen zone on public pages.
PARAMETER = "tz"


@lru_cache(maxsize=1)
def known_zone_names() -> frozenset[str]:
    """The IANA names this machine knows (read once: the lookup walks the zone files)."""
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=1)
def sorted_zone_names() -> tuple[str, ...]:
    return tuple(sorted(known_zone_names()))


def parse_zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone of an IANA name, or None for an empty or unknown one (never raises)."""
    if not name or len(name) > 64 or name not in known_zone_names():
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class ZoneChoice:
    """The zone a page shows times in, where it came from (``profile``, ``query`` or
    ``event``), and a rejected ``?tz=`` value, if any, to tell the visitor about."""

    zone: zoneinfo.ZoneInfo
    source: str
    event_zone: zoneinfo.ZoneInfo
    invalid_value: str = ""

    @property
    def name(self) -> str:
        return self.zone.key

    @property
    def is_event_zone(self) -> bool:
        return self.zone.key == self.event_zone.key


def event_zone(edition) -> zoneinfo.ZoneInfo:
    return edition.tz if edition is not None else UTC


def profile_zone(user) -> zoneinfo.ZoneInfo | None:
    if user is None or not user.is_authenticated:
        return None
    return parse_zone(getattr(user, "time_zone", ""))


def zone_choice(request: HttpRequest, edition) -> ZoneChoice:
    """The viewer's zone for times of ``edition`` and how it was chosen."""
    default = event_zone(edition)
    requested = request.GET.get(PARAMETER, "").strip()
    from_query = parse_zone(requested)
    invalid = requested if requested and from_query is None else ""
    from_profile = profile_zone(getattr(request, "user", None))
    if from_profile is not None:
        return ZoneChoice(from_profile, "profile", default, invalid)
    if from_query is not None:
        return ZoneChoice(from_query, "query", default)
    return ZoneChoice(default, "event", default, invalid)


def viewer_zone(request: HttpRequest, edition) -> zoneinfo.ZoneInfo:
    """The zone to show ``edition``'s times in for this request."""
    return zone_choice(request, edition).zone
