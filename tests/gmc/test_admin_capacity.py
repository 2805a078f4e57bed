from django.urls import reverse

from registration.models import Registration
from registration.services import register_attendee
from tests.admin_forms import admin_form_data
from tests.factories import EditionFactory, UserFactory


def test_raising_capacity_in_the_admin_promotes_the_waiting_list(client, db):
    organiser = UserFactory(is_staff=True, is_superuser=True)
    edition = EditionFactory(capacity=1)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        register_attendee(
            edition.pk, attendee=person, attendance=Registration.Attendance.IN_PERSON, consent=True
        )
    assert Registration.objects.filter(status="waiting").count() == 2
    client.force_login(organiser)
    url = reverse("admin:gmc_edition_change", args=[edition.pk])
    data = admin_form_data(client.get(url), zone=edition.tz)
    data["capacity"] = 2

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    statuses = [Registration.objects.get(attendee=person).status for person in people]
    assert statuses == ["confirmed", "confirmed", "waiting"]
    edition.refresh_from_db()
    assert edition.registration_closes_at is not None  # the rest of the form kept
