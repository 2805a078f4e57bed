"""Which time zone a visitor reads times in, and how zones are named and found.

Every page that shows times of an edition starts in the event's zone and lets the
visitor choose another. A ``?tz=`` parameter wins (and is remembered in a cookie for the
rest of the visit, so the next page keeps it: a cookie, not the session, so that
visitors not signed in are still served the cached pages), then the choice remembered
earlier, then a logged-in person's profile zone (a default, never a lock), then the
edition's own zone.
An unknown ``?tz=`` value never fails a page: it falls back and is reported so the page
can say so.

People name zones by city or country, not by their IANA names: ``find_zones`` searches
the current zones of the zone database (``zone.tab``) by city, country, IANA name and a
few common city aliases (Hanoi, Beijing, Delhi...), ignoring case and accents, and
``zone_label`` names a zone the way people say it: "Hanoi time (UTC+7)".
"""

from __future__ import annotations

import functools
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext, override
from django.utils.translation import gettext_lazy as _
from django_countries import countries

UTC = zoneinfo.ZoneInfo("UTC")

# Query parameter carrying a visitor's chosen zone on public pages.
PARAMETER = "tz"
# Where the visitor's last explicit choice is kept for the rest of their visit (a
# browser-session cookie holding an IANA name).
COOKIE_NAME = "gmc_time_zone"

# Zones people call after another city than the one the zone database names them by.
PLACE_NAMES = {
    "Asia/Shanghai": _("Beijing"),
    "Asia/Ho_Chi_Minh": _("Hanoi"),
    "Asia/Kolkata": _("Delhi"),
}

# More places people look a zone up by (accents and case do not matter).
CITY_ALIASES = {
    "Asia/Ho_Chi_Minh": ["Hanoi", "Ha Noi", "Saigon", "Ho Chi Minh City", "Da Nang"],
    "Asia/Shanghai": ["Beijing", "Peking", "Guangzhou", "Shenzhen", "Chengdu", "Wuhan"],
    "Asia/Kolkata": [
        "Delhi",
        "New Delhi",
        "Mumbai",
        "Bombay",
        "Bangalore",
        "Bengaluru",
        "Chennai",
        "Hyderabad",
        "Calcutta",
    ],
    "America/Mexico_City": ["CDMX", "Ciudad de Mexico", "Guadalajara", "Puebla"],
    "America/New_York": [
        "Washington",
        "Washington DC",
        "Boston",
        "Philadelphia",
        "Atlanta",
        "Miami",
        "Eastern Time",
    ],
    "America/Chicago": ["Houston", "Dallas", "Austin", "Central Time"],
    "America/Denver": ["Salt Lake City", "Mountain Time"],
    "America/Los_Angeles": ["San Francisco", "Seattle", "San Diego", "Pacific Time"],
    "America/Toronto": ["Ottawa", "Montreal", "Quebec"],
    "America/Sao_Paulo": ["Rio de Janeiro", "Brasilia"],
    "America/Bogota": ["Medellin"],
    "Europe/London": ["Edinburgh", "Manchester", "Oxford", "Cambridge"],
    "Europe/Paris": ["Lyon", "Marseille"],
    "Europe/Berlin": ["Munich", "Frankfurt", "Hamburg"],
    "Europe/Rome": ["Milan", "Florence", "Naples"],
    "Europe/Madrid": ["Barcelona", "Valencia", "Seville"],
    "Europe/Zurich": ["Geneva", "Bern", "Lausanne"],
    "Europe/Istanbul": ["Ankara"],
    "Europe/Kyiv": ["Kiev"],
    "Asia/Dubai": ["Abu Dhabi"],
    "Asia/Karachi": ["Islamabad", "Lahore"],
    "Asia/Riyadh": ["Jeddah"],
    "Asia/Qatar": ["Doha"],
    "Asia/Tokyo": ["Osaka", "Kyoto"],
    "Asia/Seoul": ["Busan"],
    "Asia/Jakarta": ["Bandung", "Surabaya"],
    "Asia/Kuala_Lumpur": ["Penang"],
    "Australia/Sydney": ["Canberra"],
    "Pacific/Auckland": ["Wellington"],
    "Africa/Lagos": ["Abuja"],
    "Africa/Johannesburg": ["Cape Town", "Pretoria", "Durban"],
    "Africa/Cairo": ["Alexandria"],
    "Africa/Casablanca": ["Rabat"],
}

# Countries under other names than their official short ones.
COUNTRY_ALIASES = {
    "US": ["United States", "USA", "America"],
    "GB": ["UK", "Britain", "Great Britain", "England", "Scotland", "Wales"],
    "VN": ["Viet Nam"],
    "NL": ["Holland"],
    "CZ": ["Czech Republic"],
    "CD": ["DR Congo", "Congo-Kinshasa"],
}

_UTC_OFFSET = re.compile(r"\s*\(\s*(UTC|GMT)[^)]*\)\s*$", re.IGNORECASE)


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


# --- The zone database's list of current zones -----------------------------------------


def _database_file(name: str) -> str:
    """A table of the zone database: the system's copy, else the tzdata package's."""
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return (resources.files("tzdata") / "zoneinfo" / name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return ""


@dataclass(frozen=True)
class ZoneEntry:
    """One current zone: its IANA name, the country it is in and its city."""

    name: str
    country: str  # ISO 3166 code; empty for UTC

    @property
    def city(self) -> str:
        place = PLACE_NAMES.get(self.name)
        if place is not None:
            return str(place)
        return self.name.rsplit("/", 1)[-1].replace("_", " ")

    @property
    def country_name(self) -> str:
        return str(countries.name(self.country)) if self.country else ""


@lru_cache(maxsize=1)
def current_zones() -> tuple[ZoneEntry, ...]:
    """UTC and the zones of places in use today (``zone.tab``: no deprecated aliases such
    as Mexico/BajaNorte or US/Eastern), by IANA name. Read once."""
    entries, seen = [ZoneEntry("UTC", "")], {"UTC"}
    for line in _database_file("zone.tab").splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 3 and fields[2] not in seen and fields[2] in known_zone_names():
            entries.append(ZoneEntry(fields[2], fields[0]))
            seen.add(fields[2])
    if len(entries) == 1:  # no table found: every Area/City name but the technical ones
        entries += [
            ZoneEntry(name, "")
            for name in sorted_zone_names()
            if "/" in name and not name.startswith(("Etc/", "posix/", "right/", "SystemV/"))
        ]
    return (entries[0], *sorted(entries[1:], key=lambda e: e.name))


@lru_cache(maxsize=1)
def _entries_by_name() -> dict[str, ZoneEntry]:
    return {entry.name: entry for entry in current_zones()}


@lru_cache(maxsize=1)
def _links() -> dict[str, str]:
    """Old names the database keeps as links to a current zone (``US/Eastern`` ->
    ``America/New_York``)."""
    links = {}
    for line in _database_file("tzdata.zi").splitlines():
        if line.startswith("L "):
            parts = line.split()
            if len(parts) == 3:
                links[parts[2]] = parts[1]
    return links


def canonical_name(name: str) -> str:
    """The current zone a (possibly deprecated) IANA name stands for."""
    entries = _entries_by_name()
    seen = 0
    while name not in entries and name in _links() and seen < 5:
        name, seen = _links()[name], seen + 1
    return name


def normalise(text: str) -> str:
    """Lower case, without accents, with underscores, hyphens and dots as spaces."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[_\-.]+", " ", text.casefold())
    return " ".join(text.split())


def _words_of(entry: ZoneEntry) -> tuple[frozenset[str], frozenset[str]]:
    return _words_in(entry, get_language())


@lru_cache(maxsize=4096)
def _words_in(entry: ZoneEntry, language: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """(Places, countries) an entry answers to, normalised; country names in English
    and in ``language``."""
    places = {normalise(entry.name), normalise(entry.city)}
    places.add(normalise(entry.name.rsplit("/", 1)[-1]))
    places.update(normalise(alias) for alias in CITY_ALIASES.get(entry.name, ()))
    found = set()
    if entry.country:
        with override("en"):
            found.add(normalise(str(countries.name(entry.country))))
        found.add(normalise(str(countries.name(entry.country))))  # in ``language``
        found.add(entry.country.casefold())
        found.update(normalise(alias) for alias in COUNTRY_ALIASES.get(entry.country, ()))
    return frozenset(places), frozenset(found)


def find_zones(query: str, limit: int = 20) -> list[ZoneEntry]:
    """Current zones matching ``query``: a city, an alias, a country or an IANA name,
    ignoring case and accents. Exact matches of a place come first, then places starting
    with the query, then exact matches of a country, then anything containing it."""
    text = normalise(_UTC_OFFSET.sub("", query or ""))
    if not text:
        return []
    ranked: list[tuple[int, str, ZoneEntry]] = []
    for entry in current_zones():
        places, found_countries = _words_of(entry)
        if text in places:
            rank = 0
        elif any(p.startswith(text) for p in places):
            rank = 1
        elif text in found_countries:
            rank = 2
        elif any(text in p for p in places | found_countries):
            rank = 3
        else:
            continue
        ranked.append((rank, entry.name, entry))
    ranked.sort(key=lambda item: item[:2])
    return [entry for _rank, _name, entry in ranked[:limit]]


class AmbiguousZone(ValueError):
    """A name that fits several zones; ``candidates`` are the closest ones."""

    def __init__(self, candidates: list[ZoneEntry]):
        super().__init__("several zones match")
        self.candidates = candidates


def resolve_zone_name(text: str | None) -> str | None:
    """The current IANA name ``text`` stands for: an IANA name (an old one is taken to
    its current zone), a city, an alias, a country with one zone, or one of the labels
    this module writes ("Hanoi, Vietnam (UTC+7)"). None when nothing matches; raises
    ``AmbiguousZone`` when several zones do (a country with many, say)."""
    text = (text or "").strip()
    if not text or len(text) > 100 or "\x00" in text:
        return None
    if text in known_zone_names():
        return canonical_name(text)
    bare = _UTC_OFFSET.sub("", text).strip()
    attempts = [bare]
    if "," in bare:
        attempts += [part.strip() for part in bare.split(",")]
    for attempt in attempts:
        key = normalise(attempt)
        if not key:
            continue
        exact = []
        for entry in current_zones():
            places, found_countries = _words_of(entry)
            if key in places:
                return entry.name
            if key in found_countries:
                exact.append(entry)
        if len(exact) == 1:
            return exact[0].name
        if exact:
            raise AmbiguousZone(find_zones(attempt, limit=10))
    return None


def resolve_zone(text: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone ``text`` names (see ``resolve_zone_name``), None when none or several."""
    try:
        return parse_zone(resolve_zone_name(text))
    except AmbiguousZone:
        return None


# --- Names people read ----------------------------------------------------------------


def utc_offset(zone: zoneinfo.ZoneInfo, at: datetime | None = None) -> str:
    """ "+7", "-6", "+5:30" or "" for UTC itself, at ``at`` (default: now)."""
    offset = (at or timezone.now()).astimezone(zone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if not minutes:
        return ""
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}" if rest else f"{sign}{hours}"


def place_name(name: str) -> str:
    """The place a zone is called after: "Hanoi" for Asia/Ho_Chi_Minh, "UTC" for UTC."""
    entry = _entries_by_name().get(canonical_name(name))
    if entry is not None:
        return entry.city
    return name.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(zone: zoneinfo.ZoneInfo | str, at: datetime | None = None) -> str:
    """A zone as people say it, with its offset at ``at`` (default: now):
    "Hanoi time (UTC+7)", "Mexico City time (UTC-6)", "UTC"."""
    name = zone if isinstance(zone, str) else zone.key
    zone = parse_zone(name) if isinstance(zone, str) else zone
    if zone is None:
        return name
    if canonical_name(name) in ("UTC", "Etc/UTC"):
        return "UTC"
    return gettext("%(place)s time (UTC%(offset)s)") % {
        "place": place_name(name),
        "offset": utc_offset(zone, at) or "+0",
    }


def option_label(entry: ZoneEntry, at: datetime | None = None) -> str:
    """An entry as a list offers it: "Hanoi, Vietnam (UTC+7)"; read back by
    ``resolve_zone_name``."""
    if entry.name == "UTC":
        return "UTC"
    zone = parse_zone(entry.name)
    offset = (utc_offset(zone, at) if zone else "") or "+0"
    place = f"{entry.city}, {entry.country_name}" if entry.country else entry.city
    return f"{place} (UTC{offset})"


def option_value(name: str, at: datetime | None = None) -> str:
    """The text a zone field shows for a stored IANA name (the name itself if unknown)."""
    entry = _entries_by_name().get(canonical_name(name or ""))
    return option_label(entry, at) if entry is not None else (name or "")


# --- The zone of a page ---------------------------------------------------------------


@dataclass(frozen=True)
class ZoneChoice:
    """The zone a page shows times in, where it came from (``query``, ``remembered``,
    ``profile`` or ``event``), and a rejected ``?tz=`` value, if any, to tell the
    visitor about. ``at`` is the moment offsets are given for (the event's start)."""

    zone: zoneinfo.ZoneInfo
    source: str
    event_zone: zoneinfo.ZoneInfo
    invalid_value: str = ""
    at: datetime | None = None

    @property
    def name(self) -> str:
        return self.zone.key

    @property
    def label(self) -> str:
        return zone_label(self.zone, self.at)

    @property
    def event_label(self) -> str:
        return zone_label(self.event_zone, self.at)

    @property
    def field_value(self) -> str:
        return option_value(self.name, self.at)

    @property
    def is_event_zone(self) -> bool:
        return self.zone.key == self.event_zone.key


def event_zone(edition) -> zoneinfo.ZoneInfo:
    return edition.tz if edition is not None else UTC


def event_moment(edition) -> datetime | None:
    """When the edition starts: offsets (summer time or not) are given for that day."""
    if edition is None or not getattr(edition, "start_date", None):
        return None
    return datetime.combine(edition.start_date, datetime.min.time(), tzinfo=event_zone(edition))


def profile_zone(user) -> zoneinfo.ZoneInfo | None:
    if user is None or not user.is_authenticated:
        return None
    return parse_zone(getattr(user, "time_zone", ""))


def _remembered_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    return parse_zone(request.COOKIES.get(COOKIE_NAME, ""))


def zone_parameter(value: str) -> str | None:
    """The ``?tz=`` value as the one IANA name it stands for ("beijing" and
    "Asia/Shanghai" are both "Asia/Shanghai"), "" for an empty one (read as absent), or
    None for a value that names no zone (the page shows it back with a warning)."""
    value = value.strip()
    if not value:
        return ""
    zone = resolve_zone(value)
    return zone.key if zone is not None else None


def remembered_zone_name(request: HttpRequest) -> str:
    """What a page showing times depends on besides its address for a visitor not
    signed in: the zone remembered from an earlier choice, unless the address names
    one."""
    if request.GET.get(PARAMETER, "").strip():
        return ""
    zone = _remembered_zone(request)
    return zone.key if zone is not None else ""


def remembers_zone(view):
    """Keep a zone chosen with ``?tz=`` for the rest of the visit, in a cookie, whether
    the page was rendered or came from the cache (only a change is written)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code not in (200, 304):
            return response
        zone = resolve_zone(request.GET.get(PARAMETER, "").strip())
        if zone is not None and request.COOKIES.get(COOKIE_NAME) != zone.key:
            response.set_cookie(
                COOKIE_NAME,
                zone.key,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return wrapper


def zone_choice(request: HttpRequest, edition) -> ZoneChoice:
    """The viewer's zone for times of ``edition`` and how it was chosen."""
    default = event_zone(edition)
    at = event_moment(edition)
    requested = request.GET.get(PARAMETER, "").strip()
    from_query = resolve_zone(requested)
    invalid = requested if requested and from_query is None else ""
    if from_query is not None:
        return ZoneChoice(from_query, "query", default, at=at)
    remembered = _remembered_zone(request)
    if remembered is not None:
        return ZoneChoice(remembered, "remembered", default, invalid, at)
    from_profile = profile_zone(getattr(request, "user", None))
    if from_profile is not None:
        return ZoneChoice(from_profile, "profile", default, invalid, at)
    return ZoneChoice(default, "event", default, invalid, at)


def viewer_zone(request: HttpRequest, edition) -> zoneinfo.ZoneInfo:
    """The zone to show ``edition``'s times in for this request."""
    return zone_choice(request, edition).zone
