import io

import pytest

from gmc import demo as gmc_demo
from gmc.models import OutboxMessage, User
from gmc.selectors import current_edition
from registration import demo
from registration.models import Answer, Question, Registration
from registration.selectors import seat_summary


@pytest.mark.django_db
def test_demo_registrations_are_consistent_and_load_twice_the_same():
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
    assert Question.objects.count() == 3
    edition = current_edition()
    seats = seat_summary(edition)
    # The room is exactly full, a few wait, some cancelled, some are checked in.
    assert seats.confirmed_in_person == edition.capacity
    assert seats.waiting > 0 and seats.cancelled > 0 and seats.checked_in > 0
    countries = set(Registration.objects.values_list("attendee__country", flat=True))
    assert len(countries) > 10
    assert not Registration.objects.filter(attendee__email=gmc_demo.ATTENDEE_EMAIL).exists()
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

    edition = EditionFactory(is_current=True, capacity=10)
    demo.load(io.StringIO())
    seats = seat_summary(edition)
    assert seats.confirmed_in_person == 10
    assert seats.confirmed_online > 0
    assert seats.waiting == demo.WAITING
