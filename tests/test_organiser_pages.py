"""One check guards the organiser pages of every app: a permission alone does not open
them, only an active staff member holding it does."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from gmc.permissions import is_organiser
from tests.declarations.factories import call_with_topics
from tests.factories import EditionFactory, UserFactory

# One organiser page of each app, and the permission it asks for.
PAGES = {
    "registration": ("registration:stats", "registration.view_registration"),
    "declarations": ("declarations:review", "declarations.view_submission"),
    "mailings": ("mailings:message_list", "mailings.view_broadcast"),
}


@pytest.fixture
def edition(db):
    edition = EditionFactory(is_current=True)
    call_with_topics(edition=edition)
    return edition


def url(name, edition):
    return (
        reverse(name, args=[edition.year]) if name.startswith("declarations:") else reverse(name)
    )


def holding(permission, **fields):
    app_label, codename = permission.split(".")
    person = UserFactory(**fields)
    person.user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    return person


@pytest.mark.parametrize("page", PAGES)
def test_organiser_page_sends_anonymous_people_to_log_in(client, edition, page):
    name, _permission = PAGES[page]
    response = client.get(url(name, edition))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("page", PAGES)
def test_organiser_page_refuses_a_non_staff_user_holding_the_permission(client, edition, page):
    name, permission = PAGES[page]
    person = holding(permission, is_staff=False)
    assert person.has_perm(permission)
    client.force_login(person)
    assert client.get(url(name, edition)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_organiser_page_refuses_staff_without_the_permission(client, edition, page):
    name, _permission = PAGES[page]
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url(name, edition)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_organiser_page_opens_to_staff_holding_the_permission(client, edition, page):
    name, permission = PAGES[page]
    client.force_login(holding(permission, is_staff=True))
    assert client.get(url(name, edition)).status_code == 200


def test_an_inactive_staff_member_is_no_organiser(db):
    person = holding("mailings.view_broadcast", is_staff=True, is_superuser=True)
    assert is_organiser(person, "mailings.view_broadcast")
    person.is_active = False
    assert not is_organiser(person, "mailings.view_broadcast")
