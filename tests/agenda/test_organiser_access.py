from django.contrib.auth.models import Group
from django.urls import reverse

from gmc.permissions import ORGANISERS_GROUP, sync_organiser_group
from tests.agenda.factories import SessionFactory
from tests.factories import UserFactory


def test_organisers_group_may_edit_the_programme_but_not_attendees_stars(client, db):
    assert sync_organiser_group() == []
    organiser = UserFactory(is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    session = SessionFactory()
    client.force_login(organiser)

    assert client.get(reverse("admin:agenda_session_changelist")).status_code == 200
    assert client.get(reverse("admin:agenda_session_add")).status_code == 200
    assert client.get(reverse("admin:agenda_speaker_add")).status_code == 200
    change = reverse("admin:agenda_session_change", args=[session.pk])
    assert client.get(change).status_code == 200
    assert not organiser.has_perm("agenda.change_star")
