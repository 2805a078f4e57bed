import datetime

from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import admin_form_data
from tests.declarations.factories import call_with_topics
from tests.factories import EditionFactory, UserFactory


def test_moving_the_edition_deadline_moves_the_call(client, db):
    edition = EditionFactory()
    call = call_with_topics(edition=edition)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:gmc_edition_change", args=[edition.pk])
    data = admin_form_data(client.get(url), zone=edition.tz)
    new_deadline = call.closes_at + datetime.timedelta(days=3)
    local = new_deadline.astimezone(edition.tz)
    data["declaration_deadline_0"] = local.strftime("%Y-%m-%d")
    data["declaration_deadline_1"] = local.strftime("%H:%M:%S")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    call.refresh_from_db()
    edition.refresh_from_db()
    assert edition.declaration_deadline == new_deadline.replace(microsecond=0)
    assert edition.registration_closes_at is not None  # the rest of the form kept
    assert call.closes_at == edition.declaration_deadline


def test_changing_the_call_moves_the_edition_deadline(client, db):
    edition = EditionFactory()
    call = call_with_topics(edition=edition)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:declarations_call_change", args=[call.pk])
    data = admin_form_data(client.get(url))
    new_close = timezone.localtime(call.closes_at + datetime.timedelta(days=5))
    data["closes_at_0"] = new_close.strftime("%Y-%m-%d")
    data["closes_at_1"] = new_close.strftime("%H:%M:%S")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    call.refresh_from_db()
    edition.refresh_from_db()
    assert edition.declaration_deadline == call.closes_at
