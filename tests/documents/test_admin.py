"""Organisers issue certificates from the admin: a page with the count and a sample PDF
first, then the certificates; revoke them; design them per edition."""

from __future__ import annotations

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from documents.models import Document
from gmc.models import OutboxMessage

from .helpers import attended, ended_edition, issued_and_made, pdf_text

CHANGELIST = "admin:documents_attendedregistration_changelist"


@pytest.mark.django_db
def test_bulk_issue_shows_the_count_and_a_sample_before_issuing(client, staff_organiser):
    edition = ended_edition()
    first, second = attended(edition, full_name="Amina Otieno"), attended(edition)
    has_one = attended(edition)
    issued_and_made(has_one)
    client.force_login(staff_organiser)
    selected = [first.pk, second.pk, has_one.pk]
    form = {"action": "issue_selected", helpers.ACTION_CHECKBOX_NAME: selected}
    page = client.post(reverse(CHANGELIST), form)
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 certificates of attendance will be issued." in text
    assert "1 selected person already has a certificate" in text
    assert Document.objects.count() == 1  # nothing issued yet

    sample_url = reverse("admin:documents_attendedregistration_sample", args=[first.pk])
    assert sample_url in text
    sample = client.get(sample_url)
    assert sample["Content-Type"] == "application/pdf"
    assert "Amina Otieno" in pdf_text(sample.content)
    assert Document.objects.count() == 1  # the sample issued nothing

    done = client.post(reverse(CHANGELIST), {**form, "confirm": "yes"})
    assert done.status_code == 302
    assert set(Document.objects.values_list("registration_id", flat=True)) == set(selected)


@pytest.mark.django_db
def test_one_by_one_issue_and_revoke(client, staff_organiser, django_capture_on_commit_callbacks):
    registration = attended()
    client.force_login(staff_organiser)
    form = {
        "action": "issue_selected",
        helpers.ACTION_CHECKBOX_NAME: [registration.pk],
        "confirm": "yes",
    }
    client.post(reverse(CHANGELIST), form)
    document = Document.objects.get()
    assert document.issued_by == staff_organiser
    client.post(
        reverse("admin:documents_document_changelist"),
        {"action": "revoke", helpers.ACTION_CHECKBOX_NAME: [document.pk]},
    )
    document.refresh_from_db()
    assert document.is_revoked and document.revoked_by == staff_organiser


@pytest.mark.django_db
def test_people_who_did_not_attend_are_not_listed(client, staff_organiser):
    from tests.registration.factories import RegistrationFactory

    edition = ended_edition()
    came = attended(edition, full_name="Came Along")
    RegistrationFactory(edition=edition, attendee__full_name="Stayed Home")
    client.force_login(staff_organiser)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert came.attendee.display_name in page
    assert "Stayed Home" not in page


@pytest.mark.django_db
def test_organisers_mark_online_people_as_joined(client, staff_organiser):
    from registration.models import Registration
    from tests.registration.factories import RegistrationFactory

    online = RegistrationFactory(
        edition=ended_edition(), attendance=Registration.Attendance.ONLINE
    )
    client.force_login(staff_organiser)
    client.post(
        reverse("admin:registration_registration_changelist"),
        {"action": "mark_joined_selected", helpers.ACTION_CHECKBOX_NAME: [online.pk]},
    )
    online.refresh_from_db()
    assert online.joined_by == staff_organiser and online.attended


@pytest.mark.django_db
def test_the_design_page_saves_wording_per_language(client, staff_organiser):
    edition = ended_edition()
    client.force_login(staff_organiser)
    response = client.get(reverse("admin:documents_certificatedesign_add"))
    assert response.status_code == 200
    assert 'name="wording_ar"' in response.content.decode()
    assert not OutboxMessage.objects.exists()
    assert edition.pk
