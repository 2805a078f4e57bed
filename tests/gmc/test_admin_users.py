from django.urls import reverse

from registration.models import Registration
from registration.services import register_attendee
from tests.factories import EditionFactory, UserFactory


def test_admin_deleting_an_attendee_releases_the_seat_to_the_waiting_list(db, client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    edition = EditionFactory(capacity=1)
    leaving = UserFactory()
    mine = register_attendee(
        edition.pk, attendee=leaving, attendance=Registration.Attendance.IN_PERSON, consent=True
    )
    waiting = register_attendee(
        edition.pk,
        attendee=UserFactory(),
        attendance=Registration.Attendance.IN_PERSON,
        consent=True,
    )
    assert (mine.status, waiting.status) == ("confirmed", "waiting")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:gmc_user_changelist"),
        {"action": "delete_selected", "_selected_action": [leaving.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not type(leaving).objects.filter(pk=leaving.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
