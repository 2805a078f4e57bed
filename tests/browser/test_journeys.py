"""The three journeys, walked in a real browser as new users walk them: a person
registering in person, a person registering online, and an organiser confirming someone
from the waiting list out of turn. Each shows the person's name (never their address),
links on the portal's own address and the right document: an entrance ticket in
person, joining details online, an email that says what happened.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from agenda.models import Room
from registration.models import Registration
from tests.factories import EditionFactory, UserFactory
from tests.registration.conftest import organiser_permissions
from tests.registration.helpers import deliver_pending, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STREAM = "https://stream.example.org/gmc/plenary"


@pytest.fixture
def edition(settings, live_server):
    """A hybrid Hanoi edition starting tomorrow (so online links are open), on the live
    server's address."""
    settings.SITE_URL = live_server.url
    start = timezone.localdate() + datetime.timedelta(days=1)
    edition = EditionFactory(
        is_current=True,
        time_zone="Asia/Ho_Chi_Minh",
        city="Hanoi",
        country="VN",
        venue="Vietnam National University",
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
        registration_closes_at=timezone.now() + datetime.timedelta(hours=12),
        online_joining_details="Interpretation into Vietnamese on channel 2.",
        online_details_published=True,
    )
    Room.objects.create(
        edition=edition, name="Plenary hall", stream_url=STREAM, links_published=True
    )
    return edition


def signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def fill_register_form(page, *, attendance: str) -> None:
    page.goto("/register/")
    page.get_by_label("Given name(s)").fill("Thị Lan")
    page.get_by_label("Family name").fill("Nguyễn")
    page.get_by_label("Name on your ticket").fill("Nguyễn Thị Lan")
    page.get_by_label("Organisation").fill("Vietnam National University, Hanoi")
    page.get_by_label("Country").select_option("VN")
    page.get_by_label(attendance, exact=True).check()
    page.get_by_label(re.compile("I agree to the privacy notice")).check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/register/me/**")


def links_of(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


def assert_links_on_the_portal(email, live_server) -> None:
    """Every link to the portal in both parts goes to the address it is served on."""
    own = urlsplit(live_server.url).netloc
    portal_links = [
        link
        for part in (email.body, email.alternatives[0][0])
        for link in links_of(part)
        if "example.org" not in link and "w3.org" not in link
    ]
    assert portal_links, "the email links to nothing on the portal"
    assert all(urlsplit(link).netloc == own for link in portal_links), portal_links


def test_a_person_registers_in_person_and_gets_a_named_ticket(
    browser, live_server, edition, mailoutbox
):
    person = UserFactory(email="lan.nguyen@example.vn", full_name="")
    context = signed_in(browser, live_server, person)
    page = context.new_page()
    fill_register_form(page, attendance="In person")
    registration = Registration.objects.get(attendee=person)
    assert registration.status == Registration.Status.CONFIRMED

    deliver_pending()
    [email] = mailoutbox
    assert "Dear Nguyễn Thị Lan," in email.body
    assert person.email not in email.body
    assert_links_on_the_portal(email, live_server)

    # The ticket link of the email opens the ticket in the browser.
    [ticket_url] = {link for link in links_of(email.body) if "/ticket/" in link}
    page.goto(ticket_url)
    ticket = page.locator("article.ticket")
    assert ticket.locator(".ticket-name").inner_text() == "Nguyễn Thị Lan"
    assert "Vietnam National University, Hanoi" in ticket.inner_text()
    assert ticket.locator("svg, img").count() >= 1  # the QR code
    assert "entrance" in page.content()
    assert person.email not in ticket.inner_text()
    context.close()


def test_a_person_registers_online_and_gets_joining_details_not_a_ticket(
    browser, live_server, edition, mailoutbox
):
    person = UserFactory(email="lan.online@example.vn", full_name="")
    context = signed_in(browser, live_server, person)
    page = context.new_page()
    fill_register_form(page, attendance="Online")
    registration = Registration.objects.get(attendee=person)
    assert registration.attendance == Registration.Attendance.ONLINE

    deliver_pending()
    [email] = mailoutbox
    assert "Dear Nguyễn Thị Lan," in email.body
    assert "entrance" not in email.body
    assert_links_on_the_portal(email, live_server)

    [joining_url] = {link for link in links_of(email.body) if "/ticket/" in link}
    page.goto(joining_url)
    assert page.get_by_role("heading", level=1).inner_text().startswith("How to join online")
    assert page.get_by_role("link", name="Watch live").get_attribute("href") == STREAM
    assert "Interpretation into Vietnamese on channel 2." in page.content()
    assert "Nguyễn Thị Lan" in page.content()
    assert "entrance" not in page.content()
    assert page.locator("article.ticket").count() == 0

    calendar = page.request.get(
        page.get_by_role("link", name="Add to my calendar (.ics)").get_attribute("href")
    )
    assert calendar.ok
    text = calendar.text()
    assert re.search(r"DTSTART[^:\r\n]*:\d{8}T\d{6}", text), text  # a time, not all-day
    assert live_server.url in text.replace("\r\n ", "")
    context.close()


def test_an_organiser_confirms_out_of_turn_and_the_person_is_told_so(
    browser, live_server, edition, mailoutbox
):
    edition.capacity = 1
    edition.save(update_fields=["capacity"])
    register(edition, UserFactory(full_name="Ana Seated"))
    first = register(edition, UserFactory(full_name="Bruno First"))
    chosen_person = UserFactory(email="carmen@example.mx", full_name="")
    chosen_person.set_name("Carmen", "Jiménez Ruiz")
    chosen_person.save()
    chosen = register(edition, chosen_person)
    assert (first.status, chosen.status) == (Registration.Status.WAITING,) * 2
    organiser = UserFactory(is_staff=True, full_name="Olga Organiser")
    organiser.user_permissions.set(organiser_permissions())
    deliver_pending()
    mailoutbox.clear()

    context = signed_in(browser, live_server, organiser)
    page = context.new_page()
    page.goto("/admin/registration/registration/?status__exact=waiting")
    page.locator("tr", has_text="Carmen Jiménez Ruiz").locator(
        "input[name=_selected_action]"
    ).check()
    page.locator("select[name=action]").select_option("confirm_selected")
    page.locator("button[name=index]").click()

    # The decision is explicit: whom it skips, by how much capacity is exceeded.
    assert (
        "Bruno First, number 1 on the waiting list"
        in page.locator(".confirm-skipped").inner_text()
    )
    assert "exceeds the capacity by 1 seat" in page.locator(".confirm-capacity").inner_text()
    # Without a reason the browser does not send it (the server refuses it too:
    # tests/registration/test_admin.py), and nothing changes.
    page.get_by_role("button", name="Confirm out of turn").click()
    assert page.title().startswith("Confirm from the waiting list out of turn")
    chosen.refresh_from_db()
    assert chosen.status == Registration.Status.WAITING

    page.get_by_label(re.compile("Reason")).fill("Keynote speaker's assistant")
    page.get_by_role("button", name="Confirm out of turn").click()
    page.wait_for_url("**/admin/registration/registration/**")
    chosen.refresh_from_db()
    first.refresh_from_db()
    assert chosen.status == Registration.Status.CONFIRMED
    assert chosen.confirmation_reason == "Keynote speaker's assistant"
    assert first.status == Registration.Status.WAITING
    context.close()

    deliver_pending()
    [email] = mailoutbox
    assert email.to == ["carmen@example.mx"]
    assert "Dear Carmen Jiménez Ruiz," in email.body
    assert "the organisers have confirmed your place" in email.body.lower()
    assert "a seat has become free" not in email.body.lower()
    assert_links_on_the_portal(email, live_server)
