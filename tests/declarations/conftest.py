import pytest
from django.contrib.auth.models import Permission

from gmc.permissions import ORGANISER_PERMISSIONS
from tests.declarations.factories import call_with_topics
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory


@pytest.fixture(autouse=True)
def private_storage(private_storage):
    """Uploads go to a private folder of the test's own, outside STATIC_ROOT."""
    return private_storage


@pytest.fixture
def call(db):
    """The current edition's call, open now, with the four topics of 2020."""
    return call_with_topics(edition=EditionFactory(is_current=True))


@pytest.fixture
def participant(call):
    person = UserFactory(
        full_name="Amina Otieno",
        organisation_name="University of Nairobi",
        organisation_type="university",
        country="KE",
    )
    RegistrationFactory(edition=call.edition, attendee=person)
    return person


@pytest.fixture
def reviewer(db):
    """Staff with the declaration permissions of the organisers' group, not a superuser."""
    person = UserFactory(is_staff=True)
    codenames = [
        name.split(".", 1)[1] for name in ORGANISER_PERMISSIONS if name.startswith("declarations.")
    ]
    person.user_permissions.set(
        Permission.objects.filter(content_type__app_label="declarations", codename__in=codenames)
    )
    return person
