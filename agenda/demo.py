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

After the programme and the 2025 sample attendees, what 2025 left behind
(demo_data/after_2025.toml, every bit of it sample data): recordings of two sessions,
a link per language (the edition's working language and its sample interpretation
languages), some for registered participants only; a slides file kept in the private
storage; and the sample attendees' feedback on a few sessions.

The data is in agenda/demo_data/*.toml; this module turns it into rows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from gmc.demo_loading import demo_loader, prose, read_demo_data, translated_texts
from gmc.models import Edition, Organisation, User

from .models import Feedback, Material, Recording, Room, Session, SessionSpeaker, Speaker
from .models.media import material_path

# Rooms an earlier demo invented, and the slugs it gave 2026 (a copy of the 2025
# programme): removed on loading.
OLD_DEMO_ROOMS = ["Main hall", "Parallel room"]
OLD_2026_SLUGS = ["2026-opening-ceremony", *(f"2026-plenary-{n}" for n in range(1, 5))]


def _rooms(edition: Edition, names: list[str]) -> dict[str, Room]:
    rooms = {}
    for order, name in enumerate(names, start=1):
        rooms[name], _ = Room.objects.update_or_create(
            edition=edition, name=name, defaults={"order": order}
        )
    return rooms


def _day(edition: Edition, row: dict) -> date:
    """The day of a session: its date, or the nth day of the edition."""
    if "date" in row:
        return row["date"]
    return edition.start_date + timedelta(days=row["day"] - 1)


def _session(
    edition: Edition, rooms: dict, sessions: dict, row: dict, description: str
) -> Session:
    day = _day(edition, row)
    session, _ = Session.objects.update_or_create(
        slug=row["slug"],
        defaults={
            "edition": edition,
            "kind": Session.Kind(row["kind"]),
            "title": row["title"],
            "description": prose(row.get("description", description)),
            "starts_at": datetime.combine(day, row["starts"], tzinfo=edition.tz),
            "ends_at": datetime.combine(day, row["ends"], tzinfo=edition.tz),
            "room": rooms[row["room"]] if "room" in row else None,
            "parent": sessions.get(row["parent"]) if "parent" in row else None,
            "plenary_number": row.get("plenary_number"),
            "theme": row.get("theme", ""),
            "is_published": True,
            **translated_texts(row, ["description"]),
        },
    )
    # The demo must obey the rules organisers are held to.
    session.clean()
    sessions[row["slug"]] = session
    return session


def _programme(edition: Edition, name: str, speakers: dict[str, Speaker]) -> int:
    """The rooms and sessions of demo_data/<name>.toml, then who speaks in them; the
    number of sessions."""
    data = read_demo_data("agenda", name)
    rooms = _rooms(edition, data.get("rooms", []))
    sessions: dict[str, Session] = {}
    for row in data["session"]:
        _session(edition, rooms, sessions, row, data.get("default_description", ""))
    for row in data["session"]:
        for order, part in enumerate(row.get("speakers", []), start=1):
            SessionSpeaker.objects.update_or_create(
                session=sessions[row["slug"]],
                speaker=speakers[part["slug"]],
                defaults={
                    "role": SessionSpeaker.Role(part.get("role", "speaker")),
                    "order": order,
                },
            )
    return len(sessions)


def load_speakers() -> dict[str, Speaker]:
    organisations = {o.slug: o for o in Organisation.objects.all()}
    speakers = {}
    for row in read_demo_data("agenda", "speakers")["speaker"]:
        speakers[row["slug"]], _ = Speaker.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "title": row["title"],
                "organisation_name": row["organisation_name"],
                "organisation": organisations.get(row.get("organisation")),
            },
        )
    return speakers


def load_2025(edition: Edition, speakers: dict[str, Speaker]) -> int:
    count = _programme(edition, "programme_2025", speakers)
    # Rooms an earlier demo invented for 2025, left without sessions above.
    Room.objects.filter(edition=edition, name__in=OLD_DEMO_ROOMS, sessions=None).delete()
    return count


def load_2020(edition: Edition, speakers: dict[str, Speaker]) -> int:
    return _programme(edition, "programme_2020", speakers)


def load_2026(edition: Edition, speakers: dict[str, Speaker]) -> int:
    """A few sample sessions on the sample dates (see programme_2026.toml)."""
    Session.objects.filter(edition=edition, slug__in=OLD_2026_SLUGS).delete()
    Room.objects.filter(edition=edition, name__in=OLD_DEMO_ROOMS, sessions=None).delete()
    if not edition.start_date:
        return 0
    return _programme(edition, "programme_2026", speakers)


def sample_pdf(title: str) -> bytes:
    """A one-page PDF that says what it is: sample slides, with ``title`` (ASCII)."""
    text = f"({title}) Tj 0 -28 Td (Sample file of the demo data.) Tj".encode("ascii")
    stream = b"BT /F1 18 Tf 72 720 Td " + text + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return bytes(out)


def _material(session: Session, row: dict) -> Material:
    existing = Material.objects.filter(session=session, title=row["title"]).first()
    fields = {"visibility": row["visibility"], "order": row.get("order", 0)}
    if row.get("file"):
        # A file already in the storage is kept: loading twice writes it once.
        if existing is not None and existing.file and default_storage.exists(existing.file.name):
            fields["file"], fields["link"] = existing.file.name, ""
        else:
            name = material_path(None, "slides.pdf")
            fields["file"] = default_storage.save(name, ContentFile(sample_pdf("Sample slides")))
            fields["link"] = ""
    else:
        fields["file"], fields["link"] = "", row["link"]
    material, _ = Material.objects.update_or_create(
        session=session, title=row["title"], defaults=fields
    )
    material.full_clean()
    return material


def load_after_2025(edition: Edition) -> tuple[int, int, int]:
    """The recordings, materials and feedback of 2025: how many of each."""
    data = read_demo_data("agenda", "after_2025")
    sessions = {s.slug: s for s in Session.objects.filter(edition=edition)}
    for row in data["recording"]:
        recording, _ = Recording.objects.update_or_create(
            session=sessions[row["session"]],
            language=row["language"],
            defaults={"url": row["url"], "visibility": row["visibility"]},
        )
        # The demo obeys the rules organisers are held to (languages, https).
        recording.full_clean(validate_unique=False)
    for row in data["material"]:
        _material(sessions[row["session"]], row)
    # Only the sample people who attended 2025 (registration/demo.py) rate its sessions.
    attendees = {
        person.email: person
        for person in User.objects.filter(
            registrations__edition=edition, registrations__status="confirmed"
        )
    }
    given = 0
    for row in data["feedback"]:
        author = attendees.get(f"participant{row['participant']:03d}@example.org")
        if author is None:
            continue
        moment = row["given"].replace(tzinfo=edition.tz)
        session = sessions[row["session"]]
        if moment <= session.ends_at:
            raise ValueError(f"after_2025.toml: feedback on {session.slug} before it ended")
        Feedback.objects.update_or_create(
            session=session,
            author=author,
            defaults={
                "rating": row["rating"],
                "comment": prose(row["comment"]),
                "created_at": moment,
                "updated_at": moment,
            },
        )
        given += 1
    return len(data["recording"]), len(data["material"]), given


# After registration: 2025's sample attendees rate its sessions.
@demo_loader("agenda", after=["gmc", "registration"])
def load(stdout) -> None:
    editions = {e.year: e for e in Edition.objects.filter(year__in=[2020, 2025, 2026])}
    speakers = load_speakers()
    counts = []
    if 2020 in editions:
        counts.append(f"2020: {load_2020(editions[2020], speakers)}")
    if 2025 in editions:
        counts.append(f"2025: {load_2025(editions[2025], speakers)}")
    if 2026 in editions:
        counts.append(f"2026 (samples): {load_2026(editions[2026], speakers)}")
    stdout.write(
        f"Agenda: sessions {', '.join(counts) or 'none (no editions)'}; {len(speakers)} speakers."
    )
    if 2025 in editions:
        recordings, materials, feedback = load_after_2025(editions[2025])
        stdout.write(
            f"Agenda: 2025 has {recordings} sample recordings, {materials} sample material "
            f"and {feedback} sample ratings."
        )
