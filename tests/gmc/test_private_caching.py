"""Pages and files with personal data are never stored by a browser or proxy cache."""

import pytest
from django.urls import reverse

from agenda.models import CalendarFeed
from mailings import preferences
from mailings.models import EmailCategory
from tests.factories import EditionFactory, UserFactory
from tests.registration.helpers import register


def never_stored(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


@pytest.fixture
def edition(db):
    return EditionFactory(is_current=True, capacity=10)


def test_an_attendees_pages_and_files_are_never_stored(client, edition):
    person = UserFactory()
    registration = register(edition, person)
    client.force_login(person)
    pages = [
        reverse("registration:mine"),
        reverse("registration:ticket", args=[registration.ticket_code]),
        reverse("registration:ics", args=[edition.year]),
        reverse("agenda:mine"),
        reverse("accounts:data"),
        reverse("accounts:download"),
        reverse("mailings:preferences"),
        reverse("home"),  # a public page, but shown to a signed-in person
    ]
    stored = []
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        if not never_stored(response):
            stored.append((page, response.get("Cache-Control")))
    assert stored == []


def test_pages_addressed_by_a_secret_are_never_stored(client, edition):
    person = UserFactory()
    register(edition, person)
    feed = CalendarFeed.objects.create(user=person)
    token = preferences.unsubscribe_url(person.pk, EmailCategory.values[0]).rstrip("/")
    token = token.rsplit("/", 1)[-1]
    for page in [
        reverse("agenda:feed", args=[feed.token]),
        reverse("mailings:unsubscribe", args=[token]),
    ]:
        response = client.get(page)
        assert response.status_code == 200, page
        assert never_stored(response), (page, response.get("Cache-Control"))


def test_organisers_screens_and_exports_are_never_stored(client, edition):
    organiser = UserFactory(is_staff=True, is_superuser=True)
    register(edition, UserFactory())
    client.force_login(organiser)
    pages = [
        reverse("registration:checkin"),
        reverse("registration:stats"),
        reverse("admin:registration_registration_export", args=["csv"]),
        reverse("admin:registration_registration_export", args=["xlsx"]),
        reverse("admin:gmc_outboxmessage_changelist"),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert never_stored(response), (page, response.get("Cache-Control"))


def test_public_pages_for_anonymous_visitors_stay_cacheable(client, edition):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
