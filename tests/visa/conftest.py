import datetime

import pytest
from django.contrib.auth.models import Group

from documents import services as documents
from documents.visa import services
from documents.visa.services import Details
from gmc.permissions import ORGANISERS_GROUP, VISA_LETTERS_GROUP, sync_organiser_group
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory

PASSPORT_NUMBER = "K7Q4812209"
DETAILS = Details(
    passport_name="AMINA WANJIRU OTIENO",
    nationality="KE",
    passport_number=PASSPORT_NUMBER,
    date_of_birth=datetime.date(1984, 7, 19),
    purpose="To attend the conference and speak in a plenary session.",
)


@pytest.fixture
def edition(db):
    return EditionFactory(is_current=True)


@pytest.fixture
def registration(edition):
    return RegistrationFactory(edition=edition)


@pytest.fixture
def visa(registration):
    """A pending request of the registered person."""
    return services.request_letter(registration.pk, by=registration.attendee, details=DETAILS)


@pytest.fixture
def organiser(db):
    """An ordinary organiser: the Organisers group only."""
    sync_organiser_group()
    person = UserFactory(is_staff=True)
    person.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    return person


@pytest.fixture
def visa_officer(db):
    """An organiser who also handles visa letters."""
    sync_organiser_group()
    person = UserFactory(is_staff=True)
    person.groups.add(
        Group.objects.get(name=ORGANISERS_GROUP), Group.objects.get(name=VISA_LETTERS_GROUP)
    )
    return person


def make_letter(visa, by) -> "documents.Document":
    """Approve the request and render its letter as the worker would."""
    approved = services.approve_request(visa.pk, by=by)
    documents.generate_document(approved.letter_id)
    approved.letter.refresh_from_db()
    return approved.letter
