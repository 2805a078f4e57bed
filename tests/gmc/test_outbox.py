import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from gmc import outbox
from gmc.celery import app as celery_app
from gmc.models import OutboxMessage
from gmc.tasks import deliver_message
from tests.conftest import use_broker, wait_for
from tests.factories import UserFactory


def queue_committed(**kwargs) -> OutboxMessage:
    """Queue a message in a transaction of its own, as a service called by a view does."""
    kwargs.setdefault("kind", "outbox.test")
    kwargs.setdefault("context", {"note": "hello"})
    with transaction.atomic():
        return outbox.queue(**kwargs)


def received_by(sink, address: str) -> list:
    return [m for m in sink.messages if address in m["To"]]


def test_queue_same_key_twice_keeps_one_message(db):
    user = UserFactory()
    first = outbox.queue(kind="outbox.test", to=user, obj=user)
    second = outbox.queue(kind="outbox.test", to=user, obj=user)
    assert first.pk == second.pk
    assert OutboxMessage.objects.filter(to_email=user.email).count() == 1


def test_queue_records_what_each_message_is_about(db):
    user, other = UserFactory(), UserFactory()
    about_user = outbox.queue(kind="outbox.test", to=user, obj=other)
    outbox.queue_many(
        kind="outbox.test",
        obj=other,
        messages=[outbox.Outgoing(key="outbox.test|many", to=user, context={})],
    )
    about_nothing = outbox.queue(kind="outbox.test", to="a@example.org")
    assert OutboxMessage.objects.get(pk=about_user.pk).source == other
    assert OutboxMessage.objects.get(key="outbox.test|many").source == other
    assert OutboxMessage.objects.get(pk=about_nothing.pk).source is None


def test_queue_enqueues_only_on_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        outbox.queue(kind="outbox.test", to="a@example.org")
        outbox.queue(kind="outbox.test", to="a@example.org")  # same key: nothing more
    assert len(callbacks) == 1


def test_render_has_text_and_html_in_recipients_language(db):
    user = UserFactory(language="ar")
    message = outbox.queue(kind="outbox.test", to=user, context={"note": "<b>x</b>"})
    email = outbox.render(message)
    assert email.subject == "رسالة تجريبية من بوابة GMC"
    assert "فإن تسليم البريد الإلكتروني يعمل" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert 'lang="ar" dir="rtl"' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html  # context is escaped in HTML


@pytest.mark.delivery
def test_message_of_rolled_back_transaction_is_never_sent(celery_worker, smtp_sink):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.queue(kind="outbox.test", to="rolled-back@example.org")
        raise RuntimeError("the event failed")
    assert not OutboxMessage.objects.filter(to_email="rolled-back@example.org").exists()
    # Tasks run in order on the one worker: once a later message arrives, an enqueued
    # task for the rolled-back one would have run.
    queue_committed(to="sentinel@example.org")
    wait_for(lambda: received_by(smtp_sink, "sentinel@example.org"), message="no delivery")
    assert outbox.sweep() == 0
    assert [m["To"] for m in smtp_sink.messages] == ["sentinel@example.org"]


@pytest.mark.delivery
def test_message_is_delivered_by_worker_over_smtp(celery_worker, smtp_sink):
    message = queue_committed(to="delegate@example.org")
    wait_for(lambda: received_by(smtp_sink, "delegate@example.org"), message="not delivered")
    # The server has the email a moment before the worker's transaction commits.
    wait_for(
        lambda: OutboxMessage.objects.filter(pk=message.pk, status="sent").exists(),
        timeout=5,
        message="delivered but not marked sent",
    )
    message.refresh_from_db()
    assert message.sent_at is not None
    delivered = smtp_sink.messages[0]
    assert delivered["Subject"] == "Test message from the GMC portal"
    assert {part.get_content_type() for part in delivered.walk()} >= {"text/plain", "text/html"}


@pytest.mark.delivery
def test_send_task_run_twice_delivers_once(celery_worker, smtp_sink):
    message = queue_committed(to="twice@example.org")
    deliver_message.delay(message.pk)
    deliver_message.delay(message.pk)
    queue_committed(to="sentinel@example.org")
    wait_for(lambda: received_by(smtp_sink, "sentinel@example.org"), message="no delivery")
    assert len(received_by(smtp_sink, "twice@example.org")) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_deliver_once(smtp_sink):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; CI runs on it")
    smtp_sink.delay = 0.5  # hold the row lock long enough for the other to meet it
    message = queue_committed(to="race@example.org")
    barrier = threading.Barrier(4)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(outbox.deliver(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(received_by(smtp_sink, "race@example.org")) == 1
    assert sorted(r.status for r in results if r is not None) == ["sent"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1


@pytest.mark.delivery
def test_smtp_refusing_connections_is_retried_until_delivered(celery_worker, smtp_sink, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    smtp_sink.stop()  # the mail server is down: connections are refused
    message = queue_committed(to="patient@example.org")

    def failed_twice():
        message.refresh_from_db()
        return message.attempts >= 2

    wait_for(failed_twice, message="the worker did not retry")
    assert message.status == OutboxMessage.Status.PENDING
    assert "Connection" in message.last_error
    smtp_sink.start()
    wait_for(
        lambda: received_by(smtp_sink, "patient@example.org"),
        timeout=30,
        message="not delivered once the server was back",
    )

    def marked_sent():
        # The row is committed as sent just before the server takes the email; this test
        # process reads it a moment later.
        message.refresh_from_db()
        return message.status == OutboxMessage.Status.SENT

    wait_for(marked_sent, timeout=5, message="delivered but not marked sent")
    queue_committed(to="sentinel@example.org")
    wait_for(lambda: received_by(smtp_sink, "sentinel@example.org"), message="no delivery")
    assert len(received_by(smtp_sink, "patient@example.org")) == 1


def test_failures_end_in_failed_after_max_attempts(db, settings):
    settings.EMAIL_BACKEND = "gmc.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = outbox.queue(kind="outbox.test", to="nobody@example.org")
    first = outbox.deliver(message.pk)
    assert first.status == OutboxMessage.Status.PENDING
    assert first.retry_in == timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS)
    second = outbox.deliver(message.pk)
    assert second.status == OutboxMessage.Status.FAILED
    assert second.retry_in is None
    assert outbox.deliver(message.pk) is None  # failed for good: no more attempts


def test_missing_template_fails_at_once(db):
    message = outbox.queue(kind="no.such.kind", to="x@example.org")
    result = outbox.deliver(message.pk)
    assert result.status == OutboxMessage.Status.FAILED
    assert "TemplateDoesNotExist" in OutboxMessage.objects.get(pk=message.pk).last_error


def test_admin_send_again_requeues_failed_messages_only(
    db, client, django_capture_on_commit_callbacks, mailoutbox
):
    organiser = UserFactory(is_staff=True, is_superuser=True)
    failed = OutboxMessage.objects.create(
        key="k1",
        kind="outbox.test",
        template="outbox/test",
        to_email="f@example.org",
        status=OutboxMessage.Status.FAILED,
        attempts=8,
        last_error="boom",
    )
    sent = OutboxMessage.objects.create(
        key="k2",
        kind="outbox.test",
        template="outbox/test",
        to_email="s@example.org",
        status=OutboxMessage.Status.SENT,
        attempts=1,
    )
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("admin:gmc_outboxmessage_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "1 message queued again." in response.content.decode()
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts) == (OutboxMessage.Status.PENDING, 0)
    assert sent.status == OutboxMessage.Status.SENT
    assert len(callbacks) == 1
    outbox.deliver(failed.pk)
    assert [m.to for m in mailoutbox] == [["f@example.org"]]


def test_sweep_picks_only_overdue_pending_messages(db, settings):
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 60
    with time_machine.travel(timezone.now() - timedelta(minutes=5), tick=False):
        old = outbox.queue(kind="outbox.test", to="old@example.org")
        done = outbox.queue(kind="outbox.test", to="done@example.org")
    OutboxMessage.objects.filter(pk=done.pk).update(status=OutboxMessage.Status.SENT)
    outbox.queue(kind="outbox.test", to="fresh@example.org")
    assert list(outbox.due_messages()) == [old]


def test_sweep_hands_each_forgotten_message_out_once_per_grace_period(db, redis_url, settings):
    """A long queue being worked through is not flooded with copies of its messages."""
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 60
    with time_machine.travel(timezone.now() - timedelta(minutes=5), tick=False):
        for n in range(150):
            outbox.queue(kind="outbox.test", to=f"forgotten{n}@example.org")
    assert outbox.sweep() == 150
    assert outbox.sweep() == 0
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert outbox.sweep() == 150


@pytest.mark.django_db(transaction=True)
def test_sweep_leaves_alone_a_message_being_sent(redis_url, settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; CI runs on it")
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 60
    with time_machine.travel(timezone.now() - timedelta(minutes=5), tick=False):
        busy = queue_committed(to="busy@example.org")
        queue_committed(to="idle@example.org")
    locked, done = threading.Event(), threading.Event()

    def sending():
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=busy.pk)
                locked.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=sending)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        assert outbox.sweep() == 1
    finally:
        done.set()
        thread.join(timeout=30)
    busy.refresh_from_db()
    assert busy.next_attempt_at < timezone.now() - timedelta(minutes=4)


@pytest.mark.delivery
@pytest.mark.django_db(transaction=True)
def test_redis_down_when_enqueueing_then_sweep_delivers(
    private_redis, smtp_sink, settings, client
):
    """The request that caused a message succeeds with the broker down; the sweep sends
    the message once the broker is back."""
    from celery.contrib.testing.worker import start_worker

    settings.OUTBOX_SWEEP_AFTER_SECONDS = 0
    organiser = UserFactory(is_staff=True, is_superuser=True)
    failed = OutboxMessage.objects.create(
        key="k-redis",
        kind="outbox.test",
        template="outbox/test",
        to_email="later@example.org",
        status=OutboxMessage.Status.FAILED,
        attempts=8,
    )
    original_broker = celery_app.conf.broker_url
    use_broker(private_redis.url)
    try:
        # Redis is not running at all: connections are refused.
        with transaction.atomic():
            created = outbox.queue(kind="outbox.test", to="created@example.org")
        client.force_login(organiser)
        response = client.post(
            reverse("admin:gmc_outboxmessage_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk]},
        )
        assert response.status_code == 302
        assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == 2

        private_redis.start()
        use_broker(private_redis.url)
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=15):
            assert outbox.sweep() == 2
            wait_for(lambda: len(smtp_sink.messages) == 2, message="sweep did not deliver")
    finally:
        use_broker(original_broker)
    assert sorted(m["To"] for m in smtp_sink.messages) == [
        "created@example.org",
        "later@example.org",
    ]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert created.pk


def test_plain_text_part_is_not_html_escaped(db):
    message = outbox.queue(kind="outbox.test", to="t@example.org", context={"note": "Q&A <today>"})
    email = outbox.render(message)
    assert "Q&A <today>" in email.body
    assert "Q&amp;A &lt;today&gt;" in email.alternatives[0][0]


def test_sensitive_context_is_erased_once_sent(db, mailoutbox):
    secret = outbox.queue(
        kind="outbox.test", to="s@example.org", context={"note": "code 123456"}, sensitive=True
    )
    plain = outbox.queue(kind="outbox.test", to="p@example.org", context={"note": "hello"})
    outbox.deliver(secret.pk)
    outbox.deliver(plain.pk)
    assert "code 123456" in mailoutbox[0].body
    secret.refresh_from_db()
    plain.refresh_from_db()
    assert secret.context == {}
    assert plain.context == {"note": "hello"}
