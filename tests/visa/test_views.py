"""The person's side: asking from the registration flow or the registration page, errors
that keep what was typed, and nobody reaching another's request or letter."""

import pytest
from django.test import Client
from django.urls import reverse

from documents.visa.models import VisaAccessLog, VisaRequest
from registration.models import Registration
from tests.factories import UserFactory
from tests.registration.factories import RegistrationFactory

from .conftest import PASSPORT_NUMBER, make_letter

pytestmark = pytest.mark.django_db

FORM = {
    "passport_name": "Amina Wanjiru OTIENO",
    "nationality": "KE",
    "passport_number": "k7q 481-2209",
    "date_of_birth": "1984-07-19",
    "purpose": "To attend the conference.",
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def request_url(registration) -> str:
    return reverse("documents:visa_request", args=[registration.edition.year])


def test_asking_from_the_registration_page(registration):
    client = signed_in(registration.attendee)
    mine = client.get(reverse("registration:mine")).content.decode()
    assert request_url(registration) in mine
    response = client.post(request_url(registration), FORM)
    assert response.status_code == 302
    visa = VisaRequest.objects.get(registration=registration)
    assert visa.passport_number == PASSPORT_NUMBER  # cleaned: capitals, no spaces or dashes
    assert visa.status == VisaRequest.Status.PENDING
    mine = client.get(reverse("registration:mine")).content.decode()
    assert "Waiting for a decision" in mine
    assert PASSPORT_NUMBER not in mine


def test_errors_are_specific_and_keep_what_was_typed(registration):
    client = signed_in(registration.attendee)
    typed = {**FORM, "passport_number": "K7/Q4", "date_of_birth": "2999-01-01"}
    response = client.post(request_url(registration), typed)
    text = response.content.decode()
    assert response.status_code == 200
    assert "A passport number has 5 to 20 letters" in text
    assert "A date of birth is in the past" in text
    assert 'value="Amina Wanjiru OTIENO"' in text
    assert 'value="K7/Q4"' in text
    assert "To attend the conference." in text
    assert not VisaRequest.objects.exists()


def test_the_registration_form_leads_to_the_letter_form(edition):
    person = UserFactory(given_name="Amina", family_name="Otieno")
    client = signed_in(person)
    form = client.get(reverse("registration:register_year", args=[edition.year]))
    assert "I need an invitation letter for a visa" in form.content.decode()
    response = client.post(
        reverse("registration:register_year", args=[edition.year]),
        {
            "given_name": "Amina",
            "family_name": "Otieno",
            "edition": edition.pk,
            "attendance": "in_person",
            "consent": "on",
            "visa_letter": "on",
        },
    )
    registration = Registration.objects.get(attendee=person)
    assert response["Location"] == request_url(registration)
    # Left there, nothing is lost: the registration stands, the page offers the letter.
    assert registration.status == Registration.Status.CONFIRMED
    assert request_url(registration) in client.get(reverse("registration:mine")).content.decode()


def test_an_online_registration_is_not_asked(edition):
    person = UserFactory(given_name="Amina", family_name="Otieno")
    client = signed_in(person)
    response = client.post(
        reverse("registration:register_year", args=[edition.year]),
        {
            "given_name": "Amina",
            "edition": edition.pk,
            "attendance": "online",
            "consent": "on",
            "visa_letter": "on",
        },
    )
    assert response["Location"] == reverse("registration:mine")
    registration = Registration.objects.get(attendee=person)
    assert client.get(request_url(registration)).status_code == 404


def test_nobody_reaches_anothers_request_or_letter(
    registration, visa, visa_officer, private_storage
):
    letter = make_letter(visa, visa_officer)
    owner = signed_in(registration.attendee)
    download = letter.get_download_url()
    own = owner.get(download)
    assert own.status_code == 200
    assert b"".join(own.streaming_content if own.streaming else [own.content]).startswith(b"%PDF")
    assert VisaAccessLog.objects.filter(
        action=VisaAccessLog.Action.LETTER_DOWNLOADED, actor=registration.attendee
    ).exists()

    other = RegistrationFactory(edition=registration.edition).attendee
    intruder = signed_in(other)
    # The addresses are by year: the other person reaches only their own, which has none.
    assert intruder.get(download).status_code == 404
    page = intruder.get(request_url(registration))
    assert PASSPORT_NUMBER not in page.content.decode()
    assert VisaRequest.objects.filter(registration__attendee=other).count() == 0
    # Signed out: to the sign-in page.
    assert Client().get(download).status_code == 302


def test_the_person_sees_their_details_again_and_that_is_logged(registration, visa):
    page = signed_in(registration.attendee).get(request_url(registration))
    assert PASSPORT_NUMBER in page.content.decode()
    assert VisaAccessLog.objects.filter(action=VisaAccessLog.Action.SEEN_BY_PERSON).count() == 1


def test_deleting_the_account_removes_the_request_and_unnames_the_log(registration, visa):
    from registration.accounts import services as account_services

    person = registration.attendee
    account_services.delete_account(person.pk)
    assert not VisaRequest.objects.exists()
    entry = VisaAccessLog.objects.get(action=VisaAccessLog.Action.SUBMITTED)
    assert entry.actor is None and entry.actor_name == "-"
    assert entry.request_reference == visa.reference


def test_the_persons_data_download_holds_their_request(registration, visa):
    from registration.accounts.selectors import account_data

    data = account_data(registration.attendee)
    assert data["visa_letter_requests"][0]["passport_number"] == PASSPORT_NUMBER
    assert VisaAccessLog.objects.filter(action=VisaAccessLog.Action.EXPORTED).count() == 1
