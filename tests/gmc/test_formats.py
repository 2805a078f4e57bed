"""One way of writing dates and times per language (gmc/formats/): day month year and
24-hour times on pages, emails and calendar files alike, never Django's US style."""

import re
from datetime import UTC, date, datetime, timedelta
from importlib import import_module

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from gmc.dates import date_range
from gmc.formats import PORTAL_FORMATS
from mailings.models import ReminderRule
from tests.factories import EditionFactory, UserFactory
from tests.mailings.test_reminders import deliver_all, run_at
from tests.registration.helpers import deliver_pending, register

# Django's US style: "Jan. 3, 2027", "11:59 p.m.", "noon", "11/22/2026".
US_STYLE = re.compile(
    r"\b(?:Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.|\b[ap]\.m\.|\bnoon\b|\b\d{1,2}/\d{1,2}/\d{4}\b"
)
DJANGO_DISPLAY_FORMATS = [
    "DATE_FORMAT",
    "TIME_FORMAT",
    "DATETIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
]
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
# 23:59 on 31 December 2026 in Mexico City (UTC-6).
CLOSES = datetime(2027, 1, 1, 5, 59, tzinfo=UTC)


def assert_one_style(text: str) -> None:
    found = US_STYLE.findall(text)
    assert not found, found


@pytest.mark.parametrize(
    ("start", "end", "written"),
    [
        (date(2027, 1, 3), date(2027, 1, 5), "3\N{EN DASH}5 January 2027"),
        (date(2026, 11, 30), date(2026, 12, 2), "30 November \N{EN DASH} 2 December 2026"),
        (date(2026, 12, 30), date(2027, 1, 2), "30 December 2026 \N{EN DASH} 2 January 2027"),
        (date(2027, 1, 3), date(2027, 1, 3), "3 January 2027"),
        (date(2027, 1, 3), None, "3 January 2027"),
        (None, None, ""),
    ],
)
def test_date_range_leaves_out_what_the_first_day_shares_with_the_last(start, end, written):
    with translation.override("en"):
        assert date_range(start, end) == written
        template = Template("{% load gmc_extras %}{{ start|date_range:end }}")
        assert template.render(Context({"start": start, "end": end})) == written


def test_every_offered_language_has_all_the_formats():
    for code, _name in settings.LANGUAGES:
        module = import_module(f"gmc.formats.{translation.to_locale(code)}.formats")
        for name in [*DJANGO_DISPLAY_FORMATS, *PORTAL_FORMATS]:
            assert isinstance(getattr(module, name, None), str), (code, name)


@pytest.fixture
def edition(db):
    with time_machine.travel(NOW, tick=False):
        yield EditionFactory(
            is_current=True,
            time_zone="America/Mexico_City",
            start_date=date(2027, 1, 3),
            end_date=date(2027, 1, 5),
            registration_opens_at=NOW - timedelta(days=30),
            registration_closes_at=CLOSES,
        )


def test_pages_write_dates_one_way(client, edition, user, organiser):
    with time_machine.travel(NOW, tick=False):
        client.force_login(user)
        home = client.get("/").content.decode()
        register_page = client.get(reverse("registration:register")).content.decode()
        registration = register(edition, user)
        ticket = client.get(
            reverse("registration:ticket", args=[registration.ticket_code])
        ).content.decode()
        client.force_login(organiser)
        stats = client.get(reverse("registration:stats")).content.decode()
    for page in (home, register_page, ticket):
        assert "3\N{EN DASH}5 January 2027" in page
        assert_one_style(page)
    assert "31 December 2026, 23:59" in home
    assert "31 December 2026, 23:59" in register_page
    assert "22 Nov 2026" in stats
    assert_one_style(stats)


def test_confirmation_email_writes_dates_one_way(edition):
    with time_machine.travel(NOW, tick=False):
        register(edition)
        deliver_pending()
    [email] = mail.outbox
    for part in (email.subject, email.body, email.alternatives[0][0]):
        assert_one_style(part)
    assert "3\N{EN DASH}5 January 2027" in email.body


def test_reminder_email_writes_dates_one_way(edition):
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
    run_at(CLOSES - timedelta(days=1))
    deliver_all()
    [email] = mail.outbox
    assert "31 December 2026, 23:59, Mexico City time (UTC-6)" in email.subject
    for part in (email.subject, email.body, email.alternatives[0][0]):
        assert_one_style(part)
        assert "31 December 2026, 23:59" in part
