"""The demo data: everyone checked in at the 2025 edition has a certificate of
attendance, made in their language at load time, and loading again changes nothing."""

import io

import pytest
from django.core.management import call_command

from documents.models import CertificateDesign, Document
from gmc import demo as gmc_demo
from gmc.models import OutboxMessage
from registration.models import Registration

from .helpers import pdf_text


@pytest.mark.django_db
def test_the_2025_attendees_have_certificates_in_their_languages(demo):
    came = Registration.objects.filter(edition__year=2025).attended()
    documents = Document.objects.filter(edition__year=2025, kind="certificate")
    assert came.count() > 20
    assert documents.count() == came.count()
    assert not documents.filter(file="").exists()
    assert {"en", "vi", "zh-hans", "es", "ar", "fr"} <= set(
        documents.values_list("language", flat=True)
    )
    design = CertificateDesign.objects.get(edition__year=2025)
    assert design.signatories.count() == 2 and design.logos.count() == 1
    assert design.wording_ar and design.wording_zh_hans
    vietnamese = documents.filter(language="vi").first()
    text = pdf_text(vietnamese.file.read())
    assert "Giấy chứng nhận tham dự" in text
    assert vietnamese.stated_name in text
    # The demo attendee's own, on their registration page.
    assert documents.filter(registration__attendee__email=gmc_demo.ATTENDEE_EMAIL).exists()
    assert not OutboxMessage.objects.filter(kind="documents.certificate_ready").exists()

    before = sorted(documents.values_list("number", "file", "fingerprint"))
    call_command("load_demo", stdout=io.StringIO())
    assert sorted(documents.values_list("number", "file", "fingerprint")) == before
