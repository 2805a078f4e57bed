import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from gmc.permissions import ORGANISERS_GROUP, sync_organiser_group
from tests.factories import UserFactory


@pytest.fixture
def demo(db, demo_time) -> str:
    """The whole demo data set, loaded by the command newcomers run, on DEMO_NOW; its
    output."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def staff_organiser(db):
    """An organiser as the portal makes them: staff, in the Organisers group, not a
    superuser."""
    sync_organiser_group()
    person = UserFactory(is_staff=True, is_superuser=False)
    person.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    return person
