"""Secrets in emails (sign-in codes, reset and verification links) are readable by their
recipient only: never on an organiser's screen, never in the database in clear, and gone
once the message is sent, has failed for good or has outlived its link."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gmc import outbox
from gmc.models import OutboxMessage
from registration.accounts.adapters import AccountAdapter
from tests.conftest import free_port
from tests.factories import UserFactory

ACCOUNT_EMAILS = sorted(
    {
        path.name.split(".")[0]
        for path in (settings.BASE_DIR / "templates/emails/account").iterdir()
    }
)
# "expired" first: expiring moves every message still waiting at that moment.
STATUSES = ["expired", "pending", "retrying", "failed", "sent"]


def secret_of(name: str) -> str:
    return f"s3cret-{name}-7f3a9c"


def queue_account_email(name: str, user) -> OutboxMessage:
    """An account email as allauth asks for it, every secret-bearing value marked."""
    secret = secret_of(name)
    AccountAdapter().send_mail(
        f"account/email/{name}",
        user.email,
        {
            "user": user,
            "code": secret,
            "activate_url": f"https://gmc.example.org/accounts/confirm-email/{secret}/",
            "password_reset_url": f"https://gmc.example.org/accounts/password/reset/key/{secret}/",
            "signup_url": f"https://gmc.example.org/accounts/signup/?k={secret}",
        },
    )
    return OutboxMessage.objects.filter(kind=f"account.{name}").latest("pk")


def bring_to(message: OutboxMessage, status: str, settings) -> None:
    """Move a message to a status the way the system does: by trying to send it."""
    if status == "pending":
        return
    if status == "expired":
        with time_machine.travel(timezone.now() + timedelta(days=30)):
            outbox.expire_secrets()
        return
    if status == "sent":
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    else:
        # Nothing listens on this port: the mail server is down.
        settings.EMAIL_BACKEND = "gmc.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.OUTBOX_MAX_ATTEMPTS = 1 if status == "failed" else 8
    outbox.deliver(message.pk)


def test_organisers_never_see_a_secret_in_the_outbox(client, staff_organiser, settings):
    person = UserFactory(email="superuser@example.org", is_staff=True, is_superuser=True)
    messages = {}
    for status in STATUSES:
        for name in ACCOUNT_EMAILS:
            message = queue_account_email(name, person)
            bring_to(message, status, settings)
            messages[(name, status)] = message.pk
    states = dict(OutboxMessage.objects.values_list("pk", "status"))
    assert {states[messages[(n, "sent")]] for n in ACCOUNT_EMAILS} == {"sent"}
    assert {states[messages[(n, "failed")]] for n in ACCOUNT_EMAILS} == {"failed"}
    assert {states[messages[(n, "retrying")]] for n in ACCOUNT_EMAILS} == {"pending"}
    assert {states[messages[(n, "expired")]] for n in ACCOUNT_EMAILS} == {"failed"}

    client.force_login(staff_organiser)
    pages = [reverse("admin:gmc_outboxmessage_changelist")]
    pages += [f"{pages[0]}?status__exact={status}" for status in OutboxMessage.Status.values]
    pages += [f"{pages[0]}?kind=account.{name}" for name in ACCOUNT_EMAILS]
    for pk in messages.values():
        pages.append(reverse("admin:gmc_outboxmessage_change", args=[pk]))
        pages.append(reverse("admin:gmc_outboxmessage_history", args=[pk]))
    leaks = []
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        leaks += [(page, name) for name in ACCOUNT_EMAILS if secret_of(name) in body]
    assert leaks == []


def test_no_secret_is_stored_in_clear(db):
    person = UserFactory()
    for name in ACCOUNT_EMAILS:
        queue_account_email(name, person)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM gmc_outboxmessage")
        rows = [" ".join(map(str, row)) for row in cursor.fetchall()]
    assert len(rows) == len(ACCOUNT_EMAILS)
    assert [name for name in ACCOUNT_EMAILS if any(secret_of(name) in r for r in rows)] == []


def test_the_recipient_still_receives_the_secret(db, mailoutbox):
    person = UserFactory()
    message = queue_account_email("password_reset_key", person)
    outbox.deliver(message.pk)
    assert secret_of("password_reset_key") in mailoutbox[0].body
    message.refresh_from_db()
    assert (message.status, message.sealed_context, message.context) == ("sent", "", {})


def test_a_code_that_expired_before_sending_is_never_sent(db, mailoutbox, settings):
    person = UserFactory()
    message = queue_account_email("login_code", person)
    lifetime = message.secret_expires_at - message.created_at
    assert timedelta(seconds=179) < lifetime <= timedelta(seconds=181)  # allauth's 3 minutes
    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        outbox.deliver(message.pk)
    assert mailoutbox == []
    message.refresh_from_db()
    assert (message.status, message.sealed_context) == ("failed", "")
    assert outbox.requeue(message.pk).status == "failed"  # "send again" cannot revive it


def test_the_sweep_erases_secrets_whose_link_expired(db):
    person = UserFactory()
    reset = queue_account_email("password_reset_key", person)
    confirm = queue_account_email("email_confirmation", person)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        outbox.sweep()
    reset.refresh_from_db()
    confirm.refresh_from_db()
    # A reset link lasts PASSWORD_RESET_TIMEOUT (1 day here), a verification link 3 days.
    assert timedelta(days=2).total_seconds() > settings.PASSWORD_RESET_TIMEOUT
    assert (reset.status, reset.sealed_context) == ("failed", "")
    assert confirm.status == "pending" and confirm.sealed_context


@pytest.mark.parametrize("status", ["failed", "sent"])
def test_a_finished_message_keeps_no_secret(db, settings, status):
    person = UserFactory()
    message = queue_account_email("password_reset_key", person)
    bring_to(message, status, settings)
    message.refresh_from_db()
    assert message.status == status
    assert message.sealed_context == ""
    assert message.subject == ""  # the subject of a sensitive message is not kept either


def test_secrets_do_not_reach_the_logs(db, settings, caplog):
    person = UserFactory(email="logged.person@example.org")
    message = queue_account_email("password_reset_key", person)
    bring_to(message, "retrying", settings)
    bring_to(message, "failed", settings)
    outbox.deliver(queue_account_email("login_code", person).pk)
    assert caplog.records
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "logged.person@example.org" not in text
    assert secret_of("password_reset_key") not in text


def test_account_templates_are_all_covered():
    folder = Path(settings.BASE_DIR) / "templates/emails/account"
    assert {"login_code", "password_reset_key", "email_confirmation_signup"} <= set(ACCOUNT_EMAILS)
    assert len(list(folder.iterdir())) == 3 * len(ACCOUNT_EMAILS)
