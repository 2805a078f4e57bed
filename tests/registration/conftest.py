import pytest
from django.contrib.auth.models import Permission

from tests.factories import EditionFactory, UserFactory


@pytest.fixture
def edition(db):
    """The current edition, hybrid, open for registration, 150 seats."""
    return EditionFactory(is_current=True, interpretation_languages=["es", "zh-hans"])


def organiser_permissions():
    return Permission.objects.filter(
        content_type__app_label="registration",
        codename__in=["view_registration", "change_registration", "add_registration"],
    )


@pytest.fixture
def staff_organiser(db):
    """Staff with the registration permissions an organiser holds, not a superuser."""
    person = UserFactory(is_staff=True)
    person.user_permissions.set(organiser_permissions())
    return person
