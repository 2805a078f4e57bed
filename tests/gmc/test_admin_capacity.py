from django.urls import reverse

from registration.models import Registration
from registration.services import register_attendee
from tests.factories import EditionFactory, UserFactory


def admin_form_data(response) -> dict:
    """The POST data of an admin change form as it was shown, inlines included."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for sub in formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value is not None:
                    data[sub.add_prefix(name)] = value
    return {k: v for k, v in data.items() if v is not False}


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
    data = admin_form_data(client.get(url))
    data["capacity"] = 2

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    statuses = [Registration.objects.get(attendee=person).status for person in people]
    assert statuses == ["confirmed", "confirmed", "waiting"]
