import csv
import datetime
import io

import openpyxl
import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from gmc.models import Edition, OutboxMessage
from registration.models import Registration
from tests.factories import EditionFactory, UserFactory

from .factories import QuestionFactory, RegistrationFactory
from .helpers import deliver_pending, kinds_for, register

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
    Edition.objects.filter(pk=full.pk).update(capacity=2)  # the first in line, a free seat
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


# --- confirming from the waiting list ------------------------------------------------------


@pytest.fixture
def waiting_line(db):
    """A full edition of one seat and three people waiting, Ana first."""
    edition = EditionFactory(capacity=1, title="GMC test edition")
    register(edition)
    names = ["Ana Lima", "Bao Tran", "Chidi Okafor"]
    return edition, [register(edition, UserFactory(full_name=name)) for name in names]


def confirm(client, registrations, **extra):
    return client.post(
        CHANGELIST,
        {"action": "confirm_selected", "_selected_action": [r.pk for r in registrations], **extra},
        follow=True,
    )


def test_confirming_out_of_turn_first_shows_whom_it_skips_and_the_excess(
    client, staff_organiser, waiting_line
):
    _edition, (_ana, _bao, chidi) = waiting_line
    client.force_login(staff_organiser)
    response = confirm(client, [chidi])
    html = response.content.decode()
    assert response.templates[0].name == "registration/admin/confirm_from_waitlist.html"
    assert "Chidi Okafor, number 3 on the waiting list" in html
    assert "Ana Lima, number 1 on the waiting list" in html
    assert "Bao Tran, number 2 on the waiting list" in html
    assert "Confirming exceeds the capacity by 1 seat." in html
    assert 'name="reason"' in html
    chidi.refresh_from_db()
    assert chidi.status == "waiting"
    assert kinds_for(chidi.attendee) == ["registration.waitlisted"]


def test_confirming_out_of_turn_without_a_reason_changes_nothing(
    client, staff_organiser, waiting_line
):
    _edition, (_ana, _bao, chidi) = waiting_line
    client.force_login(staff_organiser)
    prompt = confirm(client, [chidi]).context["form"]
    response = confirm(client, [chidi], confirm="1", reason="  ", plan=prompt.initial["plan"])
    assert "Give a reason for confirming out of turn." in response.content.decode()
    chidi.refresh_from_db()
    assert chidi.status == "waiting" and chidi.confirmation_reason == ""
    assert kinds_for(chidi.attendee) == ["registration.waitlisted"]
    assert not LogEntry.objects.exists()


def test_confirming_out_of_turn_with_a_reason_records_it_and_says_so(
    client, staff_organiser, waiting_line, mailoutbox
):
    _edition, (ana, _bao, chidi) = waiting_line
    client.force_login(staff_organiser)
    prompt = confirm(client, [chidi]).context["form"]
    response = confirm(
        client, [chidi], confirm="1", reason="Speaker of the opening", plan=prompt.initial["plan"]
    )
    assert "1 registration confirmed." in response.content.decode()
    chidi.refresh_from_db()
    assert chidi.status == "confirmed"
    assert chidi.confirmed_by == staff_organiser
    assert chidi.confirmation_reason == "Speaker of the opening"
    entry = LogEntry.objects.get(object_id=str(chidi.pk))
    assert entry.user == staff_organiser and "Speaker of the opening" in entry.get_change_message()
    ana.refresh_from_db()
    assert ana.status == "waiting"
    OutboxMessage.objects.exclude(to_email=chidi.attendee.email).delete()
    deliver_pending()
    (email,) = [
        m for m in mailoutbox if m.to == [chidi.attendee.email] and "confirmed" in m.subject
    ]
    assert "the organisers have confirmed your place" in email.body
    assert "a seat has become free" not in email.body


def test_a_changed_waiting_list_asks_again(client, staff_organiser, waiting_line):
    edition, (_ana, _bao, chidi) = waiting_line
    client.force_login(staff_organiser)
    prompt = confirm(client, [chidi]).context["form"]
    Edition.objects.filter(pk=edition.pk).update(capacity=0)  # now two seats too many
    response = confirm(client, [chidi], confirm="1", reason="Speaker", plan=prompt.initial["plan"])
    html = response.content.decode()
    assert "The waiting list changed while you were deciding" in html
    assert "Confirming exceeds the capacity by 2 seats." in html
    chidi.refresh_from_db()
    assert chidi.status == "waiting"


def test_the_first_in_line_with_a_free_seat_is_one_click_with_the_usual_email(
    client, staff_organiser, waiting_line, mailoutbox
):
    edition, (ana, bao, _chidi) = waiting_line
    Edition.objects.filter(pk=edition.pk).update(capacity=3)  # two seats free
    client.force_login(staff_organiser)
    response = confirm(client, [bao, ana])
    assert "2 registrations confirmed." in response.content.decode()
    ana.refresh_from_db()
    bao.refresh_from_db()
    assert ana.status == bao.status == "confirmed"
    assert ana.confirmed_by == staff_organiser and ana.confirmation_reason == ""
    assert kinds_for(ana.attendee)[-1] == kinds_for(bao.attendee)[-1] == "registration.promoted"
    deliver_pending()
    (email,) = [m for m in mailoutbox if m.to == [ana.attendee.email] and "seat" in m.subject]
    assert "a seat has become free" in email.body
    assert "the organisers have confirmed" not in email.body


def test_the_waiting_list_is_first_in_line_first_and_numbered(client, staff_organiser):
    edition = EditionFactory(capacity=0)
    line = [
        register(edition, UserFactory(full_name=name))
        for name in ["Ana Lima", "Bao Tran", "Chidi Okafor"]
    ]
    client.force_login(staff_organiser)
    response = client.get(CHANGELIST, {"status__exact": "waiting"})
    assert [r.pk for r in response.context["cl"].result_list] == [r.pk for r in line]
    html = response.content.decode()
    assert "Place in line" in html
    assert [r.line_position for r in response.context["cl"].result_list] == [1, 2, 3]
    # A search keeps each person's place in the whole line.
    found = client.get(CHANGELIST, {"status__exact": "waiting", "q": "Chidi"}).context["cl"]
    assert [(r.pk, r.line_position) for r in found.result_list] == [(line[2].pk, 3)]


def test_the_list_is_compact_narrow_columns_and_pages_of_fifty(client, staff_organiser, edition):
    long_organisation = "Universidad Nacional Autónoma de México, Coordinación Abierta"
    for index in range(60):
        RegistrationFactory(
            edition=edition,
            attendee=UserFactory(
                email=f"a.very.long.address.of.person.{index}@faculty.example.edu.mx",
                organisation_name=long_organisation,
            ),
        )
    client.force_login(staff_organiser)
    response = client.get(CHANGELIST)
    html = response.content.decode()
    start = html.index('<table id="result_list"')
    table = html[start : html.index("</table>", start)]
    header = table[: table.index("</thead>")]
    assert header.count('<th scope="col"') <= 5  # the checkbox and four narrow columns
    assert len(response.context["cl"].result_list) == 50
    assert long_organisation not in table
    assert "@faculty.example.edu.mx" not in table


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
        answers={track.pk: "b", topics.pk: ["x", "y"]},
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
