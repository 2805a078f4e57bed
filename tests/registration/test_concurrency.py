"""Races on PostgreSQL: real parallel connections, started together by a barrier."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from gmc.models import OutboxMessage
from registration import services
from registration.models import Registration
from registration.selectors import waiting_position
from tests.factories import EditionFactory, UserFactory

from .factories import RegistrationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are proven on PostgreSQL"
    ),
]


def run_together(calls) -> list[BaseException]:
    """Run each callable in its own thread and database connection, all released at
    once by a barrier; return the errors they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(call):
        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return errors


def test_sixty_people_racing_for_the_last_ten_seats():
    edition = EditionFactory(capacity=30)
    RegistrationFactory.create_batch(20, edition=edition)  # 10 seats left
    people = UserFactory.create_batch(60)

    errors = run_together(
        [
            lambda person=person: services.register_attendee(
                edition.pk, attendee=person, attendance="in_person", consent=True
            )
            for person in people
        ]
    )

    assert errors == []
    mine = Registration.objects.filter(attendee__in=people)
    assert mine.filter(status="confirmed").count() == 10
    assert mine.filter(status="waiting").count() == 50
    assert (
        Registration.objects.filter(edition=edition, status="confirmed").count()
        == edition.capacity
    )
    positions = sorted(waiting_position(r) for r in mine.filter(status="waiting"))
    assert positions == list(range(1, 51))
    assert OutboxMessage.objects.filter(kind="registration.confirmed").count() == 10
    assert OutboxMessage.objects.filter(kind="registration.waitlisted").count() == 50


def test_twenty_parallel_cancellations_promote_exactly_twenty():
    edition = EditionFactory(capacity=20)
    holders = RegistrationFactory.create_batch(20, edition=edition)
    start = timezone.now() - timedelta(days=1)
    waiting = [
        RegistrationFactory(
            edition=edition,
            status="waiting",
            confirmed_at=None,
            waitlisted_at=start + timedelta(minutes=i),
        )
        for i in range(30)
    ]

    errors = run_together(
        [
            lambda holder=holder: services.cancel_registration(holder.pk, by=holder.attendee)
            for holder in holders
        ]
    )

    assert errors == []
    assert Registration.objects.filter(edition=edition, status="cancelled").count() == 20
    confirmed = set(
        Registration.objects.filter(edition=edition, status="confirmed").values_list(
            "pk", flat=True
        )
    )
    # Exactly the first twenty in line, first come first served.
    assert confirmed == {r.pk for r in waiting[:20]}
    assert Registration.objects.filter(edition=edition, status="waiting").count() == 10
    assert OutboxMessage.objects.filter(kind="registration.promoted").count() == 20
    assert OutboxMessage.objects.filter(kind="registration.cancelled").count() == 20


def test_same_person_submitting_twice_at_once_gets_one_registration():
    edition = EditionFactory(capacity=5)
    person = UserFactory()

    errors = run_together(
        [
            lambda: services.register_attendee(
                edition.pk, attendee=person, attendance="in_person", consent=True
            )
            for _ in range(4)
        ]
    )

    assert errors == []
    assert Registration.objects.filter(attendee=person).count() == 1
    assert OutboxMessage.objects.filter(to_email=person.email).count() == 1
