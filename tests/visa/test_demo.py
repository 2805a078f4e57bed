import io

import pytest
from django.db import connection

from documents import demo
from documents.visa.models import VisaAccessLog, VisaRequest
from gmc import demo as gmc_demo
from gmc.models import OutboxMessage, User
from gmc.permissions import VISA_LETTERS_GROUP
from registration import demo as registration_demo


def raw_tokens() -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT passport_number, purpose FROM documents_visarequest ORDER BY id")
        return cursor.fetchall()


@pytest.mark.django_db
def test_a_sample_request_waits_in_the_queue_for_2026_and_loads_twice_the_same(demo_time):
    gmc_demo.load(io.StringIO())
    registration_demo.load(io.StringIO())
    demo.load(io.StringIO())
    first = raw_tokens()
    demo.load(io.StringIO())

    visa = VisaRequest.objects.select_related("registration__edition").get()
    assert raw_tokens() == first  # loading again changes nothing
    assert visa.status == VisaRequest.Status.PENDING
    assert visa.registration.edition.year == 2026
    assert visa.registration.edition.city == "Hanoi"
    assert visa.registration.attendance == "in_person"
    assert visa.registration.status == "confirmed"
    assert visa.passport_number.startswith("SAMPLE")
    assert "Hanoi" in visa.purpose
    # The demo organiser sees the details; loading sent nothing and logged no access.
    organiser = User.objects.get(email=gmc_demo.ORGANISER_EMAIL)
    assert organiser.groups.filter(name=VISA_LETTERS_GROUP).exists()
    assert organiser.has_perm("documents.view_visa_data")
    assert not OutboxMessage.objects.filter(kind__startswith="documents.visa").exists()
    assert not VisaAccessLog.objects.exists()
