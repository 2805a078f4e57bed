"""Who takes part in an edition, as ``Registration.objects`` and ``registration.selectors``
define it once for every page, export, message and reminder. Each test names exactly
the people an audience holds, so a change of meaning fails here."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from registration import selectors
from registration.models import Registration
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory

Status, Attendance = Registration.Status, Registration.Attendance


@pytest.fixture
def scene(db):
    """One edition and everyone a definition could take in or leave out by mistake."""
    edition = EditionFactory(year=2030)
    people = SimpleNamespace(edition=edition)

    def person(name, registration=None, edition=edition, **account):
        user = UserFactory(email=f"{name}@example.org", **account)
        if registration is not None:
            RegistrationFactory(edition=edition, attendee=user, **registration)
        setattr(people, name, user)
        return user

    person("came", {"checked_in_at": timezone.now()})
    person("expected", {})
    person("online", {"attendance": Attendance.ONLINE})
    person("waiting", {"status": Status.WAITING, "confirmed_at": None})
    person("cancelled", {"status": Status.CANCELLED})
    person("cancelled_online", {"status": Status.CANCELLED, "attendance": Attendance.ONLINE})
    person("organiser", {}, is_staff=True)
    person("organiser_only", None, is_staff=True)
    person("deactivated", {}, is_active=False)
    person("elsewhere", {}, edition=EditionFactory(year=2031))
    person("stranger", None)
    return people


def attendees(registrations) -> list[str]:
    return sorted(r.attendee.email.split("@")[0] for r in registrations)


def names(people) -> list[str]:
    return sorted(p.email.split("@")[0] for p in people)


def test_registration_queryset_methods_select_exactly(scene):
    of_edition = Registration.objects.for_edition(scene.edition)
    assert attendees(of_edition) == sorted(
        [
            "came",
            "expected",
            "online",
            "waiting",
            "cancelled",
            "cancelled_online",
            "organiser",
            "deactivated",
        ]
    )
    assert attendees(of_edition.active()) == sorted(
        ["came", "expected", "online", "waiting", "organiser", "deactivated"]
    )
    assert attendees(of_edition.confirmed()) == sorted(
        ["came", "expected", "online", "organiser", "deactivated"]
    )
    assert attendees(of_edition.waiting()) == ["waiting"]
    assert attendees(of_edition.cancelled()) == ["cancelled", "cancelled_online"]
    assert attendees(of_edition.online()) == ["cancelled_online", "online"]
    assert attendees(of_edition.active().online()) == ["online"]
    assert attendees(of_edition.active().in_person()) == sorted(
        ["came", "expected", "waiting", "organiser", "deactivated"]
    )
    assert attendees(of_edition.attending("")) == attendees(of_edition)
    assert attendees(of_edition.checked_in()) == ["came"]
    assert attendees(of_edition.active().not_checked_in()) == sorted(
        ["expected", "online", "waiting", "organiser", "deactivated"]
    )
    assert attendees(Registration.objects.for_edition(scene.edition.pk)) == attendees(of_edition)


def test_a_registration_is_active_exactly_when_the_queryset_says_so(scene):
    active = set(Registration.objects.active().values_list("pk", flat=True))
    for registration in Registration.objects.all():
        assert registration.is_active == (registration.pk in active), registration.status
    assert {r.status for r in Registration.objects.active()} == {Status.CONFIRMED, Status.WAITING}


def test_participants_are_the_active_accounts_confirmed_or_waiting(scene):
    assert names(selectors.participants(scene.edition)) == sorted(
        ["came", "expected", "online", "waiting", "organiser"]
    )
    assert names(selectors.participants(scene.edition, Attendance.ONLINE)) == ["online"]
    assert names(selectors.participants(scene.edition.pk, Attendance.IN_PERSON)) == sorted(
        ["came", "expected", "waiting", "organiser"]
    )


def test_confirmed_attendees_leave_out_the_waiting_list(scene):
    assert names(selectors.confirmed_attendees(scene.edition)) == sorted(
        ["came", "expected", "online", "organiser"]
    )
    assert names(selectors.confirmed_attendees(scene.edition, Attendance.IN_PERSON)) == sorted(
        ["came", "expected", "organiser"]
    )


def test_unregistered_accounts_leave_out_whoever_registered_even_if_cancelled(scene):
    assert names(selectors.unregistered_accounts(scene.edition)) == sorted(
        ["elsewhere", "organiser_only", "stranger"]
    )


def test_people_holding_narrows_to_the_given_registrations(scene):
    checked_in = Registration.objects.for_edition(scene.edition).checked_in()
    assert names(selectors.people_holding(checked_in)) == ["came"]
    cancelled = Registration.objects.for_edition(scene.edition).cancelled()
    assert names(selectors.people_holding(cancelled)) == ["cancelled", "cancelled_online"]


def test_one_persons_checks_agree_with_the_audiences(scene):
    everyone = [
        "came",
        "expected",
        "online",
        "waiting",
        "cancelled",
        "cancelled_online",
        "organiser",
        "organiser_only",
        "elsewhere",
        "stranger",
    ]
    taking_part = {
        name for name in everyone if selectors.is_participant(getattr(scene, name), scene.edition)
    }
    assert taking_part == set(names(selectors.participants(scene.edition)))
    online = {
        name
        for name in everyone
        if selectors.is_online_attendee(getattr(scene, name), scene.edition)
    }
    assert online == {"online"}
    assert not selectors.is_participant(AnonymousUser(), scene.edition)
    assert not selectors.is_online_attendee(AnonymousUser(), scene.edition)
    assert selectors.active_registration(scene.waiting, scene.edition).status == Status.WAITING
    assert selectors.active_registration(scene.cancelled, scene.edition) is None
