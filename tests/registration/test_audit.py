"""Every organiser action on someone's registration leaves exactly one audit entry (who,
what, which registration, the changed fields), written with the action; a refused
action, or a person's own change, leaves none."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from gmc.models import AuditEntry, Edition
from registration import services
from registration.accounts.services import delete_account
from registration.models import Registration
from tests.admin_forms import admin_form_data
from tests.factories import EditionFactory, UserFactory

from .helpers import register

CHANGELIST = reverse("admin:registration_registration_changelist")


def the_entry(registration: Registration) -> AuditEntry:
    """The one entry there is, and that it is about this registration."""
    entry = AuditEntry.objects.get()
    assert entry.content_type.model_class() is Registration
    assert entry.object_id == str(registration.pk)
    assert entry.object_repr == str(registration)
    return entry


def act(client, action: str, *registrations, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [r.pk for r in registrations], **extra},
        follow=True,
    )


@pytest.fixture
def waiting_line(db):
    """A full edition of one seat and two people waiting."""
    edition = EditionFactory(capacity=1)
    register(edition)
    return edition, [register(edition), register(edition)]


# --- confirming from the waiting list ------------------------------------------------------


def test_confirming_the_first_in_line_is_logged(client, staff_organiser, waiting_line):
    edition, (first, _second) = waiting_line
    Edition.objects.filter(pk=edition.pk).update(capacity=2)
    client.force_login(staff_organiser)

    act(client, "confirm_selected", first)

    entry = the_entry(first)
    assert entry.actor == staff_organiser
    assert entry.action == "registration.confirmed_from_waitlist"
    assert entry.changes == {"status": {"old": "waiting", "new": "confirmed"}}
    assert entry.note == ""


def test_confirming_out_of_turn_is_logged_with_the_reason(client, staff_organiser, waiting_line):
    _edition, (_first, second) = waiting_line
    client.force_login(staff_organiser)
    prompt = act(client, "confirm_selected", second).context["form"]
    assert not AuditEntry.objects.exists()  # asking for a reason changed nothing

    act(
        client,
        "confirm_selected",
        second,
        confirm="1",
        reason="Speaker of the opening",
        plan=prompt.initial["plan"],
    )

    entry = the_entry(second)
    assert (entry.actor, entry.action) == (staff_organiser, "registration.confirmed_from_waitlist")
    assert entry.changes == {"status": {"old": "waiting", "new": "confirmed"}}
    assert entry.note == "Speaker of the opening"


def test_a_refused_confirmation_is_not_logged(waiting_line):
    _edition, (_first, second) = waiting_line
    organiser = UserFactory(is_staff=True)

    with pytest.raises(services.RegistrationError):
        services.confirm_from_waitlist(second.pk, by=organiser, reason="")

    assert not AuditEntry.objects.exists()


def test_confirming_twice_is_logged_once(waiting_line):
    _edition, (_first, second) = waiting_line
    organiser = UserFactory(is_staff=True)

    services.confirm_from_waitlist(second.pk, by=organiser, reason="Guest")
    services.confirm_from_waitlist(second.pk, by=organiser, reason="Guest")

    assert AuditEntry.objects.count() == 1


# --- cancelling --------------------------------------------------------------------------


def test_cancelling_someones_registration_is_logged(client, staff_organiser, edition):
    registration = register(edition)
    client.force_login(staff_organiser)

    act(client, "cancel_selected", registration)

    entry = the_entry(registration)
    assert (entry.actor, entry.action) == (staff_organiser, "registration.cancelled")
    assert entry.changes == {"status": {"old": "confirmed", "new": "cancelled"}}


def test_cancelling_ones_own_registration_is_not_logged(edition):
    registration = register(edition)

    services.cancel_registration(registration.pk, by=registration.attendee)

    assert Registration.objects.get(pk=registration.pk).status == "cancelled"
    assert not AuditEntry.objects.exists()


def test_a_refused_cancellation_is_not_logged(edition):
    registration = register(edition)
    organiser = UserFactory(is_staff=True)
    services.check_in(registration.pk, by=organiser)
    AuditEntry.objects.all().delete()

    with pytest.raises(services.RegistrationError):
        services.cancel_registration(registration.pk, by=organiser)

    assert not AuditEntry.objects.exists()


# --- checking in ---------------------------------------------------------------------------


def test_checking_in_is_logged_once(client, staff_organiser, edition):
    registration = register(edition)
    client.force_login(staff_organiser)
    url = reverse("registration:checkin_mark", args=[registration.pk])

    client.post(url)
    client.post(url)  # "already checked in": nothing changes

    entry = the_entry(registration)
    assert (entry.actor, entry.action) == (staff_organiser, "registration.checked_in")
    registration.refresh_from_db()
    assert entry.changes == {
        "checked_in_at": {"old": None, "new": registration.checked_in_at.isoformat()}
    }


def test_a_refused_check_in_is_not_logged(client, staff_organiser, waiting_line):
    _edition, (first, _second) = waiting_line
    client.force_login(staff_organiser)

    client.post(reverse("registration:checkin_mark", args=[first.pk]))

    assert Registration.objects.get(pk=first.pk).checked_in_at is None
    assert not AuditEntry.objects.exists()


# --- editing in the admin --------------------------------------------------------------------


def edit_in_admin(client, registration, **changes):
    url = reverse("admin:registration_registration_change", args=[registration.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def test_editing_a_registration_in_the_admin_leaves_one_entry(
    client, staff_organiser, waiting_line
):
    _edition, (first, _second) = waiting_line
    client.force_login(staff_organiser)

    response = edit_in_admin(
        client, first, attendance="online", accessibility_needs="Step-free access"
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = the_entry(first)
    assert (entry.actor, entry.action) == (staff_organiser, "registration.updated")
    # Moving to online also confirms a waiting registration: the log says so.
    assert entry.changes == {
        "attendance": {"old": "in_person", "new": "online"},
        "accessibility_needs": {"old": "", "new": "Step-free access"},
        "status": {"old": "waiting", "new": "confirmed"},
    }


def test_a_refused_edit_is_not_logged(edition):
    registration = register(edition, attendance="online")
    Edition.objects.filter(pk=edition.pk).update(capacity=0)

    with pytest.raises(services.RegistrationError):
        services.update_registration(
            registration.pk,
            by=UserFactory(is_staff=True),
            attendance="in_person",
            enforce_window=False,
        )

    assert Registration.objects.get(pk=registration.pk).attendance == "online"
    assert not AuditEntry.objects.exists()


def test_editing_ones_own_registration_is_not_logged(edition):
    registration = register(edition)

    services.update_registration(
        registration.pk, by=registration.attendee, dietary_needs="Vegetarian"
    )

    assert not AuditEntry.objects.exists()


def test_registering_someone_in_the_admin_is_logged(client, staff_organiser, edition):
    person = UserFactory()
    client.force_login(staff_organiser)

    response = client.post(
        reverse("admin:registration_registration_add"),
        {
            "edition": edition.pk,
            "attendee": person.pk,
            "attendance": "online",
            "consent": "on",
            "answers-TOTAL_FORMS": "0",
            "answers-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = the_entry(Registration.objects.get(attendee=person))
    assert (entry.actor, entry.action) == (staff_organiser, "registration.added_by_organisers")
    assert entry.changes["attendance"] == {"old": None, "new": "online"}
    assert entry.changes["status"] == {"old": None, "new": "confirmed"}


def test_the_registrations_history_page_shows_its_entries(client, staff_organiser, edition):
    registration = register(edition)
    services.cancel_registration(registration.pk, by=staff_organiser)
    staff_organiser.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client.force_login(staff_organiser)

    response = client.get(
        reverse("admin:registration_registration_history", args=[registration.pk])
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Cancelled by the organisers" in page
    assert "confirmed → cancelled" in page


# --- the person's own view: the data export, and deletion ------------------------------------


def test_my_data_holds_the_history_of_my_registration_without_naming_organisers(
    client, waiting_line
):
    _edition, (first, second) = waiting_line
    olga = UserFactory(is_staff=True, full_name="Olga Organiser", email="olga@example.org")
    services.confirm_from_waitlist(second.pk, by=olga, reason="Speaker of the opening")
    services.update_registration(second.pk, by=olga, dietary_needs="No nuts", enforce_window=False)
    services.cancel_registration(first.pk, by=olga)  # someone else's: not in my data

    client.force_login(second.attendee)
    raw = client.get(reverse("accounts:download")).content.decode()

    history = json.loads(raw)["registration_history"]
    assert [item["action"] for item in history] == [
        "registration.confirmed_from_waitlist",
        "registration.updated",
    ]
    confirmed, updated = history
    assert confirmed["what"] == "Confirmed from the waiting list by the organisers"
    assert confirmed["by"] == "organiser"
    assert confirmed["edition_year"] == second.edition.year
    assert confirmed["changes"] == {"status": {"old": "waiting", "new": "confirmed"}}
    assert confirmed["note"] == "Speaker of the opening"
    assert (
        confirmed["when"]
        == AuditEntry.objects.get(action=confirmed["action"]).created_at.isoformat()
    )
    assert updated["changes"] == {"dietary_needs": {"old": "", "new": "No nuts"}}
    for trace in ("Olga", "olga@example.org", str(first.attendee)):
        assert trace not in raw


def test_deleting_the_account_deletes_the_log_about_its_registrations(waiting_line):
    _edition, (first, second) = waiting_line
    olga = UserFactory(is_staff=True)
    services.confirm_from_waitlist(second.pk, by=olga, reason="Guest")
    services.update_registration(first.pk, by=olga, dietary_needs="Vegan", enforce_window=False)

    delete_account(second.attendee.pk)

    (left,) = AuditEntry.objects.all()
    assert left.object_id == str(first.pk)
