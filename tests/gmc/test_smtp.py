"""The outbox commits a message as sent before the mail server can take it (gmc/smtp.py):
a worker that dies before the commit leaves the server an unfinished message, which it
drops; a server that refuses the end puts the message back to pending."""

import socket
from email import message_from_bytes

import pytest
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction

from gmc import outbox
from gmc.models import OutboxMessage


def an_email(to: str) -> EmailMessage:
    return EmailMessage("Held", "Body\n.\nwith a lone dot", "from@example.org", [to])


def queue_committed(to: str, **kwargs) -> OutboxMessage:
    with transaction.atomic():
        return outbox.queue(kind="outbox.test", to=to, context={"note": "hello"}, **kwargs)


def test_the_backend_is_the_projects_whenever_smtp_is_configured(smtp_sink):
    backend = get_connection()
    assert type(backend).__module__ == "gmc.smtp"


def test_a_held_message_reaches_the_server_only_with_its_end(smtp_sink):
    backend = get_connection()
    backend.send_held(an_email("held@example.org"))
    assert backend.holding
    # The server has every line of it but the last: it has not received a message.
    assert smtp_sink.count() == 0
    backend.end_held()
    assert smtp_sink.count() == 1
    backend.send_held(an_email("second@example.org"))  # the same connection goes on
    backend.end_held()
    backend.close()
    assert [m["To"] for m in smtp_sink.messages] == ["held@example.org", "second@example.org"]
    # A line holding only a dot is part of the message, not its end.
    assert smtp_sink.messages[0].get_content().splitlines() == ["Body", ".", "with a lone dot"]


def test_the_few_bytes_that_end_a_message_leave_at_once(smtp_sink):
    # Nagle's algorithm would keep the end of each held message (and each command) back
    # until the server acknowledged the data: 40 ms a message with delayed
    # acknowledgements, a fifth of the rate the worker otherwise reaches (`make bench`).
    backend = get_connection()
    backend.send_held(an_email("quick@example.org"))
    sock = backend.connection.sock
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    backend.end_held()
    backend.close()
    assert smtp_sink.count() == 1


def test_an_abandoned_message_is_dropped_by_the_server(smtp_sink):
    backend = get_connection()
    backend.send_held(an_email("dropped@example.org"))
    backend.abandon_held()  # as a worker that dies: the connection closes mid-message
    backend.send_held(an_email("after@example.org"))
    backend.end_held()
    backend.close()
    assert [m["To"] for m in smtp_sink.messages] == ["after@example.org"]


@pytest.mark.django_db(transaction=True)
def test_the_row_is_committed_as_sent_before_the_server_has_the_message(smtp_sink):
    """Read from another connection when the server gets the message's end."""
    if connection.vendor != "postgresql":
        pytest.skip("read from a second connection; CI runs on PostgreSQL")
    seen = []

    def look(content: bytes) -> None:
        pk = int(message_from_bytes(content)["X-GMC-Message"])
        try:
            seen.append(OutboxMessage.objects.get(pk=pk).status)
        finally:
            connection.close()

    smtp_sink.on_message = look
    message = queue_committed(to="ordered@example.org")
    assert outbox.deliver(message.pk).status == OutboxMessage.Status.SENT
    assert seen == [OutboxMessage.Status.SENT]


@pytest.mark.django_db(transaction=True)
def test_a_refused_end_puts_the_message_back_with_its_secret(smtp_sink, settings):
    smtp_sink.refusals["code@example.org"] = ["451 4.3.0 Try again later"]
    message = queue_committed(to="code@example.org", sensitive=True)

    first = outbox.deliver(message.pk)
    message.refresh_from_db()
    assert (first.status, first.retry_in is not None) == (OutboxMessage.Status.PENDING, True)
    assert (message.status, message.sent_at, message.attempts) == ("pending", None, 1)
    assert "451" in message.last_error
    assert message.sealed_context  # still there for the next attempt
    assert smtp_sink.count() == 0

    assert outbox.deliver(message.pk).status == OutboxMessage.Status.SENT
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sealed_context) == ("sent", 2, "")
    assert [m["To"] for m in smtp_sink.messages] == ["code@example.org"]


@pytest.mark.django_db(transaction=True)
def test_a_refused_end_on_the_last_attempt_fails_the_message(smtp_sink, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    smtp_sink.refusals["spam@example.org"] = ["554 5.7.1 Rejected"]
    message = queue_committed(to="spam@example.org")
    assert outbox.deliver(message.pk).status == OutboxMessage.Status.FAILED
    message.refresh_from_db()
    assert (message.status, message.sent_at) == ("failed", None)
    assert outbox.deliver(message.pk) is None


@pytest.mark.django_db(transaction=True)
def test_an_end_never_answered_counts_as_sent_and_is_not_sent_again(smtp_sink):
    """The server has the whole message and hangs up: it may have taken it. Sending it
    again could send it twice."""
    smtp_sink.hang_up_on.add("silent@example.org")
    message = queue_committed(to="silent@example.org", sensitive=True)
    assert outbox.deliver(message.pk).status == OutboxMessage.Status.SENT
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("sent", outbox.UNCONFIRMED_NOTE)
    assert message.sealed_context == ""
    assert outbox.deliver(message.pk) is None
    outbox.sweep()
    assert smtp_sink.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_batch_goes_on_after_a_refused_end(smtp_sink):
    smtp_sink.refusals["first@example.org"] = ["452 4.2.2 Mailbox full"]
    ids = [queue_committed(to=f"{name}@example.org").pk for name in ("first", "second")]
    results = outbox.deliver_many(ids)
    assert [r.status for r in results] == ["pending", "sent"]
    assert [m["To"] for m in smtp_sink.messages] == ["second@example.org"]
