"""Races on PostgreSQL: real parallel connections, started together by a barrier."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gmc.models import Edition, OutboxMessage
from registration import services
from registration.models import Registration
from registration.selectors import waiting_position
from tests.factories import EditionFactory, UserFactory
from tests.wsgi import Browser, form_token

from .factories import RegistrationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are proven on PostgreSQL"
    ),
]


@pytest.fixture(autouse=True)
def worker_time_limits(monkeypatch):
    """Dozens of transactions queue for one lock here, on a machine shared with the
    rest of the suite: these races prove the seat logic, so their connections wait as
    long as a worker's would (the web's limits and the busy page have their own tests,
    in test_busy.py)."""
    monkeypatch.setenv("GMC_PROCESS_KIND", "worker")


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


def without_the_edition_lock(monkeypatch) -> None:
    """Take the edition lock away from every transition, for this test only: the
    edition is read, not locked. The negative control of the races below: with it, the
    same test must see the race (seats oversold, the waiting list out of turn)."""
    monkeypatch.setattr(services, "_lock_edition", lambda pk: Edition.objects.get(pk=pk))


def sixty_people_race_for_the_last_ten_seats():
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
    return edition, people, errors


def test_sixty_people_racing_for_the_last_ten_seats():
    edition, people, errors = sixty_people_race_for_the_last_ten_seats()

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


# A race is a matter of timing: without the lock the first round nearly always shows
# it; a few more keep a quiet moment of the machine from failing the negative control.
ROUNDS = 5


def test_without_the_edition_lock_the_same_race_oversells(monkeypatch):
    without_the_edition_lock(monkeypatch)

    for _round in range(ROUNDS):
        edition, _people, errors = sixty_people_race_for_the_last_ten_seats()
        assert errors == []
        confirmed = Registration.objects.filter(edition=edition, status="confirmed").count()
        if confirmed > edition.capacity:
            return
    pytest.fail("the race went unseen: the test proves nothing")


def twenty_parallel_cancellations():
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
    return edition, waiting, errors


def test_twenty_parallel_cancellations_promote_exactly_twenty():
    edition, waiting, errors = twenty_parallel_cancellations()

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


def cancellations_racing_newcomers():
    """A full edition, nobody waiting: twenty people cancel while twenty others register
    in person, all at once."""
    edition = EditionFactory(capacity=20)
    holders = RegistrationFactory.create_batch(20, edition=edition)
    newcomers = UserFactory.create_batch(20)
    calls = [
        lambda holder=holder: services.cancel_registration(holder.pk, by=holder.attendee)
        for holder in holders
    ] + [
        lambda person=person: services.register_attendee(
            edition.pk, attendee=person, attendance="in_person", consent=True
        )
        for person in newcomers
    ]
    errors = run_together(calls)
    seats = Registration.objects.for_edition(edition).in_person()
    return errors, seats.confirmed().count(), seats.waiting().count()


def test_cancellations_racing_newcomers_leave_no_seat_free_while_someone_waits():
    errors, seated, waiting = cancellations_racing_newcomers()

    assert errors == []
    # Twenty seats freed, twenty newcomers: each is seated, at once or from the list.
    assert (seated, waiting) == (20, 0)


def test_without_the_edition_lock_newcomers_wait_beside_free_seats(monkeypatch):
    # The pure parallel cancellations above stay right even without the edition lock
    # (each promotion locks the waiting rows it takes); a newcomer deciding "waiting"
    # while a cancellation's promotion looks for someone to seat is the race it guards.
    without_the_edition_lock(monkeypatch)

    for _round in range(ROUNDS):
        errors, seated, waiting = cancellations_racing_newcomers()
        assert errors == []
        if (seated, waiting) != (20, 0):
            return
    pytest.fail("the race went unseen: the test proves nothing")


# Online, no edition lock decides it: the person's own row lock does.
@pytest.mark.parametrize("attendance", ["in_person", "online"])
def test_same_person_submitting_twice_at_once_gets_one_registration(attendance):
    edition = EditionFactory(capacity=5)
    person = UserFactory()

    errors = run_together(
        [
            lambda: services.register_attendee(
                edition.pk, attendee=person, attendance=attendance, consent=True
            )
            for _ in range(4)
        ]
    )

    assert errors == []
    assert Registration.objects.filter(attendee=person).count() == 1
    assert OutboxMessage.objects.filter(to_email=person.email).count() == 1


# How many requests the rush's web server serves at once, each on its own connection,
# as a web server's workers do (PostgreSQL allows 100 connections by default).
SERVER_WORKERS = 16


def test_a_rush_of_two_hundred_people_on_fifty_seats_through_the_form(monkeypatch):
    # Opening morning: 150 people register in person and 50 online, all at once, each
    # from their own browser (a thread each), through the form and Django's WSGI
    # handler as a web server calls it, with the web's own time limits. Someone shown
    # "busy, please try again" sends the form again, as the page asks.
    monkeypatch.setenv("GMC_PROCESS_KIND", "web")
    edition = EditionFactory(is_current=True, capacity=50)
    people = [(person, "in_person") for person in UserFactory.create_batch(150)]
    people += [(person, "online") for person in UserFactory.create_batch(50)]
    browsers = {person.pk: Browser.signed_in(person) for person, _attendance in people}
    page = reverse("registration:register")
    statuses: dict[int, list[int]] = {}
    server = threading.BoundedSemaphore(SERVER_WORKERS)
    everyone_has_the_form = threading.Barrier(len(people))

    def rush(person, attendance: str) -> None:
        browser = browsers[person.pk]
        data = {
            "edition": str(edition.pk),
            "given_name": "Rush",
            "family_name": f"Person {person.pk}",
            "attendance": attendance,
            "consent": "on",
        }
        with server:
            token = form_token(browser.get(page))
        everyone_has_the_form.wait(timeout=300)
        mine = statuses.setdefault(person.pk, [])
        for _attempt in range(30):
            with server:
                answer = browser.post(page, data, token=token)
            mine.append(answer.status)
            if answer.status != 503:
                return
            assert answer.headers["Retry-After"] and "Very busy right now" in answer.body
            token = form_token(answer)
            threading.Event().wait(0.5)

    errors = run_together([lambda p=p, a=a: rush(p, a) for p, a in people])

    assert errors == []
    # Every answer is "registered" (a redirect to the registration) or "busy, please try
    # again", never an error; everyone ends registered.
    seen = Counter(status for mine in statuses.values() for status in mine)
    assert set(seen) <= {302, 503}, seen
    assert [mine[-1] for mine in statuses.values()] == [302] * 200
    registrations = Registration.objects.for_edition(edition)
    assert registrations.count() == 200
    # Not one seat oversold: fifty seated, the others in line one place each, in the
    # order they were decided; everyone online confirmed.
    seated = registrations.in_person().confirmed()
    waiting = registrations.in_person().waiting()
    assert (seated.count(), waiting.count()) == (50, 100)
    assert registrations.online().confirmed().count() == 50
    assert max(seated.values_list("confirmed_at", flat=True)) <= min(
        waiting.values_list("waitlisted_at", flat=True)
    )
    assert sorted(waiting_position(r) for r in waiting) == list(range(1, 101))
    # One email each, saying what happened to them.
    assert Counter(OutboxMessage.objects.values_list("kind", flat=True)) == {
        "registration.confirmed": 100,
        "registration.waitlisted": 100,
    }
