"""Races on PostgreSQL: real parallel connections, started together by a barrier."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from gmc.permissions import ORGANISERS_GROUP, sync_organiser_group
from mailings import services
from mailings.models import Broadcast
from tests.admin_forms import admin_form_data
from tests.conftest import wait_for
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are proven on PostgreSQL"
    ),
]

REFUSAL = "Sending this message has started, so it can no longer be changed"


def another_connection_waits_for_a_lock() -> bool:
    # pg_locks is read live (pg_stat_activity would be frozen for the transaction).
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def organiser_client() -> Client:
    sync_organiser_group()
    organiser = UserFactory(is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client = Client()
    client.force_login(organiser)
    return client


def admin_edit(client: Client, broadcast: Broadcast) -> tuple[str, dict]:
    url = reverse("admin:mailings_broadcast_change", args=[broadcast.pk])
    data = admin_form_data(client.get(url))
    return url, {**data, "subject": "Edited after the send began", "body": "Late words."}


def page_edit(client: Client, broadcast: Broadcast) -> tuple[str, dict]:
    url = reverse("mailings:message_edit", args=[broadcast.pk])
    data = {"edition": broadcast.edition_id, "greeting": "on", "body": "Late words."}
    return url, {**data, "subject": "Edited after the send began"}


@pytest.mark.parametrize("edit_form", [admin_edit, page_edit], ids=["admin", "organisers-page"])
def test_a_send_that_has_begun_wins_over_a_late_edit(edit_form):
    """The edit was shown, and is checked, while the message is still a draft; the send
    begins meanwhile, and commits only once the edit waits for the row: the edit is
    refused with a message and writes nothing; the message goes out as it was."""
    edition = EditionFactory(year=2030)
    RegistrationFactory.create_batch(3, edition=edition)
    broadcast = Broadcast.objects.create(edition=edition, subject="As sent", body="Words.")
    client = organiser_client()
    url, data = edit_form(client, broadcast)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    answers = []

    def send():
        try:
            with transaction.atomic():
                services.start_sending(broadcast.pk, by=None)
                barrier.wait(timeout=30)
                wait_for(another_connection_waits_for_a_lock, timeout=30)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    def edit():
        try:
            barrier.wait(timeout=30)
            answers.append(client.post(url, data, follow=True))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send), threading.Thread(target=edit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == []

    assert answers[0].status_code == 200
    assert REFUSAL in answers[0].content.decode()  # the page the editor lands on says so
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.SENDING
    assert broadcast.sent_at is not None and broadcast.recipient_count == 3
    assert (broadcast.subject, broadcast.body) == ("As sent", "Words.")


def test_a_draft_edit_writes_only_what_changed():
    """A count written meanwhile (a test copy sent from another tab) is not put back."""
    broadcast = Broadcast.objects.create(
        edition=EditionFactory(year=2030), subject="Before", body="Words."
    )
    Broadcast.objects.filter(pk=broadcast.pk).update(tests_sent=2)
    services.update_draft(broadcast.pk, changes={"subject": "After"}, by=UserFactory())
    broadcast.refresh_from_db()
    assert (broadcast.subject, broadcast.body, broadcast.tests_sent) == ("After", "Words.", 2)


def test_a_sent_message_refuses_every_edit_and_keeps_its_words():
    broadcast = Broadcast.objects.create(
        edition=EditionFactory(year=2030), subject="As sent", body="Words."
    )
    services.start_sending(broadcast.pk, by=None)
    with pytest.raises(services.MessagingError, match=REFUSAL):
        services.update_draft(broadcast.pk, changes={"subject": "Late"}, by=UserFactory())
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.subject) == (Broadcast.Status.SENDING, "As sent")
