import csv
import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from registration.models import Registration
from tests.factories import EditionFactory, UserFactory

from .factories import QuestionFactory, RegistrationFactory
from .helpers import kinds_for, register

CHANGELIST = reverse("admin:registration_registration_changelist")


def export(client, fmt: str, **params):
    return client.get(reverse("admin:registration_registration_export", args=[fmt]), params)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("size", [3, 30])
def test_changelist_query_count_does_not_grow(
    client, staff_organiser, edition, django_assert_num_queries, size
):
    for _ in range(size):
        RegistrationFactory(edition=edition, attendee=UserFactory(country="VN"))
    client.force_login(staff_organiser)
    client.get(CHANGELIST)
    # session, user, permissions, the counts, one page of rows with their attendee and
    # edition, the filters' choices and the date hierarchy: the same at any size
    with django_assert_num_queries(11):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == size


def test_filters_and_search(client, staff_organiser, edition):
    mai = UserFactory(
        full_name="Nguyen Thi Mai",
        email="mai@example.org",
        country="VN",
        organisation_type="university",
        organisation_name="Hanoi University",
    )
    checked = register(edition, mai)
    online = register(edition, UserFactory(country="MX", organisation_type="platform"), "online")
    waiting = register(EditionFactory(capacity=0), UserFactory(country="FR"))
    RegistrationFactory(edition=edition, checked_in_at=checked.created_at)
    client.force_login(staff_organiser)

    def listed(**params) -> set[int]:
        response = client.get(CHANGELIST, params)
        assert response.status_code == 200
        return {r.pk for r in response.context["cl"].result_list}

    assert listed(status__exact="waiting") == {waiting.pk}
    assert listed(attendance__exact="online") == {online.pk}
    assert listed(country="VN") == {checked.pk}
    assert listed(attendee__organisation_type__exact="platform") == {online.pk}
    assert listed(edition__id__exact=edition.pk) == {checked.pk, online.pk} | {
        r.pk for r in Registration.objects.filter(edition=edition, checked_in_at__isnull=False)
    }
    assert len(listed(checked_in="yes")) == 1
    for query in ("thi mai", "MAI@example.org", "Hanoi Univ", checked.ticket_code):
        assert listed(q=query) == {checked.pk}, query


def test_actions_call_the_services(client, staff_organiser, edition):
    full = EditionFactory(capacity=1)
    holder, waiting = register(full), register(full)
    client.force_login(staff_organiser)

    def act(action, *registrations):
        return client.post(
            CHANGELIST,
            {"action": action, "_selected_action": [r.pk for r in registrations]},
            follow=True,
        )

    act("confirm_selected", waiting)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert kinds_for(waiting.attendee)[-1] == "registration.promoted"

    response = act("resend_selected", holder)
    assert "1 confirmation sent again." in response.content.decode()
    assert kinds_for(holder.attendee) == ["registration.confirmed"] * 2

    response = act("cancel_selected", holder, waiting)
    assert "2 registrations cancelled." in response.content.decode()
    assert set(Registration.objects.values_list("status", flat=True)) == {"cancelled"}

    refused = act("confirm_selected", holder)
    assert "Only a registration on the waiting list can be confirmed" in refused.content.decode()


def test_country_filter_lists_names(client, staff_organiser, edition):
    register(edition, UserFactory(country="VN"))
    client.force_login(staff_organiser)
    assert "Vietnam" in client.get(CHANGELIST).content.decode()


def test_changing_attendance_in_the_admin_goes_through_the_service(client, organiser):
    edition = EditionFactory(capacity=1)
    holder, waiting = register(edition), register(edition)
    client.force_login(organiser)
    response = client.post(
        reverse("admin:registration_registration_change", args=[holder.pk]),
        {
            "attendance": "online",
            "interpretation_language": "",
            "accessibility_needs": "Captions",
            "dietary_needs": "",
            "answers-TOTAL_FORMS": "0",
            "answers-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    holder.refresh_from_db(), waiting.refresh_from_db()
    assert (holder.attendance, holder.accessibility_needs) == ("online", "Captions")
    assert waiting.status == "confirmed"
    assert kinds_for(waiting.attendee)[-1] == "registration.promoted"


def test_registrations_cannot_be_deleted_in_the_admin(client, staff_organiser, edition):
    registration = register(edition)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:registration_registration_delete", args=[registration.pk])
    assert client.get(url).status_code == 403


def test_organisers_can_register_someone_after_the_window_closed(client, organiser):
    edition = EditionFactory(
        registration_opens_at=datetime.datetime(2030, 2, 1, tzinfo=datetime.UTC),
        registration_closes_at=datetime.datetime(2030, 3, 1, tzinfo=datetime.UTC),
    )
    person = UserFactory()
    with time_machine.travel(datetime.datetime(2030, 4, 1, tzinfo=datetime.UTC), tick=False):
        client.force_login(organiser)
        add = reverse("admin:registration_registration_add")
        refused = client.post(
            add, {"edition": edition.pk, "attendee": person.pk, "attendance": "in_person"}
        )
        assert "consent" in refused.context["adminform"].form.errors
        response = client.post(
            add,
            {
                "edition": edition.pk,
                "attendee": person.pk,
                "attendance": "in_person",
                "consent": "on",
                "answers-TOTAL_FORMS": "0",
                "answers-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
    registration = Registration.objects.get(attendee=person)
    assert registration.status == "confirmed"
    assert kinds_for(person) == ["registration.confirmed"]


def test_admin_refuses_an_attendance_the_edition_does_not_offer(client, organiser):
    edition = EditionFactory(format="online")
    client.force_login(organiser)
    response = client.post(
        reverse("admin:registration_registration_add"),
        {
            "edition": edition.pk,
            "attendee": UserFactory().pk,
            "attendance": "in_person",
            "consent": "on",
            "answers-TOTAL_FORMS": "0",
            "answers-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "attendance" in response.context["adminform"].form.errors
    assert not Registration.objects.exists()


def test_exports_have_the_extra_questions_as_columns(client, staff_organiser, edition):
    track = QuestionFactory(edition=edition, label="Track", kind="choice", choices="A\nB")
    topics = QuestionFactory(edition=edition, label="Topics", kind="multiple", choices="X\nY")
    register(
        edition,
        UserFactory(full_name="Ana Example", country="MX"),
        answers={track.pk: "B", topics.pk: ["X", "Y"]},
    )
    register(edition, UserFactory(full_name="=HYPERLINK(1)"), attendance="online")
    client.force_login(staff_organiser)

    rows = csv_rows(export(client, "csv"))
    header = rows[0]
    assert header[-2:] == ["Track", "Topics"]
    by_name = {row[header.index("Name")]: row for row in rows[1:]}
    ana = by_name["Ana Example"]
    assert ana[-2:] == ["B", "X; Y"]
    assert ana[header.index("Country")] == "Mexico"
    # A name that a spreadsheet would run as a formula stays text.
    assert "'=HYPERLINK(1)" in by_name

    response = export(client, "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][-2:] == ["Track", "Topics"]
    assert ["B", "X; Y"] in [row[-2:] for row in values[1:]]


def test_export_follows_the_changelist_filters(client, staff_organiser, edition):
    register(edition, UserFactory(full_name="Online Person"), attendance="online")
    register(edition, UserFactory(full_name="Room Person"))
    client.force_login(staff_organiser)
    rows = csv_rows(export(client, "csv", attendance__exact="online"))
    assert [row[2] for row in rows[1:]] == ["Online Person"]
    assert export(client, "pdf").status_code == 403


def test_export_is_for_organisers_only(client, user, edition):
    register(edition)
    client.force_login(user)
    assert export(client, "csv").status_code == 302  # the admin login
    client.force_login(UserFactory(is_staff=True))
    assert export(client, "csv").status_code == 403
