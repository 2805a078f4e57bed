"""The event's calendar file gives the conference's start and end times, in UTC."""

import datetime

import icalendar
from django.urls import reverse

from tests.agenda.factories import SessionFactory, local
from tests.factories import EditionFactory

from .helpers import register

UTC = datetime.UTC


def event_of(client, user, edition):
    register(edition, user)
    client.force_login(user)
    response = client.get(reverse("registration:ics", args=[edition.year]))
    assert response.status_code == 200
    return response.content.decode(), icalendar.Calendar.from_ical(response.content).walk(
        "VEVENT"
    )[0]


def test_calendar_file_spans_the_published_programme(client, user):
    edition = EditionFactory(
        is_current=True,
        time_zone="America/Mexico_City",
        start_date=datetime.date(2030, 11, 4),
        end_date=datetime.date(2030, 11, 6),
    )
    SessionFactory(edition=edition, starts_at=local(edition, 0, 9, 30))
    last = SessionFactory(edition=edition, starts_at=local(edition, 2, 16))
    SessionFactory(edition=edition, starts_at=local(edition, 2, 20), is_published=False)
    text, event = event_of(client, user, edition)
    # 9:30 in Mexico City (UTC-6) on the first day, to the end of the last session.
    assert event["DTSTART"].dt == datetime.datetime(2030, 11, 4, 15, 30, tzinfo=UTC)
    assert event["DTEND"].dt == last.ends_at
    assert "DTSTART:20301104T153000Z" in text
    assert "DTEND:20301106T223000Z" in text


def test_calendar_file_without_programme_has_times_of_the_event_days(client, user):
    edition = EditionFactory(
        is_current=True,
        time_zone="Asia/Ho_Chi_Minh",
        start_date=datetime.date(2030, 11, 4),
        end_date=datetime.date(2030, 11, 6),
    )
    text, event = event_of(client, user, edition)
    # The days in Hanoi (UTC+7), from the first midnight to the last: times, not dates.
    assert isinstance(event["DTSTART"].dt, datetime.datetime)
    assert event["DTSTART"].dt == datetime.datetime(2030, 11, 3, 17, 0, tzinfo=UTC)
    assert event["DTEND"].dt == datetime.datetime(2030, 11, 6, 17, 0, tzinfo=UTC)
    assert "DTSTART:20301103T170000Z" in text
    assert "VALUE=DATE" not in text


def test_calendar_file_keeps_the_opening_the_organisers_set(client, user):
    edition = EditionFactory(
        is_current=True,
        start_date=datetime.date(2030, 11, 4),
        end_date=datetime.date(2030, 11, 6),
        opening_at=datetime.datetime(2030, 11, 4, 14, 0, tzinfo=UTC),
    )
    last = SessionFactory(edition=edition, starts_at=local(edition, 2, 16))
    _text, event = event_of(client, user, edition)
    assert event["DTSTART"].dt == datetime.datetime(2030, 11, 4, 14, 0, tzinfo=UTC)
    assert event["DTEND"].dt == last.ends_at
