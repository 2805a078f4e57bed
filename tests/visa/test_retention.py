"""The passport details are erased a set time after the edition, and at once when the
registration is cancelled or moves online; the request and its letter's number stay."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.visa import services
from documents.visa.models import VisaAccessLog, VisaRequest
from registration import services as registration_services

from .conftest import make_letter

pytestmark = pytest.mark.django_db


def after_the_edition(edition, days: int) -> datetime.datetime:
    end = datetime.datetime.combine(edition.end_date, datetime.time(23, 0), tzinfo=edition.tz)
    return end + datetime.timedelta(days=days)


def test_details_are_kept_until_the_retention_period_ends(visa, edition, settings):
    settings.VISA_DATA_RETENTION_DAYS = 30
    with time_machine.travel(after_the_edition(edition, 29)):
        assert services.erase_expired() == 0
    assert VisaRequest.objects.get(pk=visa.pk).passport_number


def test_the_job_erases_them_after_the_retention_period_once(
    visa, edition, settings, visa_officer, private_storage
):
    settings.VISA_DATA_RETENTION_DAYS = 30
    letter = make_letter(visa, visa_officer)
    pdf_file = private_storage / letter.file.name
    assert pdf_file.exists()
    with time_machine.travel(after_the_edition(edition, 31)):
        from documents.visa.tasks import erase_expired_visa_data

        assert erase_expired_visa_data() == 1
        assert erase_expired_visa_data() == 0  # a repeat erases nothing more
    erased = VisaRequest.objects.get(pk=visa.pk)
    assert erased.is_erased
    assert [erased.passport_name, erased.passport_number, erased.date_of_birth] == [None] * 3
    # What verification needs stays: the request, its status, its letter's number.
    assert erased.status == VisaRequest.Status.APPROVED
    erased.letter.refresh_from_db()
    assert erased.letter.number == letter.number and not erased.letter.is_revoked
    assert not erased.letter.file
    assert VisaAccessLog.objects.filter(action=VisaAccessLog.Action.ERASED).count() == 1
    # The person's page says what became of it; the letter is no longer downloadable.
    client = Client()
    client.force_login(visa.registration.attendee)
    mine = client.get(reverse("registration:mine")).content.decode()
    assert "its file was erased after the conference" in mine
    assert "Erased, as our privacy rules require." in mine
    assert client.get(letter.get_download_url()).status_code == 404


def test_the_setting_decides_the_period(visa, edition, settings):
    settings.VISA_DATA_RETENTION_DAYS = 5
    with time_machine.travel(after_the_edition(edition, 6)):
        assert services.erase_expired() == 1


def test_cancelling_the_registration_withdraws_and_erases_at_once(
    visa, registration, visa_officer
):
    letter = make_letter(visa, visa_officer)
    registration_services.cancel_registration(registration.pk, by=registration.attendee)
    withdrawn = VisaRequest.objects.get(pk=visa.pk)
    assert withdrawn.status == VisaRequest.Status.WITHDRAWN
    assert withdrawn.is_erased and withdrawn.passport_number is None
    letter.refresh_from_db()
    assert letter.is_revoked
    # Cancelling again (a double click) changes nothing more.
    registration_services.cancel_registration(registration.pk, by=registration.attendee)
    assert VisaAccessLog.objects.filter(action=VisaAccessLog.Action.WITHDRAWN).count() == 1


def test_moving_online_withdraws_the_request(visa, registration):
    registration_services.update_registration(
        registration.pk, by=registration.attendee, attendance="online"
    )
    assert VisaRequest.objects.get(pk=visa.pk).status == VisaRequest.Status.WITHDRAWN


def test_an_erased_request_cannot_be_approved(visa, visa_officer):
    services.erase_details(visa.pk)
    with pytest.raises(services.VisaRequestError):
        services.approve_request(visa.pk, by=visa_officer)


def test_an_edition_without_dates_is_never_erased_by_the_job(visa, edition):
    type(edition).objects.filter(pk=edition.pk).update(start_date=None, end_date=None)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3650)):
        assert services.erase_expired() == 0
