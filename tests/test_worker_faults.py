"""Workers die, schedulers run twice, the broker hands a task out again: each email is
still sent once.

Each test starts its own parts: a Redis server, real ``celery -A gmc worker`` and
``celery -A gmc beat`` processes with the project's settings pointed at it and at the
test database (tests/processes.py), and an SMTP server on loopback that counts what
each address receives.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
import redis
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from agenda import services as agenda_services
from agenda.models import MoveNotice, Star
from agenda.tasks import send_due_move_notices, send_move_notice_task
from gmc import outbox
from gmc.models import OutboxMessage, User
from gmc.tasks import deliver_batch, deliver_message, sweep_outbox
from mailings import services
from mailings.models import Broadcast, ReminderRule
from mailings.tasks import queue_broadcast_batch, send_due_reminders
from registration.accounts.services import delete_account
from registration.models import Registration
from tests.agenda.factories import SessionFactory
from tests.conftest import wait_for
from tests.declarations.factories import CallFactory, SubmissionFactory, call_with_topics
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory
from tests.registration.helpers import register

pytestmark = [
    pytest.mark.delivery,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="workers in other processes share PostgreSQL"
    ),
]

# A worker that starts after a crash catches up at once: the beat jobs that pick up
# what the dead worker left run every second instead of every minute.
CATCHING_UP = {
    "OUTBOX_SWEEP_EVERY_SECONDS": "1",
    "OUTBOX_SWEEP_AFTER_SECONDS": "10",
    "MESSAGES_RESUME_EVERY_SECONDS": "1",
}


def register_readers(edition, count: int) -> list[User]:
    now = timezone.now()
    people = User.objects.bulk_create(
        [User(email=f"reader{n}@example.org", full_name=f"Reader {n}") for n in range(count)]
    )
    Registration.objects.bulk_create(
        [
            Registration(
                edition=edition,
                attendee=person,
                attendance=Registration.Attendance.ONLINE,
                status=Registration.Status.CONFIRMED,
                consent_at=now,
                confirmed_at=now,
            )
            for person in people
        ]
    )
    return people


def being_queued(broadcast_id: int) -> bool:
    """Whether a worker holds the message's row, as it does while it writes a batch of
    its recipients to the outbox."""
    try:
        with transaction.atomic():
            Broadcast.objects.select_for_update(nowait=True).get(pk=broadcast_id)
    except DatabaseError:
        return True
    return False


def handed_out(worker) -> Counter:
    """How many times the worker received each delivery task (by task id)."""
    received = r"Task (gmc\.outbox\.deliver\S*\[[0-9a-f-]+\]) received"
    return Counter(re.findall(received, worker.output()))


def tasks_waiting(broker_url: str) -> int:
    """Tasks in the run's queue (its lists in Redis, one per priority)."""
    client = redis.Redis.from_url(broker_url)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    return sum(client.llen(key) for key in client.scan_iter(f"{queue}*"))


RECIPIENTS = 2000


@pytest.mark.parametrize(
    "moment",
    [
        "while-the-server-answers",
        "while-recipients-are-queued",
    ],
)
def test_a_worker_killed_mid_message_leaves_each_recipient_exactly_one_email(
    celery_processes, smtp_sink, private_redis, moment
):
    """The worker (its main process and pool children) is SIGKILLed half-way through a
    message to 2,000 people: at the worst moment for each stage, either while the SMTP
    server holds an email it has fully received but not yet answered, or while a batch
    of recipients is being written to the outbox. A new worker, with the beat jobs that
    catch up, sends the rest: every address gets the message exactly once (but for the
    one case below, where an email can be lost and is never doubled)."""
    edition = EditionFactory(year=2030)
    people = register_readers(edition, RECIPIENTS)
    broadcast = Broadcast.objects.create(edition=edition, subject="Moved", body="Room B.")
    if moment == "while-the-server-answers":
        smtp_sink.hold_reply_to = people[RECIPIENTS // 2].email
    first = celery_processes.worker("first")
    with transaction.atomic():
        services.start_sending(broadcast.pk, by=None)

    if moment == "while-the-server-answers":
        assert smtp_sink.holding.wait(timeout=300), "the held address was never sent to"
    else:
        wait_for(
            lambda: smtp_sink.count() > 0 and being_queued(broadcast.pk),
            timeout=120,
            interval=0.01,
            message="no batch of recipients was being queued while emails went out",
        )
    first.kill()
    killed_at = timezone.now()
    smtp_sink.release.set()
    received_before = smtp_sink.count()
    queued_before = broadcast.outbox_messages.count()
    assert 0 < received_before < RECIPIENTS, "the kill did not land mid-way"
    if moment == "while-recipients-are-queued":
        assert queued_before < RECIPIENTS
        assert Broadcast.objects.get(pk=broadcast.pk).status == Broadcast.Status.SENDING

    second = celery_processes.worker("second", **CATCHING_UP)
    beat = celery_processes.beat("beat", **CATCHING_UP)

    def everyone_sent() -> bool:
        sent = broadcast.outbox_messages.filter(status=OutboxMessage.Status.SENT)
        return (
            sent.count() == RECIPIENTS
            and Broadcast.objects.get(pk=broadcast.pk).status == Broadcast.Status.QUEUED
        )

    wait_for(everyone_sent, timeout=300, interval=0.5, message="the message was not finished")
    beat.stop()
    # Every copy the catching up handed out has run (and sent nothing more).
    wait_for(lambda: tasks_waiting(private_redis.url) == 0, timeout=120, interval=0.5)
    second.stop()

    received = smtp_sink.per_address()
    if moment == "while-the-server-answers":
        assert received == {person.email: 1 for person in people}
        return
    # A kill that lands while the worker is also sending can fall inside the COMMIT's
    # round trip to PostgreSQL: that row is committed as sent and the line ending its
    # message never leaves, so that one email is lost, never doubled (docs/architecture.md,
    # "Email, once"). Nobody gets two, and only a message being sent at the kill (one per
    # pool process) can be missing, its row committed as sent before the kill.
    assert max(received.values()) == 1
    missing = {person.email for person in people} - set(received)
    assert len(missing) <= 2, f"{len(missing)} recipients got nothing"
    for address in missing:
        row = broadcast.outbox_messages.get(to_email=address)
        assert row.status == OutboxMessage.Status.SENT
        assert row.sent_at < killed_at


def verified_participant(edition, n: int, **registration) -> User:
    person = User.objects.create(email=f"participant{n}@example.org", full_name=f"Person {n}")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    RegistrationFactory(edition=edition, attendee=person, **registration)
    return person


def rule(edition, name: str, event: str, audience: str, kind: str, moment, event_at):
    """A rule whose own subject names it, firing at ``moment`` before ``event_at``."""
    made = ReminderRule(
        edition=edition,
        name=name,
        event=event,
        offset=event_at - moment,
        audience=audience,
        kind=kind,
        subject=f"Reminder {name}",
        text="Hello {{ name }}.",
    )
    made.full_clean()
    made.save()
    return made


def received_subjects(sink) -> Counter:
    return Counter((m["To"], m["Subject"]) for m in sink.messages)


def test_two_schedulers_at_once_send_each_reminder_once_per_recipient(
    celery_processes, smtp_sink, private_redis
):
    """Two ``celery beat`` processes (a deploy overlapping the old release) both run the
    reminder job every second, for what are twenty minutes of a scheduler's life, while
    reminders fall due before, during and after: each recipient gets each once. Every
    run after the first finds the keys written (the unique keys at work); runs that
    meet find the advisory lock taken."""
    now = timezone.now()
    edition = EditionFactory(
        year=2030,
        registration_closes_at=now + timedelta(days=1),
        declaration_deadline=now + timedelta(days=2),
    )
    call = CallFactory(edition=edition)
    confirmed = [verified_participant(edition, n) for n in range(12)]
    waiting = [
        verified_participant(edition, n, status=Registration.Status.WAITING) for n in range(12, 16)
    ]
    for person in confirmed[:3]:
        SubmissionFactory(call=call, contributor=person)
    first, second = (
        SessionFactory(edition=edition, starts_at=now + timedelta(hours=1, seconds=seconds))
        for seconds in (15, 25)
    )
    for person in confirmed[:6]:
        Star.objects.create(user=person, session=first)
    for person in confirmed[3:9]:
        Star.objects.create(user=person, session=second)

    fast = {"REMINDERS_EVERY_SECONDS": "1"}
    worker = celery_processes.worker("worker", **fast)
    # Started together: their runs fall at the same moments, the worst case.
    schedulers = celery_processes.beats("beat-old", "beat-new", **fast)

    start = timezone.now()
    closes, deadline = edition.registration_closes_at, edition.declaration_deadline
    Event, Audience = ReminderRule.Event, ReminderRule.Audience
    rule(
        edition,
        "due already",
        Event.REGISTRATION_CLOSES,
        Audience.REGISTERED,
        "reminders.registration_closing",
        start - timedelta(minutes=2),
        closes,
    )
    rule(
        edition,
        "due in 3 s",
        Event.REGISTRATION_CLOSES,
        Audience.CONFIRMED,
        "reminders.registration_closing",
        start + timedelta(seconds=3),
        closes,
    )
    rule(
        edition,
        "due in 9 s",
        Event.DECLARATION_CLOSES,
        Audience.WITHOUT_SUBMISSION,
        "reminders.declaration_closing",
        start + timedelta(seconds=9),
        deadline,
    )
    rule(
        edition,
        "sessions",
        Event.SESSION_STARTS,
        Audience.STARRED,
        "reminders.session_starting",
        first.starts_at - timedelta(hours=1),
        first.starts_at,
    )
    rule(
        edition,
        "not yet",
        Event.REGISTRATION_CLOSES,
        Audience.REGISTERED,
        "reminders.registration_closing",
        start + timedelta(hours=1),
        closes,
    )

    registered = confirmed + waiting
    expected = Counter(
        [(p.email, "Reminder due already") for p in registered]
        + [(p.email, "Reminder due in 3 s") for p in confirmed]
        + [(p.email, "Reminder due in 9 s") for p in registered[3:]]
        + [(p.email, "Reminder sessions") for p in confirmed[:6] + confirmed[3:9]]
    )
    # Twenty runs of each scheduler; the last reminder falls due half-way through.
    until = start + timedelta(seconds=20)
    wait_for(
        lambda: timezone.now() > until and smtp_sink.count() >= sum(expected.values()),
        timeout=120,
        interval=0.5,
        message="the reminders did not all arrive",
    )
    for scheduler in schedulers:
        scheduler.stop()
    wait_for(lambda: tasks_waiting(private_redis.url) == 0, timeout=60, interval=0.5)
    worker.stop()

    assert received_subjects(smtp_sink) == expected
    for scheduler in schedulers:
        # Each scheduler really ran the job all along, a run a second.
        assert scheduler.output().count("Sending due task reminders-send-due") >= 15


def test_a_task_outliving_the_visibility_timeout_sends_once(
    celery_processes, smtp_sink, private_redis
):
    """Redis hands a task to another worker process when it has not been acknowledged
    within the visibility timeout (one second here) although it still runs: a slow
    server keeps a single email's task busy before its end (the row is locked), another's
    after it (the row is sent), and a batch's for seconds. Each email arrives once."""
    smtp_sink.slow_recipients["before-the-end@example.org"] = 8
    smtp_sink.hold_reply_to = "after-the-end@example.org"
    # A third process is free to run the copies while two are busy.
    worker = celery_processes.worker("worker", concurrency=3, CELERY_VISIBILITY_TIMEOUT="1")
    with transaction.atomic():
        for name in ("before-the-end", "after-the-end"):
            outbox.queue(kind="outbox.test", to=f"{name}@example.org", context={"note": ""})
    assert smtp_sink.holding.wait(timeout=120)

    def both_handed_out_again() -> bool:
        singles = [n for task, n in handed_out(worker).items() if "deliver[" in task]
        return len(singles) == 2 and min(singles) >= 2

    wait_for(both_handed_out_again, timeout=60, message="Redis did not hand them out again")
    smtp_sink.release.set()

    smtp_sink.delay = 0.3  # twenty emails: a batch's task runs for six seconds
    edition = EditionFactory(year=2030)
    people = register_readers(edition, 20)
    broadcast = Broadcast.objects.create(edition=edition, subject="Moved", body="Room B.")
    with transaction.atomic():
        services.start_sending(broadcast.pk, by=None)
    wait_for(
        lambda: (
            broadcast.outbox_messages.filter(status=OutboxMessage.Status.SENT).count() == 20
            and OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == 0
        ),
        timeout=120,
        interval=0.5,
    )
    wait_for(lambda: tasks_waiting(private_redis.url) == 0, timeout=60, interval=0.5)
    worker.stop()

    batches = [n for task, n in handed_out(worker).items() if "deliver_batch" in task]
    assert max(batches) >= 2, "the batch was not handed out again while it ran"
    assert smtp_sink.per_address() == {
        "before-the-end@example.org": 1,
        "after-the-end@example.org": 1,
        **{person.email: 1 for person in people},
    }


def test_every_kind_of_email_is_sent_once_however_often_its_tasks_run(
    celery_processes, smtp_sink, private_redis, client, settings, fresh_cache
):
    """Each automatic email, caused the way the portal causes it (a registration, a
    declaration sent from its page, a sign-up, an account deleted, a session moved, a
    reminder due, a message to participants), while every task that queues or sends it
    is published again and again, before and after, to two workers of two processes
    each, and a slow server keeps each send open: each arrives once."""
    settings.AGENDA_MOVE_NOTICE_DELAY_SECONDS = 1
    now = timezone.now()
    edition = EditionFactory(
        year=2030, is_current=True, registration_closes_at=now + timedelta(days=1)
    )
    call = call_with_topics(edition=edition)
    attendee = UserFactory(email="attendee@example.org")
    EmailAddress.objects.create(user=attendee, email=attendee.email, verified=True, primary=True)
    with transaction.atomic():
        register(edition, attendee)
    client.force_login(attendee)
    topic = call.topics.first()
    answer = {"quote_consent": "anonymous", "action": "submit", f"topic_{topic.pk}": "Reach."}
    assert client.post(reverse("declarations:submit"), answer).status_code == 302
    client.logout()
    password = "correct horse battery staple"
    signup = {"email": "newcomer@example.org", "password1": password, "password2": password}
    assert client.post(reverse("account_signup"), signup).status_code == 302
    leaving = UserFactory(email="leaving@example.org")
    delete_account(leaving.pk)
    session = SessionFactory(edition=edition)
    Star.objects.create(user=attendee, session=session)
    agenda_services.shift_sessions([session.pk], 30, by=None)
    rule(
        edition,
        "closing",
        ReminderRule.Event.REGISTRATION_CLOSES,
        ReminderRule.Audience.CONFIRMED,
        "reminders.registration_closing",
        now - timedelta(minutes=1),
        edition.registration_closes_at,
    )
    broadcast = Broadcast.objects.create(edition=edition, subject="Moved", body="Room B.")
    with transaction.atomic():
        services.start_sending(broadcast.pk, by=None)
    kinds = dict(OutboxMessage.objects.values_list("pk", "kind"))

    def publish_every_task_again() -> None:
        ids = list(OutboxMessage.objects.values_list("pk", flat=True))
        for _ in range(2):
            for pk in ids:
                deliver_message.delay(pk)
            deliver_batch.delay(ids)
            sweep_outbox.delay()
            for notice in MoveNotice.objects.all():
                send_move_notice_task.delay(notice.pk)
            send_due_move_notices.delay()
            send_due_reminders.delay()
            queue_broadcast_batch.delay(broadcast.pk)

    publish_every_task_again()
    smtp_sink.delay = 0.2
    workers = [celery_processes.worker(name) for name in ("a", "b")]

    def all_done() -> bool:
        return (
            not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
            and not MoveNotice.objects.filter(sent_at__isnull=True).exists()
            and OutboxMessage.objects.filter(kind__startswith="reminders.").exists()
            and tasks_waiting(private_redis.url) == 0
        )

    wait_for(all_done, timeout=120, interval=0.5, message="the emails were not all sent")
    kinds.update(OutboxMessage.objects.values_list("pk", "kind"))
    publish_every_task_again()  # again, now that every row is sent
    wait_for(lambda: tasks_waiting(private_redis.url) == 0, timeout=60, interval=0.5)
    for worker in workers:
        worker.stop()

    received = Counter(int(m["X-GMC-Message"]) for m in smtp_sink.messages)
    assert received == dict.fromkeys(kinds, 1)
    by_person = Counter((m["To"], kinds[int(m["X-GMC-Message"])]) for m in smtp_sink.messages)
    assert set(by_person.values()) == {1}
    assert {kind for _to, kind in by_person} == {
        "registration.confirmed",
        "declarations.receipt",
        "account.email_confirmation_signup",
        "account.deleted",
        "agenda.sessions_moved",
        "reminders.registration_closing",
        "messages.broadcast",
    }
