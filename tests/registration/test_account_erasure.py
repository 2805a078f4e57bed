"""Deleting an account leaves none of the person's addresses, names or codes anywhere:
not in the outbox (whatever address a message went to), not in sessions, not in the
admin's history, not in log lines."""

import json
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agenda.models import CalendarFeed
from gmc import outbox, sessions
from gmc.models import User
from gmc.privacy import RedactingFilter
from gmc.tasks import purge_expired_sessions
from tests.factories import EditionFactory, UserFactory
from tests.gmc.test_settings import PRODUCTION_ENV, manage
from tests.registration.helpers import deliver_pending, register

PASSWORD = "correct horse battery staple"
OLD, NEW = "zorvath.quill@old.example.org", "zq@new.example.org"
NAME = "Zorvath Quillmane"
ROOT = Path(__file__).resolve().parents[2]


pytestmark = pytest.mark.usefixtures("fresh_cache")


def sign_in(client, email):
    client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert "_auth_user_id" in client.session


def every_row_as_text() -> dict[str, list[str]]:
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  names from the schema
            found[table] = [" ".join(map(str, row)).lower() for row in cursor.fetchall()]
    return found


def test_after_deletion_no_table_holds_the_persons_data(db, mailoutbox):
    organiser = UserFactory(is_staff=True)
    person = UserFactory(email=OLD, full_name=NAME)
    EmailAddress.objects.create(user=person, email=OLD, verified=True, primary=True)
    edition = EditionFactory(is_current=True, capacity=10)
    ticket = register(edition, person).ticket_code
    feed = CalendarFeed.objects.create(user=person).token
    deliver_pending()  # the confirmation is sent and recorded

    laptop, phone = Client(), Client()
    sign_in(laptop, OLD)
    sign_in(phone, OLD)
    # The address changes: the old one is told, from then on it is no account's address.
    change = {"email": NEW, "action_add": ""}
    laptop.post(reverse("account_email"), change)
    laptop.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    laptop.post(reverse("account_email"), change)
    deliver_pending()
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s\"<]+)", mailoutbox[-1].body)
    laptop.post(link.group(1))
    person.refresh_from_db()
    assert person.email == NEW
    deliver_pending()
    assert any(OLD in message.to for message in mailoutbox)  # the notice to the old address
    # A message that failed, one still waiting, and an organiser's edit in the admin.
    outbox.queue(kind="outbox.test", to=person, context={"note": ticket}, key="waiting")
    LogEntry.objects.log_actions(
        organiser.pk, [person], CHANGE, change_message="Changed name.", single_object=True
    )
    needles = [OLD, NEW, NAME.lower(), ticket.lower(), feed.lower()]
    before = every_row_as_text()
    assert all(any(n in row for rows in before.values() for row in rows) for n in needles)
    phone_session = phone.session.session_key

    response = laptop.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()
    assert not Session.objects.filter(session_key=phone_session).exists()
    assert phone.get(reverse("accounts:profile")).status_code == 302  # signed out there too

    deliver_pending()  # the cancellation and goodbye notices go out ...
    assert {m.subject for m in mailoutbox if NEW in m.to} >= {
        "Your GMC portal account was deleted"
    }
    leftovers = [
        (table, needle)
        for table, rows in every_row_as_text().items()
        for needle in needles
        if any(needle in row for row in rows)
    ]
    assert leftovers == []  # ... and then nothing of the person remains


def test_last_notices_that_fail_for_good_are_erased_too(db, settings):
    person = UserFactory(email=OLD, full_name=NAME)
    register(EditionFactory(is_current=True, capacity=10), person)
    deliver_pending()
    from registration.accounts.services import delete_account

    delete_account(person.pk)
    settings.EMAIL_BACKEND = "gmc.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.OUTBOX_MAX_ATTEMPTS = "127.0.0.1", 9, 1
    deliver_pending()
    rows = every_row_as_text()
    assert [table for table, found in rows.items() if any(OLD in row for row in found)] == []


def test_expired_sessions_are_purged_by_a_daily_job(db, client, settings):
    person = UserFactory(email=OLD)
    EmailAddress.objects.create(user=person, email=OLD, verified=True, primary=True)
    sign_in(client, OLD)
    fresh = Client()
    sign_in(fresh, OLD)
    assert Session.objects.count() == 2
    assert "sessions-purge-expired" in settings.CELERY_BEAT_SCHEDULE
    assert settings.CELERY_BEAT_SCHEDULE["sessions-purge-expired"]["schedule"] <= timedelta(days=1)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert purge_expired_sessions.apply().get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        fresh.session.session_key
    ]
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert sessions.purge_expired() == 1
    assert Session.objects.count() == 0


def test_log_lines_carry_no_address_and_no_secret_path():
    code = (
        "import logging\n"
        "logging.getLogger('django.request').warning('Not Found: %s', '/register/ticket/Q7X2/')\n"
        "logging.getLogger('gmc.probe').warning('to %s', 'zorvath.quill@old.example.org')\n"
        "logging.getLogger('gmc.probe').warning('GET /agenda/feed/s3cr3tT0ken.ics 200')\n"
    )
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line)["message"] for line in result.stdout.splitlines() if line[:1] == "{"]
    assert lines == [
        "Not Found: /register/ticket/…/",
        "to <address>",
        "GET /agenda/feed/… 200",
    ]


def test_gunicorn_access_log_goes_through_the_same_filter():
    settings_file = ROOT / "deploy" / "gunicorn.conf.py"
    namespace: dict = {}
    exec(compile(settings_file.read_text(), str(settings_file), "exec"), namespace)  # noqa: S102
    config = namespace["logconfig_dict"]
    handler_config = config["handlers"]["access"]
    assert config["loggers"]["gunicorn.access"]["handlers"] == ["access"]
    assert handler_config["filters"] == ["redact"]
    redacting = RedactingFilter()
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        '%(h)s "%(r)s" %(s)s',
        ({"h": "203.0.113.9", "r": "GET /register/ticket/Q7XK2M/ HTTP/1.1", "s": "200"},),
        None,
    )
    redacting.filter(record)
    assert record.getMessage() == '203.0.113.9 "GET /register/ticket/…/ HTTP/1.1" 200'
