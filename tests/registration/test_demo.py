import io
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.core.management import call_command

from gmc import demo as gmc_demo
from gmc.models import OutboxMessage, User
from gmc.selectors import current_edition
from registration import demo
from registration.models import Answer, Choice, Question, Registration
from registration.selectors import seat_summary
from tests.factories import UserFactory
from tests.registration.test_views import form_data


@pytest.mark.django_db
def test_demo_registrations_are_consistent_and_load_twice_the_same(demo_time):
    gmc_demo.load(io.StringIO())
    demo.load(io.StringIO())
    first = sorted(
        Registration.objects.values_list("attendee__email", "status", "attendance", "ticket_code")
    )
    answers = Answer.objects.count()
    demo.load(io.StringIO())

    assert (
        sorted(
            Registration.objects.values_list(
                "attendee__email", "status", "attendance", "ticket_code"
            )
        )
        == first
    )
    assert Answer.objects.count() == answers
    assert Question.objects.count() == 4
    assert Choice.objects.count() == 8
    edition = current_edition()
    seats = seat_summary(edition)
    # A few seats left, more than the few who wait; some cancelled; the event is ahead,
    # so nobody is checked in.
    assert seats.confirmed_in_person == edition.capacity - demo.SEATS_LEFT
    assert seats.seats_left > seats.waiting > 0 and seats.cancelled > 0
    assert seats.checked_in == 0
    countries = set(Registration.objects.values_list("attendee__country", flat=True))
    assert len(countries) > 10
    # The demo attendee has not registered for the current edition (a newcomer tries
    # the journey), and came to 2025 (their registration page shows a past edition).
    mine = Registration.objects.filter(attendee__email=gmc_demo.ATTENDEE_EMAIL)
    assert not mine.filter(edition=edition).exists()
    assert mine.get().edition.year == demo.PAST_YEAR and mine.get().attended
    assert User.objects.get(email=gmc_demo.ATTENDEE_EMAIL)
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_demo_without_a_current_edition_does_nothing():
    out = io.StringIO()
    demo.load(out)
    assert not Registration.objects.exists()
    assert "no current edition" in out.getvalue()


@pytest.mark.django_db
def test_demo_on_a_hybrid_edition_fills_the_room_and_adds_online_people():
    from tests.factories import EditionFactory

    edition = EditionFactory(is_current=True, capacity=30)
    demo.load(io.StringIO())
    seats = seat_summary(edition)
    assert seats.confirmed_in_person == 30 - demo.SEATS_LEFT
    assert seats.confirmed_online > 0
    assert seats.waiting == demo.WAITING


@pytest.mark.django_db
def test_after_the_demo_the_current_edition_has_free_seats_and_a_waiting_list(demo_time):
    call_command("load_demo", stdout=io.StringIO())
    seats = seat_summary(current_edition())
    assert seats.seats_left > 0
    assert seats.waiting > 0


@pytest.mark.django_db
def test_a_newcomer_registering_in_person_after_the_demo_gets_a_seat_and_a_ticket(
    client, demo_time
):
    """First run: the people waiting are promoted first, then the newcomer has a seat."""
    call_command("load_demo", stdout=io.StringIO())
    edition = current_edition()
    waiting = list(
        Registration.objects.filter(edition=edition, status=Registration.Status.WAITING)
        .order_by("waitlisted_at")
        .values_list("attendee__email", flat=True)
    )
    newcomer = UserFactory()
    client.force_login(newcomer)
    form = client.get("/register/").context["form"]
    data = form_data(edition)
    for name, field in form.fields.items():
        if name.startswith("question_"):
            data[name] = field.choices[1][0] if getattr(field, "choices", None) else "yes"
    response = client.post("/register/", data)
    assert response.status_code == 302, response.content.decode()

    registration = Registration.objects.get(edition=edition, attendee=newcomer)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.ticket_code
    assert OutboxMessage.objects.filter(
        kind="registration.confirmed", to_email=newcomer.email
    ).exists()
    promoted = OutboxMessage.objects.filter(kind="registration.promoted")
    assert sorted(promoted.values_list("to_email", flat=True)) == sorted(waiting)


@pytest.mark.django_db
def test_demo_people_have_names_in_parts_written_their_way(demo_time):
    call_command("load_demo", stdout=io.StringIO())
    lan = User.objects.get(email="participant000@example.org")
    assert (lan.given_name, lan.family_name) == ("Thị Lan", "Nguyễn")
    assert lan.display_name == "Nguyễn Thị Lan"
    people = User.objects.filter(email__endswith="@example.org")
    assert not people.filter(given_name="").exists()
    assert not people.filter(family_name="").exists()
    names = set(people.values_list("full_name", flat=True))
    assert {"Olivia Davies", "Wang Wei"} <= names
    assert any(not name.isascii() for name in names if "Nguyễn" not in name)


@pytest.mark.django_db
def test_demo_checks_nobody_in_before_the_event_starts():
    """Loaded while the event runs (late December 2026), people are checked in from the
    first morning on, never before it and never in the future; ahead of it, nobody."""
    running = datetime(2026, 12, 30, 5, 0, tzinfo=UTC)
    with time_machine.travel(running, tick=False):
        call_command("load_demo", stdout=io.StringIO())
        edition = current_edition()
        doors = datetime.combine(edition.start_date, time(8, 0), tzinfo=edition.tz)
        moments = list(
            Registration.objects.for_edition(edition)
            .exclude(checked_in_at=None)
            .values_list("checked_in_at", flat=True)
        )
        assert moments
        assert all(doors <= moment <= running for moment in moments)
