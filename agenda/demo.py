"""Demo programme: the 2025 opening ceremony and plenary sessions as published, the
2020 online conference, and a few sample sessions for 2026.

Times and titles are those of the public record; the 2025 speakers are placed only on
the items the record ties them to (opening remarks, the report release). Peng Gang
addressed the alliance's board meeting, which is not part of the public programme, so
he is on record as a speaker without a session. The record lists the 2025 sessions by
time only, so they have no room. The 2026 programme has not been announced: its
sessions are samples, on the edition's sample dates, called so in their titles and
descriptions and in sample rooms, to show the programme, rooms and starring; no theme
or speaker is invented. Every row is updated or created by a natural key, so loading
twice changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from gmc.demo_loading import demo_loader
from gmc.models import Edition, Organisation

from .models import Room, Session, SessionSpeaker, Speaker

K = Session.Kind
# Rooms of the 2026 sample sessions; the rooms an earlier demo invented are removed.
SAMPLE_A, SAMPLE_B = "Sample room A", "Sample room B"
OLD_DEMO_ROOMS = ["Main hall", "Parallel room"]

# (slug, name, title, organisation text, organisation slug)
SPEAKERS_2025 = [
    (
        "li-luming",
        "Li Luming",
        "President of Tsinghua University; Chair of the Global MOOC and Online Education Alliance",
        "Tsinghua University",
        "tsinghua",
    ),
    (
        "patricia-davila-aranda",
        "Patricia Dávila Aranda",
        "General Secretary of UNAM",
        "National Autonomous University of Mexico (UNAM)",
        "unam",
    ),
    (
        "asha-kanwar",
        "Asha Kanwar",
        "Chair of the UNESCO IITE Governing Board",
        "UNESCO Institute for Information Technologies in Education",
        "unesco-iite",
    ),
    (
        "stefania-giannini",
        "Stefania Giannini",
        "UNESCO Assistant Director-General for Education",
        "UNESCO",
        None,
    ),
    (
        "anabel-de-la-rosa-gomez",
        "Anabel de la Rosa Gómez",
        "Coordinator of Open University and Digital Education, UNAM",
        "National Autonomous University of Mexico (UNAM)",
        "unam",
    ),
    (
        "peng-gang",
        "Peng Gang",
        "Vice President of Tsinghua University; Chair of the GMA Executive Committee",
        "Tsinghua University",
        "tsinghua",
    ),
]

D3, D4 = date(2025, 12, 3), date(2025, 12, 4)

# (slug, kind, title, day, start, end, room, parent slug, description, plenary number, theme)
PROGRAMME_2025 = [
    ("2025-opening-ceremony", K.CEREMONY, "Opening ceremony", D3, (9, 20), (12, 30), None, None,
     "The morning of the second day: welcome, releases, keynotes and awards.", None, ""),
    ("2025-opening-video", K.OPENING_ITEM, "Opening Video", D3, (9, 20), (9, 30), None,
     "2025-opening-ceremony", "", None, ""),
    ("2025-future-education-scenario", K.OPENING_ITEM, "Future Education Scenario Presenting",
     D3, (9, 30), (9, 40), None, "2025-opening-ceremony", "", None, ""),
    ("2025-opening-remarks", K.OPENING_ITEM, "Opening Remarks", D3, (9, 40), (10, 15), None,
     "2025-opening-ceremony",
     "Words of welcome from the hosts and UNESCO, with a video message.", None, ""),
    ("2025-keynote-report", K.KEYNOTE, "Keynote Report", D3, (10, 15), (10, 25), None,
     "2025-opening-ceremony", "", None, ""),
    ("2025-report-release", K.REPORT_RELEASE, "Report Release", D3, (10, 25), (10, 30), None,
     "2025-opening-ceremony",
     "Release of “Infinite Possibilities: Digital Development Report of Global Higher "
     "Education 2025” and of the “Digital Development Index of Global Higher Education "
     "2025”.", None, ""),
    ("2025-mexico-city-declaration", K.DECLARATION_RELEASE, "Release of Mexico City Declaration",
     D3, (10, 30), (10, 40), None, "2025-opening-ceremony", "", None, ""),
    ("2025-tea-break-1", K.BREAK, "Tea Break", D3, (10, 40), (11, 0), None,
     "2025-opening-ceremony", "", None, ""),
    ("2025-keynote-presentations", K.KEYNOTE_PRESENTATIONS, "Keynote Presentations", D3,
     (11, 0), (11, 40), None, "2025-opening-ceremony", "Short keynotes of 8 minutes each.",
     None, ""),
    ("2025-host-2026-announcement", K.ANNOUNCEMENT,
     "Announcement of the Host Institution for the 2026 Global MOOC and Online Education "
     "Conference", D3, (11, 40), (11, 50), None, "2025-opening-ceremony", "", None, ""),
    ("2025-tea-break-2", K.BREAK, "Tea Break", D3, (11, 50), (12, 0), None,
     "2025-opening-ceremony", "", None, ""),
    ("2025-roundtable-forum", K.ROUNDTABLE, "Roundtable Forum", D3, (12, 0), (12, 20), None,
     "2025-opening-ceremony", "", None, ""),
    ("2025-gma-awards", K.AWARDS, "GMA Awards Ceremony", D3, (12, 20), (12, 30), None,
     "2025-opening-ceremony", "", None, ""),
    ("2025-plenary-1", K.PLENARY, "Plenary Session 1", D3, (14, 0), (17, 0), None, None, "", 1,
     "Pedagogical Innovation, Educator Empowerment, and Emerging Learning Models"),
    ("2025-plenary-2", K.PLENARY, "Plenary Session 2", D3, (14, 0), (17, 0), None, None, "", 2,
     "Global Knowledge Ecosystems, Academic Cooperation, and Industry Synergy"),
    ("2025-plenary-3", K.PLENARY, "Plenary Session 3", D4, (9, 30), (12, 30), None, None, "", 3,
     "Ethics, Governance, and Trust in AI-Empowered Education"),
    ("2025-plenary-4", K.PLENARY, "Plenary Session 4", D4, (9, 30), (12, 30), None, None, "", 4,
     "Quality, Equity, and Inclusive Access in the Digital Era"),
]  # fmt: skip

# (session slug, speaker slug, role, order)
PARTS_2025 = [
    ("2025-opening-remarks", "li-luming", SessionSpeaker.Role.SPEAKER, 1),
    ("2025-opening-remarks", "patricia-davila-aranda", SessionSpeaker.Role.SPEAKER, 2),
    ("2025-opening-remarks", "asha-kanwar", SessionSpeaker.Role.SPEAKER, 3),
    ("2025-opening-remarks", "stefania-giannini", SessionSpeaker.Role.VIDEO_MESSAGE, 4),
    ("2025-report-release", "li-luming", SessionSpeaker.Role.SPEAKER, 1),
    ("2025-report-release", "patricia-davila-aranda", SessionSpeaker.Role.SPEAKER, 2),
    ("2025-report-release", "asha-kanwar", SessionSpeaker.Role.SPEAKER, 3),
    ("2025-report-release", "anabel-de-la-rosa-gomez", SessionSpeaker.Role.SPEAKER, 4),
]


def _rooms(edition: Edition, names: list[str]) -> dict[str, Room]:
    rooms = {}
    for order, name in enumerate(names, start=1):
        rooms[name], _ = Room.objects.update_or_create(
            edition=edition, name=name, defaults={"order": order}
        )
    return rooms


def _session(edition: Edition, rooms: dict, parents: dict, row: tuple, day: date) -> Session:
    slug, kind, title, _day, start, end, room, parent, description, number, theme = row
    session, _ = Session.objects.update_or_create(
        slug=slug,
        defaults={
            "edition": edition,
            "kind": kind,
            "title": title,
            "description": description,
            "starts_at": datetime.combine(day, time(*start), tzinfo=edition.tz),
            "ends_at": datetime.combine(day, time(*end), tzinfo=edition.tz),
            "room": rooms[room] if room else None,
            "parent": parents.get(parent) if parent else None,
            "plenary_number": number,
            "theme": theme,
            "is_published": True,
        },
    )
    # The demo must obey the rules organisers are held to.
    session.clean()
    parents[slug] = session
    return session


def load_speakers() -> dict[str, Speaker]:
    organisations = {o.slug: o for o in Organisation.objects.all()}
    speakers = {}
    for slug, name, title, organisation_name, organisation_slug in SPEAKERS_2025:
        speakers[slug], _ = Speaker.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "title": title,
                "organisation_name": organisation_name,
                "organisation": organisations.get(organisation_slug),
            },
        )
    return speakers


def load_2025(edition: Edition, speakers: dict[str, Speaker]) -> int:
    sessions: dict[str, Session] = {}
    for row in PROGRAMME_2025:
        _session(edition, {}, sessions, row, row[3])
    # Rooms an earlier demo invented for 2025, left without sessions above.
    Room.objects.filter(edition=edition, name__in=OLD_DEMO_ROOMS, sessions=None).delete()
    for session_slug, speaker_slug, role, order in PARTS_2025:
        SessionSpeaker.objects.update_or_create(
            session=sessions[session_slug],
            speaker=speakers[speaker_slug],
            defaults={"role": role, "order": order},
        )
    return len(sessions)


def load_2020(edition: Edition) -> int:
    rooms = _rooms(edition, ["Online"])
    row = (
        "2020-global-mooc-conference",
        K.PLENARY,
        "Global MOOC Conference: Learning Revolution and Higher Education Transformation",
        None,
        (20, 0),
        (22, 30),
        "Online",
        None,
        "The first conference, held online and hosted from Beijing, where the Beijing "
        "Declaration on MOOC Development was presented and the alliance was launched.",
        None,
        "",
    )
    _session(edition, rooms, {}, row, date(2020, 12, 11))
    return 1


SAMPLE_NOTE = (
    "A sample session of this demonstration site: the 2026 programme has not been announced."
)
# Slugs an earlier demo gave 2026 (a copy of the 2025 programme), removed on loading.
OLD_2026_SLUGS = ["2026-opening-ceremony", *(f"2026-plenary-{n}" for n in range(1, 5))]


def load_2026(edition: Edition) -> int:
    """A few sample sessions on the sample dates, called samples where visitors read
    them, in two sample rooms: enough to show the programme, parallel rooms and
    starring, without passing off an invented programme as the announced one."""
    Session.objects.filter(edition=edition, slug__in=OLD_2026_SLUGS).delete()
    Room.objects.filter(edition=edition, name__in=OLD_DEMO_ROOMS, sessions=None).delete()
    if not edition.start_date:
        return 0
    first, second = edition.start_date, edition.start_date + timedelta(days=1)
    rows = [
        ("2026-sample-welcome", K.CEREMONY, "Welcome (sample)", first, (10, 0), (11, 0),
         SAMPLE_A, None, SAMPLE_NOTE, None, ""),
        ("2026-sample-session-a", K.PLENARY, "Sample session A", first, (14, 0), (15, 30),
         SAMPLE_A, None, SAMPLE_NOTE, None, ""),
        ("2026-sample-session-b", K.PANEL, "Sample session B", first, (14, 0), (15, 30),
         SAMPLE_B, None, SAMPLE_NOTE, None, ""),
        ("2026-sample-session-c", K.WORKSHOP, "Sample session C", second, (10, 0), (11, 30),
         SAMPLE_A, None, SAMPLE_NOTE, None, ""),
    ]  # fmt: skip
    rooms, sessions = _rooms(edition, [SAMPLE_A, SAMPLE_B]), {}
    for row in rows:
        _session(edition, rooms, sessions, row, row[3])
    return len(rows)


@demo_loader("agenda", after=["gmc"])
def load(stdout) -> None:
    editions = {e.year: e for e in Edition.objects.filter(year__in=[2020, 2025, 2026])}
    speakers = load_speakers()
    counts = []
    if 2020 in editions:
        counts.append(f"2020: {load_2020(editions[2020])}")
    if 2025 in editions:
        counts.append(f"2025: {load_2025(editions[2025], speakers)}")
    if 2026 in editions:
        counts.append(f"2026 (samples): {load_2026(editions[2026])}")
    stdout.write(
        f"Agenda: sessions {', '.join(counts) or 'none (no editions)'}; {len(speakers)} speakers."
    )
