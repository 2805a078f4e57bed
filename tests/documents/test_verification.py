"""The public verification page: it confirms what a document states, refuses a code it
does not know with a clear page, says when a document was revoked, and is rate limited."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from documents import services
from documents.models import CODE_LENGTH

from .helpers import attended, issued_and_made


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_a_real_certificate_is_confirmed_with_only_what_it_states(client):
    registration = attended(full_name="Nguyễn Thị Lan", organisation_name="VNU Hanoi")
    document = issued_and_made(registration)
    response = client.get(reverse("documents:verify", args=[document.code]))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in [document.number, "Nguyễn Thị Lan", registration.edition.title, "genuine"]:
        assert shown in page
    # Nothing the document does not state: no address, no organisation, no ticket.
    for hidden in [registration.attendee.email, "VNU Hanoi", registration.ticket_code]:
        assert hidden not in page
    assert '<meta name="robots" content="noindex">' in page
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_code_typed_in_small_letters_with_dashes_is_found(client):
    document = issued_and_made(attended())
    typed = "-".join([document.code[:8].lower(), document.code[8:]])
    assert client.get(reverse("documents:verify", args=[typed])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["0" * CODE_LENGTH, "GMC-2025-C-00001", "x" * 300, "ABC"])
def test_a_forged_or_unknown_code_is_a_clear_404(client, code):
    issued_and_made(attended())
    response = client.get(reverse("documents:verify", args=[code]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Document not found" in page
    assert "was not issued by the conference" in page


@pytest.mark.django_db
def test_a_revoked_certificate_says_so(client, staff_organiser):
    document = issued_and_made(attended(full_name="Amina Otieno"))
    services.revoke_document(document.pk, by=staff_organiser, reason="Issued by mistake")
    page = client.get(reverse("documents:verify", args=[document.code])).content.decode()
    assert "has been revoked" in page
    assert "genuine" not in page
    assert "Issued by mistake" not in page  # the reason stays with the organisers


@pytest.mark.django_db
def test_a_certificate_not_made_yet_is_not_confirmed(client):
    from documents import certificates

    document = certificates.issue_certificate(attended().pk, by=None)
    assert client.get(reverse("documents:verify", args=[document.code])).status_code == 404


@pytest.mark.django_db
def test_too_many_checks_from_one_address_answer_429(client, settings):
    settings.DOCUMENT_VERIFY_RATE_LIMIT = "3/m/ip"
    document = issued_and_made(attended())
    url = reverse("documents:verify", args=[document.code])
    unknown = reverse("documents:verify", args=["0" * CODE_LENGTH])
    assert [client.get(u).status_code for u in (url, unknown, url)] == [200, 404, 200]
    response = client.get(url)
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    # Another address is not held back.
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 200


@pytest.mark.django_db
def test_the_code_is_left_out_of_the_logs():
    from gmc.privacy import redact

    assert redact("GET /verify/7KQ2M9XW4HCT1BRN/ 200") == "GET /verify/…/ 200"
    assert "7KQ2" not in redact("GET /ar/verify/7KQ2M9XW4HCT1BRN/ 404")
