"""Calendar files: valid, in UTC, with stable UIDs and a SEQUENCE that follows changes."""

from datetime import UTC, datetime

import icalendar

from agenda.models import Session
from tests.agenda.factories import SessionFactory, local


def parse(content: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(content)


def test_2025_feed_has_one_event_per_published_session_in_utc(client, demo):
    response = client.get("/agenda/2025.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = parse(response.content)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    published = Session.objects.filter(edition__year=2025, is_published=True)
    assert len(events) == published.count() == 17
    opening = Session.objects.get(slug="2025-opening-ceremony")
    event = events[f"session-{opening.pk}@gmc-portal"]
    start = event["DTSTART"].dt
    assert start == datetime(2025, 12, 3, 15, 20, tzinfo=UTC)
    assert start.utcoffset().total_seconds() == 0
    assert event["DTEND"].dt == datetime(2025, 12, 3, 18, 30, tzinfo=UTC)
    assert "DTSTART:20251203T152000Z" in response.content.decode()
    assert str(event["SUMMARY"]) == "Opening ceremony"
    assert int(event["SEQUENCE"]) == 0
    for event in events.values():
        for line in ("DTSTAMP", "UID", "DTSTART", "DTEND"):
            assert line in event


def test_current_feed_is_the_current_edition(client, demo):
    summaries = [
        str(e["SUMMARY"]) for e in parse(client.get("/agenda.ics").content).walk("VEVENT")
    ]
    assert "Welcome (sample)" in summaries and "Sample session A" in summaries
    assert len(summaries) == 4


def test_uid_is_stable_and_sequence_increases_after_an_edit(client, organiser, edition):
    session = SessionFactory(
        edition=edition, starts_at=local(edition, 0, 10), ends_at=local(edition, 0, 11)
    )
    url = f"/agenda/session/{session.slug}.ics"
    first = parse(client.get(url).content).walk("VEVENT")[0]
    assert int(first["SEQUENCE"]) == 0

    client.force_login(organiser)
    response = client.post(
        f"/admin/agenda/session/{session.pk}/change/",
        {
            "edition": edition.pk,
            "kind": session.kind,
            "title_en": "Renamed panel",
            "slug": session.slug,
            "description_en": session.description,
            "starts_at_0": local(edition, 0, 10).date().isoformat(),
            "starts_at_1": "10:30",
            "ends_at_0": local(edition, 0, 10).date().isoformat(),
            "ends_at_1": "11:30",
            "is_published": "on",
            "session_speakers-TOTAL_FORMS": "0",
            "session_speakers-INITIAL_FORMS": "0",
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
            "recordings-TOTAL_FORMS": "0",
            "recordings-INITIAL_FORMS": "0",
            "materials-TOTAL_FORMS": "0",
            "materials-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    second = parse(client.get(url).content).walk("VEVENT")[0]
    assert str(second["UID"]) == str(first["UID"]) == f"session-{session.pk}@gmc-portal"
    assert int(second["SEQUENCE"]) == 1
    assert str(second["SUMMARY"]) == "Renamed panel"
    assert second["DTSTART"].dt == local(edition, 0, 10, 30).astimezone(UTC)


def uids(content: bytes) -> list[str]:
    return sorted(str(event["UID"]) for event in parse(content).walk("VEVENT"))


def test_uids_do_not_depend_on_the_host_the_site_was_reached_by(client, edition, settings):
    session = SessionFactory(edition=edition)
    # Rendered for each request: a cached copy would hide what the request changes.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for url in (f"/agenda/session/{session.slug}.ics", f"/agenda/{edition.year}.ics"):
        by_address = client.get(url, HTTP_HOST="127.0.0.1").content
        by_name = client.get(url, HTTP_HOST="localhost").content
        assert uids(by_address) == uids(by_name) == [f"session-{session.pk}@gmc-portal"]


def test_uids_stay_when_the_site_moves_to_another_address(client, edition, settings):
    session = SessionFactory(edition=edition)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    url = f"/agenda/session/{session.slug}.ics"
    settings.SITE_URL = "https://gmc.example.org"
    before = parse(client.get(url).content).walk("VEVENT")[0]
    settings.SITE_URL = "https://conference.example.net"
    after = parse(client.get(url).content).walk("VEVENT")[0]
    # The links follow the address; the identity does not.
    assert str(before["URL"]).startswith("https://gmc.example.org/")
    assert str(after["URL"]).startswith("https://conference.example.net/")
    assert str(before["UID"]) == str(after["UID"]) == f"session-{session.pk}@gmc-portal"


def test_the_uid_domain_is_a_setting(client, edition, settings):
    session = SessionFactory(edition=edition)
    settings.CALENDAR_UID_DOMAIN = "calendar.gmc.example.org"
    event = parse(client.get(f"/agenda/session/{session.slug}.ics").content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"session-{session.pk}@calendar.gmc.example.org"
