"""A move the registration services refuse, asked from the admin's forms, is shown on
the form sent again with everything typed (never a server error), and nothing is saved
or logged: whether the form's check sees it first, or the seat goes (the person
registers) between that check and the save."""

import threading

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection, transaction
from django.urls import reverse

from gmc.models import AuditEntry, Edition, User
from registration import services
from registration.models import Registration
from tests.admin_forms import admin_form_data
from tests.factories import EditionFactory, UserFactory

from .factories import RegistrationFactory
from .helpers import register

ADD = reverse("admin:registration_registration_add")
NO_SEAT = "All in-person seats are taken; your registration stays online."
REGISTERED = "This person is already registered for the edition."


def change_url(registration) -> str:
    return reverse("admin:registration_registration_change", args=[registration.pk])


def edit_data(client, registration, **changes) -> dict:
    data = admin_form_data(client.get(change_url(registration)))
    return {**data, **changes}


def add_data(edition, person, **changes) -> dict:
    return {
        "edition": edition.pk,
        "attendee": person.pk,
        "attendance": "in_person",
        "interpretation_language": "",
        "accessibility_needs": "",
        "dietary_needs": "",
        "consent": "on",
        "answers-TOTAL_FORMS": "0",
        "answers-INITIAL_FORMS": "0",
        **changes,
    }


def assert_refused_on_form(response, field: str, message: str, typed: dict) -> None:
    """The form is shown again (200), with the refusal once on ``field`` and what was
    typed still in its fields."""
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors[field] == [message]
    for name, value in typed.items():
        assert form[name].value() == value
    assert response.content.decode().count(message) == 1


def snapshot(registration) -> dict:
    return Registration.objects.filter(pk=registration.pk).values().get()


def test_moving_to_in_person_in_a_full_edition_is_refused_on_the_form(client, staff_organiser):
    edition = EditionFactory(capacity=1)
    register(edition)  # the one seat
    registration = register(edition, attendance="online")
    before = snapshot(registration)
    client.force_login(staff_organiser)
    typed = {"attendance": "in_person", "accessibility_needs": "Step-free access"}

    response = client.post(change_url(registration), edit_data(client, registration, **typed))

    assert_refused_on_form(response, "attendance", NO_SEAT, typed)
    assert snapshot(registration) == before
    assert not AuditEntry.objects.exists()
    assert not LogEntry.objects.exists()


def test_moving_to_in_person_with_a_free_seat_still_saves(client, staff_organiser):
    edition = EditionFactory(capacity=2)
    register(edition)
    registration = register(edition, attendance="online")
    client.force_login(staff_organiser)

    response = client.post(
        change_url(registration), edit_data(client, registration, attendance="in_person")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    registration.refresh_from_db()
    assert (registration.attendance, registration.status) == ("in_person", "confirmed")
    assert AuditEntry.objects.get().action == "registration.updated"


def test_editing_a_cancelled_registration_is_refused_on_the_form(client, staff_organiser):
    edition = EditionFactory()
    registration = RegistrationFactory(edition=edition, status="cancelled")
    before = snapshot(registration)
    client.force_login(staff_organiser)
    typed = {"dietary_needs": "Vegan"}

    response = client.post(change_url(registration), edit_data(client, registration, **typed))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == ["A cancelled registration cannot be changed."]
    assert form["dietary_needs"].value() == "Vegan"
    assert snapshot(registration) == before
    assert not AuditEntry.objects.exists()


def test_adding_someone_already_registered_is_refused_on_the_form(client, staff_organiser):
    edition = EditionFactory()
    existing = register(edition, attendance="online")
    before = snapshot(existing)
    client.force_login(staff_organiser)
    typed = {"attendance": "in_person", "dietary_needs": "Vegetarian"}

    response = client.post(ADD, add_data(edition, existing.attendee, **typed))

    assert_refused_on_form(response, "attendee", REGISTERED, typed)
    assert Registration.objects.count() == 1
    assert snapshot(existing) == before
    assert not AuditEntry.objects.exists()
    assert not LogEntry.objects.exists()


def test_registering_someone_again_after_a_cancellation_reopens_it(client, staff_organiser):
    edition = EditionFactory()
    cancelled = RegistrationFactory(edition=edition, status="cancelled")
    client.force_login(staff_organiser)

    response = client.post(
        ADD, add_data(edition, cancelled.attendee, attendance="online", dietary_needs="")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Registration.objects.count() == 1
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.attendance) == ("confirmed", "online")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id) == (
        "registration.added_by_organisers",
        str(cancelled.pk),
    )


def test_the_service_refuses_an_organiser_registering_someone_registered(edition):
    existing = register(edition, attendance="online")
    organiser = UserFactory(is_staff=True)

    with pytest.raises(services.RegistrationError) as refused:
        register(edition, existing.attendee, by=organiser)

    assert refused.value.code == "registration.already_registered"
    assert refused.value.field == "attendee"
    # The person themselves submitting twice gets their registration back, as before.
    assert register(edition, existing.attendee, by=existing.attendee) == existing
    assert register(edition, existing.attendee) == existing
    assert not AuditEntry.objects.exists()


# --- the race: the seat goes between the form's check and the save ---------------------------


WAITING_FOR_A_LOCK = """
    SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock'
      AND pid <> pg_backend_pid()
"""


def hold_the_edition_while(
    edition_id: int, write, started: threading.Event, *, person: User | None = None
) -> threading.Thread:
    """In another connection: lock the edition row as the services do (and first the
    ``person``'s row, as registering them does), ``write``, and commit only once another
    connection waits for a lock (the admin's save, after its form's check passed)."""

    def run():
        try:
            with transaction.atomic():
                if person is not None:
                    User.objects.select_for_update(no_key=True).get(pk=person.pk)
                Edition.objects.select_for_update(no_key=True).get(pk=edition_id)
                write()
                started.set()
                for _attempt in range(600):
                    with connection.cursor() as cursor:
                        cursor.execute(WAITING_FOR_A_LOCK)
                        if cursor.fetchone()[0]:
                            break
                    threading.Event().wait(0.05)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


race = pytest.mark.django_db(transaction=True)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are proven on PostgreSQL"
)


@race
@postgres_only
def test_a_seat_taken_between_the_check_and_the_save_is_refused_on_the_form(client):
    organiser = UserFactory(is_staff=True, is_superuser=True)
    edition = EditionFactory(capacity=1)
    registration = register(edition, attendance="online")
    before = snapshot(registration)
    client.force_login(organiser)
    typed = {"attendance": "in_person", "accessibility_needs": "Step-free access"}
    data = edit_data(client, registration, **typed)
    started = threading.Event()

    # Someone takes the last seat; it is not committed yet when the form is checked.
    thread = hold_the_edition_while(
        edition.pk, lambda: RegistrationFactory(edition=edition), started
    )
    assert started.wait(30)
    response = client.post(change_url(registration), data)
    thread.join(60)

    assert not thread.is_alive()
    assert_refused_on_form(response, "attendance", NO_SEAT, typed)
    assert snapshot(registration) == before
    assert not AuditEntry.objects.exists()
    assert not LogEntry.objects.exists()


@race
@postgres_only
def test_a_person_registering_between_the_check_and_the_save_is_refused_on_the_form(client):
    organiser = UserFactory(is_staff=True, is_superuser=True)
    edition = EditionFactory()
    person = UserFactory()
    client.force_login(organiser)
    typed = {"attendance": "online", "accessibility_needs": "Captions"}
    started = threading.Event()

    thread = hold_the_edition_while(
        edition.pk,
        lambda: RegistrationFactory(edition=edition, attendee=person),
        started,
        person=person,
    )
    assert started.wait(30)
    response = client.post(ADD, add_data(edition, person, **typed))
    thread.join(60)

    assert not thread.is_alive()
    assert_refused_on_form(response, "attendee", REGISTERED, typed)
    mine = Registration.objects.get(attendee=person)  # theirs, as they made it
    assert mine.attendance == "in_person"
    assert not AuditEntry.objects.exists()
    assert not LogEntry.objects.exists()
