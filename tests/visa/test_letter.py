"""Approving issues a letter: a PDF that states the details, kept encrypted, emailed as a
link once; the public verification page confirms it without a passport detail."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from documents import services as documents
from documents.visa import letter as visa_letter
from documents.visa import services
from documents.visa.models import VisaRequest
from gmc.models import OutboxMessage

from .conftest import DETAILS, PASSPORT_NUMBER, make_letter

pytestmark = pytest.mark.django_db


def letter_text(document) -> str:
    with document.file.open("rb") as handle:
        content = visa_letter.unseal(handle.read())
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_approving_makes_a_letter_that_states_the_details_and_the_edition(
    visa, visa_officer, edition, private_storage
):
    letter = make_letter(visa, visa_officer)
    text = " ".join(letter_text(letter).split())
    assert DETAILS.passport_name in text
    assert PASSPORT_NUMBER in text
    assert "Kenya" in text
    assert letter.number in text
    assert edition.title in text
    assert edition.city in text
    assert letter.get_verification_url() in text


@pytest.mark.parametrize(
    ("language", "heading"), [("es", "Carta de invitación"), ("vi", "Thư mời")]
)
def test_the_letter_is_in_the_persons_language(
    visa, visa_officer, private_storage, language, heading
):
    visa.registration.attendee.language = language
    visa.registration.attendee.save(update_fields=["language"])
    letter = make_letter(visa, visa_officer)
    text = " ".join(letter_text(letter).split())
    assert heading in text
    assert "Letter of invitation" not in text
    assert PASSPORT_NUMBER in text and letter.number in text


def test_the_stored_pdf_is_encrypted(visa, visa_officer, private_storage):
    letter = make_letter(visa, visa_officer)
    stored = (private_storage / letter.file.name).read_bytes()
    assert not stored.startswith(b"%PDF")
    assert PASSPORT_NUMBER.encode() not in stored
    assert letter.stated_name == ""  # the name is not kept in clear beside it


def test_numbers_are_never_reused(visa, visa_officer, registration, private_storage):
    first = make_letter(visa, visa_officer)
    # The person corrects a detail: the letter is withdrawn, a new decision gives a new one.
    services.request_letter(
        registration.pk,
        by=registration.attendee,
        details=services.Details(**{**DETAILS.as_dict(), "passport_number": "K7Q4812299"}),
    )
    first.refresh_from_db()
    assert first.is_revoked
    second = make_letter(VisaRequest.objects.get(pk=visa.pk), visa_officer)
    assert second.number != first.number
    assert "K7Q4812299" in letter_text(second)


def test_an_organisers_correction_makes_the_letter_again_under_its_number(
    visa, visa_officer, private_storage
):
    letter = make_letter(visa, visa_officer)
    services.change_details(
        visa.pk,
        by=visa_officer,
        details=services.Details(**{**DETAILS.as_dict(), "passport_name": "AMINA OTIENO"}),
    )
    assert documents.generate_document(letter.pk).rendered
    letter.refresh_from_db()
    assert "AMINA OTIENO" in letter_text(letter)
    assert not letter.is_revoked


def test_the_ready_email_goes_once_with_a_link_and_no_passport_detail(
    visa, visa_officer, private_storage
):
    letter = make_letter(visa, visa_officer)
    documents.generate_document(letter.pk)  # a worker running it again
    services.approve_request(visa.pk, by=visa_officer)  # a second click
    ready = OutboxMessage.objects.filter(kind=visa_letter.READY_EMAIL)
    assert ready.count() == 1
    context = str(ready.get().context)
    assert "/visa-letter.pdf" in context
    assert PASSPORT_NUMBER not in context and "OTIENO" not in context


def test_a_decline_is_emailed_once_with_the_note(visa, visa_officer):
    services.decline_request(visa.pk, by=visa_officer, note="Please send a clearer copy.")
    services.decline_request(visa.pk, by=visa_officer, note="Please send a clearer copy.")
    declined = OutboxMessage.objects.filter(kind=services.DECLINED_EMAIL)
    assert declined.count() == 1
    assert declined.get().context["note"] == "Please send a clearer copy."
    assert PASSPORT_NUMBER not in str(declined.get().context)


def test_declining_needs_a_note(visa, visa_officer):
    with pytest.raises(services.VisaRequestError):
        services.decline_request(visa.pk, by=visa_officer, note="  ")


def test_a_waiting_registration_gets_no_letter_yet(visa, registration, visa_officer):
    type(registration).objects.filter(pk=registration.pk).update(status="waiting")
    with pytest.raises(services.VisaRequestError):
        services.approve_request(visa.pk, by=visa_officer)


# --- verification ------------------------------------------------------------------------


def verify(code: str):
    return Client().get(f"/verify/{code}/")


def test_verification_confirms_a_real_letter_without_passport_details(
    visa, visa_officer, edition, private_storage, fresh_cache
):
    letter = make_letter(visa, visa_officer)
    page = verify(letter.code)
    text = page.content.decode()
    assert page.status_code == 200
    assert letter.number in text
    assert edition.title in text
    assert DETAILS.passport_name in text  # what the letter states, for comparison
    for secret in (PASSPORT_NUMBER, "1984", "19 July", "Kenya", "plenary"):
        assert secret not in text


def test_verification_refuses_a_forged_code(visa, visa_officer, private_storage, fresh_cache):
    letter = make_letter(visa, visa_officer)
    forged = ("0" if letter.code[0] != "0" else "1") + letter.code[1:]
    assert verify(forged).status_code == 404
    assert verify(letter.number).status_code == 404


def test_verification_says_a_cancelled_registrations_letter_is_revoked(
    visa, visa_officer, registration, private_storage, fresh_cache
):
    from registration import services as registration_services

    letter = make_letter(visa, visa_officer)
    registration_services.cancel_registration(registration.pk, by=registration.attendee)
    text = verify(letter.code).content.decode()
    assert "revoked" in text
    assert PASSPORT_NUMBER not in text


def test_the_letter_carries_the_editions_logos_and_first_signatory(
    visa, visa_officer, edition, private_storage
):
    from django.core.files.base import ContentFile
    from PIL import Image

    from documents.models import CertificateDesign, Logo, Signatory

    design = CertificateDesign.objects.create(edition=edition)
    Signatory.objects.create(design=design, name="Nguyen Van Minh", title="Secretary-General")
    png = io.BytesIO()
    Image.new("RGB", (300, 100), (11, 79, 138)).save(png, format="PNG")
    logo = Logo(design=design, description="A host's logo")
    logo.image.save("logo.png", ContentFile(png.getvalue()))
    letter = make_letter(visa, visa_officer)
    text = letter_text(letter)
    assert "Nguyen Van Minh" in text and "Secretary-General" in text
    with letter.file.open("rb") as handle:
        page = PdfReader(io.BytesIO(visa_letter.unseal(handle.read()))).pages[0]
    assert len(page.images) == 1


def test_a_change_of_the_edition_makes_the_letter_again_under_its_number(
    visa, visa_officer, edition, private_storage
):
    letter = make_letter(visa, visa_officer)
    edition.venue = "National Convention Centre"
    edition.save()
    assert documents.generate_document(letter.pk).rendered
    letter.refresh_from_db()
    assert "National Convention Centre" in " ".join(letter_text(letter).split())
    assert letter.number == VisaRequest.objects.get(pk=visa.pk).letter.number


def test_no_log_line_holds_a_passport_detail(
    registration, visa_officer, private_storage, caplog, fresh_cache
):
    import logging

    caplog.set_level(logging.DEBUG)
    visa = services.request_letter(registration.pk, by=registration.attendee, details=DETAILS)
    letter = make_letter(visa, visa_officer)
    owner = Client()
    owner.force_login(registration.attendee)
    owner.get(letter.get_download_url())
    verify(letter.code)
    services.decline_request(visa.pk, by=visa_officer, note="A clearer copy, please.")
    services.erase_details(visa.pk)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"visa letter request {visa.pk}" in logged  # the log does speak of it
    for secret in (PASSPORT_NUMBER, "OTIENO", "1984-07-19", "plenary"):
        assert secret not in logged
