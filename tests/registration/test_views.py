import datetime

import icalendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from agenda.models import Room
from gmc.models import Edition, OutboxMessage
from registration import services
from registration.models import Answer, Registration
from registration.selectors import Headline
from tests.factories import EditionFactory, OrganisationFactory, UserFactory

from .factories import QuestionFactory, RegistrationFactory
from .helpers import deliver_pending, kinds_for, register

REGISTER = reverse("registration:register")
MINE = reverse("registration:mine")


def form_data(for_edition, **overrides):
    data = {
        "edition": for_edition.pk,
        "attendance": "in_person",
        "consent": "on",
        "given_name": "Ana",
        "family_name": "Example",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- registering ---------------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in_and_back(client, edition):
    response = client.get(REGISTER)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={REGISTER}"


def test_without_a_current_edition_the_page_says_so(client, user):
    client.force_login(user)
    response = client.get(REGISTER)
    assert response.status_code == 200
    assert "No edition is open for registration" in response.content.decode()


def test_register_through_the_form(client, user, edition):
    question = QuestionFactory(edition=edition, kind="choice", choices="Policy\nResearch")
    client.force_login(user)
    page = client.get(REGISTER)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert 'name="csrfmiddlewaretoken"' in html and "Policy" in html

    response = client.post(
        REGISTER,
        form_data(
            edition,
            interpretation_language="es",
            accessibility_needs="Step-free access",
            dietary_needs="Vegetarian",
            **{f"question_{question.pk}": "research"},
        ),
    )
    assert response.status_code == 302 and response["Location"] == MINE
    registration = Registration.objects.get(attendee=user)
    assert (registration.edition, registration.status) == (edition, "confirmed")
    assert registration.interpretation_language == "es"
    assert registration.dietary_needs == "Vegetarian"
    assert registration.consent_at is not None
    # The choice's key is kept, not its wording.
    assert Answer.objects.get(registration=registration).value == "research"
    assert kinds_for(user) == ["registration.confirmed"]

    # Coming back to the form sends people to their registration.
    assert client.get(REGISTER)["Location"] == MINE


def test_a_full_edition_puts_people_on_the_waiting_list_with_their_position(client, user):
    edition = EditionFactory(is_current=True, capacity=1)
    register(edition)
    client.force_login(user)
    page = client.get(REGISTER).content.decode()
    assert "All in-person seats are taken" in page
    response = client.post(REGISTER, form_data(edition), follow=True)
    html = response.content.decode()
    assert "you are on the waiting list" in html
    assert "you are number 1 on the waiting list" in html
    assert Registration.objects.get(attendee=user).status == "waiting"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"accessibility_needs": "x" * 1001}, "accessibility_needs", "at most 1000"),
        ({"dietary_needs": "y" * 501}, "dietary_needs", "at most 500"),
        ({"attendance": "on_the_moon"}, "attendance", "Select a valid choice"),
        ({"interpretation_language": "tlh"}, "interpretation_language", "Select a valid choice"),
        ({"consent": None}, "consent", "Please agree"),
        ({"edition": "999999"}, "edition", "belongs to another edition"),
        ({"edition": "not-a-number"}, "edition", "Enter a whole number"),
        ({"attendance": None}, "attendance", "This field is required"),
    ],
)
def test_malformed_input_gets_a_field_error_and_keeps_what_was_typed(
    client, user, edition, overrides, field, message
):
    client.force_login(user)
    data = form_data(edition, accessibility_needs="Induction loop, please")
    data.update({k: v for k, v in overrides.items() if v is not None})
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
    response = client.post(REGISTER, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    if field != "accessibility_needs":
        assert "Induction loop, please" in response.content.decode()
    assert not Registration.objects.exists()


def test_invalid_answers_to_extra_questions_get_field_errors(client, user, edition):
    choice = QuestionFactory(edition=edition, kind="choice", choices="A\nB", required=True)
    multiple = QuestionFactory(edition=edition, kind="multiple", choices="X\nY")
    text = QuestionFactory(edition=edition, kind="text", required=True)
    client.force_login(user)
    response = client.post(
        REGISTER,
        form_data(
            edition,
            **{f"question_{choice.pk}": "c", f"question_{multiple.pk}": ["x", "z"]},
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {f"question_{q.pk}" for q in (choice, multiple, text)} <= set(errors)
    assert not Registration.objects.exists()


def test_an_edition_id_of_another_edition_is_refused(client, user, edition):
    other = EditionFactory(year=edition.year + 1)
    client.force_login(user)
    response = client.post(REGISTER, form_data(edition, edition=other.pk))
    assert "edition" in response.context["form"].errors
    assert not Registration.objects.exists()


def test_online_only_edition_offers_no_in_person_seat(client, user):
    edition = EditionFactory(is_current=True, format=Edition.Format.ONLINE)
    client.force_login(user)
    page = client.get(REGISTER)
    assert "dietary_needs" not in page.context["form"].fields
    response = client.post(REGISTER, form_data(edition))
    assert "attendance" in response.context["form"].errors
    client.post(REGISTER, form_data(edition, attendance="online"))
    assert Registration.objects.get(attendee=user).attendance == "online"


WINDOW = {
    "registration_opens_at": datetime.datetime(2030, 2, 1, 15, 0, tzinfo=datetime.UTC),
    "registration_closes_at": datetime.datetime(2030, 3, 1, 6, 0, tzinfo=datetime.UTC),
    "time_zone": "Asia/Ho_Chi_Minh",
}


def test_before_the_window_the_page_says_when_it_opens_in_the_event_zone(client, user):
    EditionFactory(is_current=True, **WINDOW)
    with time_machine.travel(datetime.datetime(2030, 1, 20, tzinfo=datetime.UTC), tick=False):
        client.force_login(user)  # sessions expire: log in at the travelled-to moment
        response = client.get(REGISTER)
    html = response.content.decode()
    assert response.context["form"] is None
    assert "Registration has not opened yet" in html
    # 15:00 UTC is 22:00 in Hanoi, and the zone is named.
    assert "1 February 2030, 22:00" in html and "Hanoi time (UTC+7)" in html


def test_after_the_window_the_page_explains_and_points_to_the_organisers(client, user):
    EditionFactory(is_current=True, **WINDOW)
    with time_machine.travel(datetime.datetime(2030, 3, 2, tzinfo=datetime.UTC), tick=False):
        client.force_login(user)
        response = client.get(REGISTER)
    html = response.content.decode()
    assert "Registration is closed" in html
    assert "1 March 2030, 13:00" in html
    assert "secretariat@example.org" in html


def test_a_form_sent_after_the_window_closed_gets_an_error_not_a_500(client, user):
    edition = EditionFactory(is_current=True, **WINDOW)
    with time_machine.travel(datetime.datetime(2030, 3, 1, 6, 0, tzinfo=datetime.UTC), tick=False):
        client.force_login(user)
        response = client.post(REGISTER, form_data(edition, accessibility_needs="Ramp"))
    assert response.status_code == 200
    assert (
        "Registration for this edition is closed." in response.context["form"].non_field_errors()
    )
    assert "Ramp" in response.content.decode()
    assert not Registration.objects.exists()


# --- my registration ------------------------------------------------------------------


def test_my_registration_shows_status_and_actions(client, user, edition):
    registration = register(edition, user)
    client.force_login(user)
    html = client.get(MINE).content.decode()
    assert "Confirmed" in html
    assert reverse("registration:ticket", args=[registration.ticket_code]) in html
    assert reverse("registration:ics", args=[edition.year]) in html
    assert reverse("registration:cancel", args=[edition.year]) in html
    assert reverse("registration:resend", args=[edition.year]) in html


def test_my_registration_without_one_offers_to_register(client, user, edition):
    client.force_login(user)
    html = client.get(MINE).content.decode()
    assert "You have not registered" in html
    assert reverse("registration:register_year", args=[edition.year]) in html


def test_edit_my_registration(client, user, edition):
    register(edition, user, accessibility_needs="")
    client.force_login(user)
    assert client.get(reverse("registration:edit", args=[edition.year])).status_code == 200
    response = client.post(
        reverse("registration:edit", args=[edition.year]),
        {
            "edition": edition.pk,
            "attendance": "online",
            "accessibility_needs": "Captions",
            "given_name": "Ana",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(attendee=user)
    assert (registration.attendance, registration.accessibility_needs) == ("online", "Captions")


def test_edit_with_bad_input_keeps_the_registration(client, user, edition):
    register(edition, user)
    client.force_login(user)
    response = client.post(
        reverse("registration:edit", args=[edition.year]),
        {"edition": edition.pk, "attendance": "in_person", "accessibility_needs": "z" * 5000},
    )
    assert response.status_code == 200 and "accessibility_needs" in response.context["form"].errors


def test_edit_page_of_an_in_person_edition_offers_no_online_attendance(client, user):
    edition = EditionFactory(is_current=True, format=Edition.Format.IN_PERSON)
    register(edition, user)
    client.force_login(user)
    response = client.get(reverse("registration:edit", args=[edition.year]))
    html = response.content.decode()
    assert [value for value, _label in response.context["form"].fields["attendance"].choices] == [
        "in_person"
    ]
    assert 'value="online"' not in html
    assert "Switching to online" not in html
    assert "Dietary needs" in html


def test_online_attendees_are_not_asked_in_person_questions(client, user, edition):
    dinner = QuestionFactory(
        edition=edition, label="Will you come to the dinner?", in_person_only=True, required=True
    )
    QuestionFactory(edition=edition, label="Your field of work")
    register(edition, user, attendance="online")
    client.force_login(user)
    url = reverse("registration:edit", args=[edition.year])
    html = client.get(url).content.decode()
    assert "Dietary needs" not in html and "Will you come to the dinner?" not in html
    assert "Your field of work" in html
    # A forged form changes nothing of what online attendance does not ask.
    response = client.post(
        url,
        {
            "edition": edition.pk,
            "attendance": "online",
            "given_name": "Ana",
            "family_name": "Online",
            "dietary_needs": "Vegan",
            f"question_{dinner.pk}": "Yes, with a guest",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(attendee=user)
    assert registration.dietary_needs == ""
    assert not registration.answers.filter(question=dinner).exists()


def test_in_person_questions_are_required_of_in_person_attendees_only(client, user, edition):
    dinner = QuestionFactory(
        edition=edition,
        label="Will you come to the dinner?",
        kind="yes_no",
        in_person_only=True,
        required=True,
    )
    client.force_login(user)
    html = client.get(REGISTER).content.decode()
    assert "Will you come to the dinner?" in html and "For in-person attendance only." in html
    refused = client.post(REGISTER, form_data(edition))
    assert f"question_{dinner.pk}" in refused.context["form"].errors
    online = client.post(
        REGISTER, form_data(edition, attendance="online", **{f"question_{dinner.pk}": "yes"})
    )
    assert online.status_code == 302
    registration = Registration.objects.get(attendee=user)
    assert registration.attendance == "online"
    assert not registration.answers.filter(question=dinner).exists()


def test_cancel_asks_for_confirmation_then_cancels(client, user, edition):
    register(edition, user)
    client.force_login(user)
    url = reverse("registration:cancel", args=[edition.year])
    assert client.get(url).status_code == 200
    response = client.post(url, {})
    assert response.status_code == 200 and "confirm" in response.context["form"].errors
    assert Registration.objects.get(attendee=user).status == "confirmed"
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert Registration.objects.get(attendee=user).status == "cancelled"
    assert kinds_for(user) == ["registration.confirmed", "registration.cancelled"]


def test_resend_button_is_rate_limited_with_a_clear_message(client, user, edition):
    register(edition, user)
    client.force_login(user)
    url = reverse("registration:resend", args=[edition.year])
    first = client.post(url, follow=True).content.decode()
    assert "We have sent your confirmation again" in first
    second = client.post(url, follow=True).content.decode()
    assert "try again in 10 minutes" in second
    assert kinds_for(user) == ["registration.confirmed"] * 2
    assert client.get(url).status_code == 405


def test_ticket_shows_a_server_drawn_qr_code(client, user, edition):
    registration = register(edition, user)
    client.force_login(user)
    response = client.get(reverse("registration:ticket", args=[registration.ticket_code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg role="img" class="ticket-qr"' in html
    assert registration.ticket_code_display in html
    assert "registration/ticket.css" in html
    assert "<script" not in html


def test_a_cancelled_ticket_says_it_is_not_valid(client, user, edition):
    registration = register(edition, user)
    services.cancel_registration(registration.pk, by=user)
    client.force_login(user)
    html = client.get(reverse("registration:ticket", args=[registration.ticket_code])).content
    assert b"This ticket is not valid" in html


def test_calendar_file_has_utc_times_and_a_stable_uid(client, user):
    edition = EditionFactory(
        is_current=True,
        opening_at=datetime.datetime(2030, 5, 20, 2, 0, tzinfo=datetime.UTC),
        closing_at=datetime.datetime(2030, 5, 21, 10, 0, tzinfo=datetime.UTC),
    )
    register(edition, user)
    client.force_login(user)
    url = reverse("registration:ics", args=[edition.year])
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event["DTSTART"].dt == datetime.datetime(2030, 5, 20, 2, 0, tzinfo=datetime.UTC)
    assert "DTSTART:20300520T020000Z" in response.content.decode()
    assert event["SUMMARY"] == edition.title
    assert str(event["UID"]) == str(
        icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]["UID"]
    )
    assert str(event["UID"]) == f"gmc-edition-{edition.year}@gmc-portal"


def test_the_tickets_calendar_uid_names_no_address(client, user, settings):
    edition = EditionFactory(is_current=True)
    register(edition, user)
    client.force_login(user)
    url = reverse("registration:ics", args=[edition.year])
    found = set()
    for host, site in (("127.0.0.1", "http://127.0.0.1:8000"), ("localhost", "https://a.example")):
        settings.SITE_URL = site
        content = client.get(url, HTTP_HOST=host).content
        found.add(str(icalendar.Calendar.from_ical(content).walk("VEVENT")[0]["UID"]))
    assert found == {f"gmc-edition-{edition.year}@gmc-portal"}


# The conference opens at 09:00 in Mexico City on 20 May 2030; online attendees' links
# appear a day before.
OPENING = datetime.datetime(2030, 5, 20, 15, 0, tzinfo=datetime.UTC)
BEFORE_LINKS = datetime.datetime(2030, 5, 19, 14, 0, tzinfo=datetime.UTC)
AFTER_LINKS = datetime.datetime(2030, 5, 19, 16, 0, tzinfo=datetime.UTC)
LINKS_OPEN_TEXT = "19 May 2030, 09:00, Mexico City time (UTC-6)"


@pytest.fixture
def online_edition(db):
    edition = EditionFactory(
        is_current=True,
        opening_at=OPENING,
        online_joining_details="https://meet.example.org/gmc-secret",
        online_details_published=True,
    )
    Room.objects.create(
        edition=edition,
        name="Main hall",
        stream_url="https://stream.example.org/main-hall",
        links_published=True,
    )
    return edition


def test_online_joining_details_appear_once_published(client, user):
    edition = EditionFactory(
        is_current=True,
        opening_at=OPENING,
        online_joining_details="https://meet.example.org/gmc-secret",
    )
    register(edition, user, attendance="online")
    with time_machine.travel(AFTER_LINKS):
        client.force_login(user)  # a session of that moment
        assert b"meet.example.org/gmc-secret" not in client.get(MINE).content
        assert b"will appear here once the organisers publish them" in client.get(MINE).content
        Edition.objects.filter(pk=edition.pk).update(online_details_published=True)
        assert b"meet.example.org/gmc-secret" in client.get(MINE).content
        ics = client.get(reverse("registration:ics", args=[edition.year])).content
    assert b"meet.example.org/gmc-secret" in ics.replace(b"\r\n ", b"")


def test_online_attendees_page_has_joining_details_and_a_calendar_not_a_ticket(
    client, user, online_edition
):
    registration = register(online_edition, user, attendance="online")
    client.force_login(user)
    page = reverse("registration:ticket", args=[registration.ticket_code])
    mine = client.get(MINE).content.decode()
    assert "How to join online" in mine and "My ticket" not in mine
    assert f'href="{page}"' in mine
    html = client.get(page).content.decode()
    assert "Show this page at the entrance" not in html
    assert "ticket-qr" not in html and registration.ticket_code not in html.replace(page, "")
    assert f"The links appear here on {LINKS_OPEN_TEXT}." in html
    assert "gmc-secret" not in html and "stream.example.org" not in html
    assert reverse("registration:ics", args=[online_edition.year]) in html
    assert f"The links appear here on {LINKS_OPEN_TEXT}." in mine
    with time_machine.travel(AFTER_LINKS):
        client.force_login(user)
        html = client.get(page).content.decode()
        mine = client.get(MINE).content.decode()
    for shown in (html, mine):
        assert "https://meet.example.org/gmc-secret" in shown
        assert 'href="https://stream.example.org/main-hall"' in shown
        assert "The links appear here" not in shown


def test_in_person_attendees_keep_the_ticket_with_its_qr_code(client, user, online_edition):
    registration = register(online_edition, user)
    client.force_login(user)
    html = client.get(reverse("registration:ticket", args=[registration.ticket_code])).content
    html = html.decode()
    assert "Show this page at the entrance" in html
    assert '<svg role="img" class="ticket-qr"' in html and registration.ticket_code_display in html
    assert "gmc-secret" not in html and "The links appear here" not in html
    assert "My ticket" in client.get(MINE).content.decode()


def test_confirmation_emails_ticket_in_person_joining_details_online(online_edition, mailoutbox):
    in_person = register(online_edition)
    online = register(online_edition, attendance="online")
    deliver_pending()
    by_person = {message.to[0]: message for message in mailoutbox}
    ticket = by_person[in_person.attendee.email]
    joining = by_person[online.attendee.email]
    for part in (ticket.body, ticket.alternatives[0][0]):
        assert "show it at the entrance" in part or "Open your ticket" in part
        assert in_person.ticket_code in part
    for part in (joining.body, joining.alternatives[0][0]):
        assert "entrance" not in part and "Ticket code" not in part
        assert "there is no ticket to show" in part
        assert f"They appear there on {LINKS_OPEN_TEXT}." in part
        assert f"/register/ticket/{online.ticket_code}/" in part
        assert f"/register/me/{online_edition.year}/event.ics" in part


def test_a_confirmation_sent_after_the_links_opened_says_no_date(online_edition, mailoutbox):
    with time_machine.travel(AFTER_LINKS):
        online = register(online_edition, attendance="online", enforce_window=False)
    deliver_pending()
    (email,) = mailoutbox
    assert online.ticket_code in email.body  # the address of the joining page
    assert "They appear there on" not in email.body


def test_in_person_attendees_do_not_see_online_joining_details(client, user):
    edition = EditionFactory(
        is_current=True,
        online_joining_details="https://meet.example.org/gmc-secret",
        online_details_published=True,
    )
    register(edition, user)
    client.force_login(user)
    assert b"meet.example.org/gmc-secret" not in client.get(MINE).content


# --- nobody else's registration is reachable ---------------------------------------------


def test_another_persons_registration_ticket_and_calendar_are_unreachable(client, edition):
    owner, stranger = UserFactory(), UserFactory()
    registration = register(edition, owner)
    client.force_login(stranger)
    ticket = reverse("registration:ticket", args=[registration.ticket_code])
    assert client.get(ticket).status_code == 404
    for name in ("edit", "cancel", "ics"):
        assert client.get(reverse(f"registration:{name}", args=[edition.year])).status_code == 404
    cancel = reverse("registration:cancel", args=[edition.year])
    assert client.post(cancel, {"confirm": "on"}).status_code == 404
    assert client.post(reverse("registration:resend", args=[edition.year])).status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert kinds_for(owner) == ["registration.confirmed"]
    assert registration.ticket_code not in client.get(MINE).content.decode()


def test_tickets_need_a_login_and_unknown_codes_are_not_found(client, edition, user):
    registration = register(edition)
    ticket = reverse("registration:ticket", args=[registration.ticket_code])
    assert client.get(ticket)["Location"].startswith(reverse("account_login"))
    client.force_login(user)
    missing = reverse("registration:ticket", args=[registration.ticket_code[:-1] + "?"])
    assert client.get(missing).status_code == 404


def test_organisers_may_open_any_ticket(client, edition, staff_organiser):
    registration = register(edition)
    client.force_login(staff_organiser)
    ticket = reverse("registration:ticket", args=[registration.ticket_code])
    assert client.get(ticket).status_code == 200


# --- check-in ------------------------------------------------------------------------------


CHECKIN = reverse("registration:checkin")
STATS = reverse("registration:stats")


@pytest.mark.parametrize("url", [CHECKIN, STATS])
def test_organiser_pages_are_for_organisers_only(client, edition, url):
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_staff=True))  # staff without the permission
    assert client.get(url).status_code == 403


def test_check_in_mark_is_for_organisers_only(client, edition):
    registration = register(edition)
    url = reverse("registration:checkin_mark", args=[registration.pk])
    client.force_login(registration.attendee)
    assert client.post(url).status_code == 403
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_check_in_by_ticket_code_name_or_email(client, edition, staff_organiser):
    person = UserFactory(full_name="Nguyen Thi Mai", email="mai@example.org")
    registration = register(edition, person)
    register(edition)
    client.force_login(staff_organiser)
    for query in (
        registration.ticket_code,
        f"http://testserver{CHECKIN}?q={registration.ticket_code}",
        "thi mai",
        "MAI@example.org",
    ):
        response = client.get(CHECKIN, {"q": query})
        assert [r.pk for r in response.context["results"]] == [registration.pk], query
    nobody = client.get(CHECKIN, {"q": "Nobody at all"})
    assert b"Nobody found" in nobody.content


def test_check_in_once_then_twice_says_so(client, edition, staff_organiser):
    registration = register(edition)
    client.force_login(staff_organiser)
    url = reverse("registration:checkin_mark", args=[registration.pk])
    first = client.post(url, {"q": registration.ticket_code}, follow=True)
    assert "is checked in" in first.content.decode()
    registration.refresh_from_db()
    moment = registration.checked_in_at
    assert moment is not None and registration.checked_in_by == staff_organiser
    second = client.post(url, {"q": registration.ticket_code}, follow=True)
    assert "was already checked in" in second.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at == moment
    assert second.context["seats"].checked_in == 1
    assert client.get(url).status_code == 405


def test_check_in_counts_expected_and_arrived(client, edition, staff_organiser):
    arrived = [register(edition) for _ in range(2)]
    register(edition)
    register(edition, attendance="online")
    for registration in arrived:
        services.check_in(registration.pk, by=staff_organiser)
    client.force_login(staff_organiser)
    html = client.get(CHECKIN).content.decode()
    assert '<dd class="col-6 col-sm-3 fs-4" id="count-expected">3</dd>' in html
    assert '<dd class="col-6 col-sm-3 fs-4" id="count-arrived">2</dd>' in html


def test_check_in_of_a_waiting_registration_is_refused_with_a_message(client, staff_organiser):
    edition = EditionFactory(is_current=True, capacity=0)
    waiting = register(edition)
    client.force_login(staff_organiser)
    response = client.post(reverse("registration:checkin_mark", args=[waiting.pk]), follow=True)
    assert "Only a confirmed registration can be checked in" in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_check_in_search_query_count_does_not_grow(
    client, edition, staff_organiser, django_assert_num_queries, size
):
    dinner = QuestionFactory(
        edition=edition, kind="choice", choices="Meat\nFish", in_person_only=True
    )
    for index in range(size):
        registration = RegistrationFactory(
            edition=edition, attendee=UserFactory(full_name="Lee Example")
        )
        Answer.objects.create(
            registration=registration, question=dinner, value=["meat", "fish"][index % 2]
        )
    client.force_login(staff_organiser)
    client.get(CHECKIN)  # warm the session and permission caches
    # session, user, its two permission queries, current edition, search, the answers
    # to the in-person questions and their choices, counts
    with django_assert_num_queries(9):
        response = client.get(CHECKIN, {"q": "Lee"})
    assert len(response.context["results"]) == size
    assert response.content.decode().count(">Fish</dd>") == size // 2


# --- statistics ------------------------------------------------------------------------


def test_statistics_show_charts_and_the_same_numbers_in_tables(client, staff_organiser):
    edition = EditionFactory(is_current=True, capacity=3)
    for country, kind in [("VN", "university"), ("VN", "platform"), ("MX", "university")]:
        register(edition, UserFactory(country=country, organisation_type=kind))
    register(edition, UserFactory(country="FR", organisation_type="government"))  # waits
    register(edition, UserFactory(country="FR"), attendance="online")
    client.force_login(staff_organiser)
    response = client.get(STATS)
    html = response.content.decode()
    stats = response.context["stats"]
    assert stats.seats.seats_left == 0 and stats.seats.waiting == 1
    assert {b.label: b.value for b in stats.by_country} == {"Vietnam": 2, "France": 2, "Mexico": 1}
    assert {b.label: b.value for b in stats.by_attendance} == {"In person": 4, "Online": 1}
    assert {b.label: b.value for b in stats.by_organisation_type}["University"] == 2
    assert stats.over_time[-1].total == 5
    assert html.count("<svg") == 5
    assert '<td>Vietnam</td><td class="text-end">2</td>' in html
    assert 'id="seats-left">0' in html and 'id="waiting">1<' in html
    assert "<script" not in html


def test_statistics_by_status_count_each_registration_once(client, staff_organiser, organiser):
    edition = EditionFactory(is_current=True, capacity=3)
    seated = [register(edition) for _ in range(3)]
    for registration in seated[:2]:
        services.check_in(registration.pk, by=organiser)
    register(edition)  # waits
    services.cancel_registration(register(edition, attendance="online").pk, by=None)
    client.force_login(staff_organiser)
    response = client.get(STATS)
    stats = response.context["stats"]
    assert {b.label: b.value for b in stats.by_status} == {
        "Confirmed, not checked in": 1,
        "Attended (checked in)": 2,
        "On the waiting list": 1,
        "Cancelled": 1,
    }
    assert sum(b.value for b in stats.by_status) == Registration.objects.count() == 5
    assert "5 registrations in all, each counted once." in response.content.decode()


def test_statistics_headline_figures_of_a_report(client, staff_organiser):
    edition = EditionFactory(is_current=True, capacity=3)
    known = OrganisationFactory()
    people = [
        ("VN", known, "", "in_person"),
        ("VN", known, "", "online"),
        ("MX", None, "Hanoi University", "in_person"),
        ("FR", None, "  hanoi university ", "online"),
        ("", None, "Open University", "in_person"),
        ("", None, "", "online"),
    ]
    for country, organisation, typed, attendance in people:
        person = UserFactory(country=country, organisation=organisation, organisation_name=typed)
        register(edition, person, attendance=attendance)
    register(edition, UserFactory(country="DE", organisation_name="Waiting U"))  # waits
    cancelled = register(edition, UserFactory(country="JP"), attendance="online")
    services.cancel_registration(cancelled.pk, by=None)
    client.force_login(staff_organiser)
    response = client.get(STATS)
    headline = response.context["stats"].headline
    assert (headline.people, headline.in_person, headline.online) == (6, 3, 3)
    assert (headline.institutions, headline.countries) == (3, 3)
    html = response.content.decode()
    assert "6 participants of 3 institutions from 3 countries" in html
    assert 'id="headline-in-person">3<' in html and 'id="headline-online">3<' in html


@pytest.mark.parametrize(("people", "written"), [(7, "7"), (180, "180"), (187, "180+")])
def test_headline_rounds_people_as_a_report_does(people, written):
    assert Headline(people, 0, 0, 0, 0).people_rounded == written


def test_registrations_over_time_chart_has_labelled_axes(client, staff_organiser):
    edition = EditionFactory(is_current=True, capacity=None)
    start = timezone.now() - datetime.timedelta(days=4)
    for day, count in [(0, 3), (2, 5), (4, 4)]:
        with time_machine.travel(start + datetime.timedelta(days=day)):
            for _ in range(count):
                register(edition)
    client.force_login(staff_organiser)
    response = client.get(STATS)
    html = response.content.decode()
    chart = html[html.index('aria-labelledby="time-title"') : html.index("</svg>")]
    assert "Registrations (running total)" in chart
    assert "Day (Mexico City time (UTC-6))" in chart
    y_labels = [tick.label for tick in response.context["stats"].y_ticks]
    assert y_labels == ["0", "5", "10", "12"]
    for label in y_labels:
        assert f'text-anchor="end">{label}</text>' in chart
    days = response.context["stats"].over_time
    for point in (days[0], days[2], days[-1]):
        assert f">{date_format(point.day, 'SHORT_DATE_FORMAT')}</text>" in chart
    assert "style=" not in chart and "<script" not in html


@pytest.mark.parametrize("size", [2, 25])
def test_statistics_query_count_does_not_grow(
    client, edition, staff_organiser, django_assert_num_queries, size
):
    theme = QuestionFactory(edition=edition, kind="multiple", choices="Policy\nResearch")
    for index in range(size):
        registration = RegistrationFactory(
            edition=edition,
            attendee=UserFactory(country=["VN", "MX", "FR"][index % 3]),
        )
        Answer.objects.create(registration=registration, question=theme, value="policy")
    client.force_login(staff_organiser)
    client.get(STATS)
    # session, user, its two permission queries, current edition, then countries,
    # organisation types, attendance, the counts, the days, the headline figures, and
    # the questions with choices, their choices and the answers' counts
    with django_assert_num_queries(14):
        client.get(STATS)


def test_statistics_of_another_year(client, staff_organiser, edition):
    older = EditionFactory(year=edition.year - 1)
    client.force_login(staff_organiser)
    assert client.get(STATS, {"year": older.year}).context["edition"] == older
    assert client.get(STATS, {"year": 1900}).status_code == 404


def test_no_outbox_message_is_left_without_a_template(db, edition):
    """Every kind the services queue renders (the worker would fail it otherwise)."""
    from gmc import outbox

    holder, waiting = register(edition), register(EditionFactory(capacity=0))
    services.cancel_registration(holder.pk, by=None)
    services.confirm_from_waitlist(waiting.pk, by=UserFactory(), reason="Speaker")
    for message in OutboxMessage.objects.all():
        assert outbox.render(message).subject


def test_consent_links_to_the_privacy_notice_and_code_of_conduct(client, user, edition):
    client.force_login(user)
    html = client.get(reverse("registration:register")).content.decode()
    assert 'href="/privacy/" target="_blank" rel="noopener"' in html
    assert 'href="/code-of-conduct/" target="_blank" rel="noopener"' in html
