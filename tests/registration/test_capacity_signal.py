"""gmc announces a changed capacity; registration gives the new seats to the people
waiting longest, in the same transaction. The User admin's deletion is the account
service's, registered by the registration app over gmc's User admin."""

import pytest
from django.contrib import admin
from django.db import transaction

from gmc.models import Edition, User
from gmc.signals import capacity_changed
from registration.accounts.admin import UserAdmin as AccountsUserAdmin
from registration.models import Registration
from registration.services import register_attendee
from tests.factories import EditionFactory, UserFactory


def full_edition_with_waiting(seats=1, waiting=2):
    edition = EditionFactory(capacity=seats)
    for _ in range(seats + waiting):
        register_attendee(
            edition.pk,
            attendee=UserFactory(),
            attendance=Registration.Attendance.IN_PERSON,
            consent=True,
        )
    return edition


def statuses(edition):
    rows = Registration.objects.filter(edition=edition).order_by("waitlisted_at", "pk")
    return list(rows.values_list("status", flat=True))


def test_a_changed_capacity_announced_by_gmc_promotes_the_waiting(db):
    edition = full_edition_with_waiting()
    Edition.objects.filter(pk=edition.pk).update(capacity=2)
    capacity_changed.send(sender=Edition, edition_id=edition.pk)
    assert statuses(edition).count("confirmed") == 2


def test_the_promotion_rolls_back_with_the_capacity_change(db):
    edition = full_edition_with_waiting()
    with pytest.raises(RuntimeError), transaction.atomic():
        Edition.objects.filter(pk=edition.pk).update(capacity=3)
        capacity_changed.send(sender=Edition, edition_id=edition.pk)
        assert statuses(edition).count("confirmed") == 3
        raise RuntimeError("the admin's save failed after it")
    assert statuses(edition).count("confirmed") == 1
    assert Edition.objects.get(pk=edition.pk).capacity == 1


def test_the_user_admin_is_the_accounts_one():
    assert type(admin.site._registry[User]) is AccountsUserAdmin
