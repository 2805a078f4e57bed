"""Every absolute link names the address in SITE_URL (gmc/links.py), never the
development default nor the address a request happened to come in on."""

from datetime import timedelta

import icalendar
import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from gmc.links import absolute_url
from gmc.models import OutboxMessage
from mailings.models import ReminderRule
from tests.agenda.factories import SessionFactory
from tests.factories import EditionFactory, UserFactory
from tests.mailings.test_reminders import deliver_all, run_at
from tests.registration.helpers import deliver_pending, register

SITE = "https://portal.example.net"
ELSEWHERE = ("127.0.0.1:8000", "testserver", "localhost")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def assert_only_site(text: str) -> None:
    assert SITE in text
    for other in ELSEWHERE:
        assert other not in text


def unfolded(ics: bytes) -> str:
    """The calendar file's text with its long lines joined again (RFC 5545 folding)."""
    return ics.decode().replace("\r\n ", "")


def test_absolute_url_joins_paths_and_keeps_absolute_addresses():
    assert absolute_url("/register/") == f"{SITE}/register/"
    assert absolute_url("register/") == f"{SITE}/register/"
    assert absolute_url("https://other.example.org/x") == "https://other.example.org/x"


def test_confirmation_email_links_use_site_url(db):
    edition = EditionFactory(is_current=True)
    registration = register(edition)
    deliver_pending()
    [email] = mail.outbox
    html = email.alternatives[0][0]
    for part in (email.body, html):
        assert_only_site(part)
        assert f"{SITE}{reverse('registration:ticket', args=[registration.ticket_code])}" in part
    context = OutboxMessage.objects.get(kind="registration.confirmed").context
    for key in ("ticket_url", "ics_url", "my_url", "register_url"):
        assert context[key].startswith(f"{SITE}/")


def test_ticket_calendar_file_links_use_site_url(client, user):
    edition = EditionFactory(is_current=True)
    register(edition, user)
    client.force_login(user)
    ics = client.get(reverse("registration:ics", args=[edition.year])).content
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["URL"]).startswith(f"{SITE}/")
    # Links follow the address; the event's identity does not (CALENDAR_UID_DOMAIN).
    assert str(event["UID"]) == f"gmc-edition-{edition.year}@gmc-portal"
    assert_only_site(unfolded(ics))


def test_session_calendar_links_use_site_url(client, db):
    session = SessionFactory(edition=EditionFactory(is_current=True))
    ics = client.get(reverse("agenda:session_ics", args=[session.slug])).content
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["URL"]) == f"{SITE}{session.get_absolute_url()}"
    assert_only_site(unfolded(ics))


def test_personal_calendar_feed_address_uses_site_url(client, user):
    client.force_login(user)
    html = client.get(reverse("agenda:mine")).content.decode()
    assert f"{SITE}/agenda/feed/" in html
    assert "http://testserver/agenda/feed/" not in html


def test_robots_names_the_sitemap_at_site_url(client, db):
    text = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in text


def test_reminder_and_unsubscribe_links_use_site_url(db):
    edition = EditionFactory(year=2031)
    person = UserFactory()
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    rule = ReminderRule(
        edition=edition,
        name="Registration closes in a day",
        event=ReminderRule.Event.REGISTRATION_CLOSES,
        offset=timedelta(days=1),
        audience=ReminderRule.Audience.NOT_REGISTERED,
        kind="reminders.registration_closing",
    )
    rule.full_clean()
    rule.save()
    run_at(edition.registration_closes_at - timedelta(days=1))
    deliver_all()
    [email] = mail.outbox
    assert email.extra_headers["List-Unsubscribe"].startswith(f"<{SITE}/email/unsubscribe/")
    for part in (email.body, email.alternatives[0][0]):
        assert_only_site(part)
        assert f"{SITE}/email/unsubscribe/" in part
        assert f"{SITE}{reverse('registration:register_year', args=[2031])}" in part
