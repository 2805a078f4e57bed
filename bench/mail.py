"""The reminder job at 10,000 recipients, and emails per second through one worker.

1. Reminder job: N verified, registered accounts and a due reminder rule of an
   unpublished edition of the benchmark's own; times ``reminders.send_due(now)`` (select
   the recipients, write their outbox rows, hand the delivery batches to the broker)
   and counts its SQL queries. Its deliveries are then dropped from the queue: no worker
   runs yet.
2. Emails: a real Celery worker (one sending process) and an SMTP server on loopback
   that counts what it receives for this run's recipients. M emails are queued with
   ``outbox.queue_many`` (the path of reminders and of messages to many people); the
   clock runs from their commit to the M-th message received.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from .data import BENCH_DOMAIN, create_accounts, create_edition
from .procs import HOST
from .report import Row

REMINDER_TARGET_SECONDS = 10.0
REMINDER_YEAR = 2199
READER_PREFIX = "reader"


class CountingSink:
    """An SMTP server on loopback that counts the messages for ``wanted`` recipients."""

    def __init__(self, port: int):
        self.port = port
        self.recipients: set[str] = set()
        self.count = 0
        self.others = 0
        self.wanted = 0
        self.reached_at: float | None = None
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._controller = None

    def expect(self, recipients: set[str]) -> None:
        with self._lock:
            self.recipients = {r.lower() for r in recipients}
            self.wanted = len(recipients)
            self.count = 0
            self.reached_at = None
            self.done.clear()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            ours = sum(1 for r in envelope.rcpt_tos if r.lower() in self.recipients)
            self.others += len(envelope.rcpt_tos) - ours
            self.count += ours
            if self.wanted and self.count >= self.wanted and not self.done.is_set():
                self.reached_at = time.perf_counter()
                self.done.set()
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname=HOST, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def purge_queue() -> int:
    """Drop the delivery tasks waiting in the broker (the benchmark's own Redis)."""
    from gmc.celery import app

    return app.control.purge()


def reminder_job(recipients: int, say) -> Row:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from gmc.models import OutboxMessage
    from mailings import reminders
    from mailings.models import ReminderRule
    from registration.models import Registration

    now = timezone.now()
    say(f"reminder job: {recipients} registered recipients")
    edition = create_edition(
        REMINDER_YEAR,
        capacity=recipients + 1,
        published=False,
        now=now,
        title=f"GMC {REMINDER_YEAR} (benchmark reminders)",
    )
    people = create_accounts(READER_PREFIX, recipients, signed_in=False)
    Registration.objects.bulk_create(
        [
            Registration(
                edition=edition,
                attendee_id=person.user_id,
                attendance=Registration.Attendance.ONLINE,
                status=Registration.Status.CONFIRMED,
                consent_at=now,
                confirmed_at=now,
            )
            for person in people
        ],
        batch_size=2000,
    )
    rule = ReminderRule(
        edition=edition,
        name="Registration closes in a day",
        event=ReminderRule.Event.REGISTRATION_CLOSES,
        offset=timedelta(days=1),
        audience=ReminderRule.Audience.REGISTERED,
        kind="reminders.registration_closing",
    )
    rule.full_clean()
    rule.save()
    try:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = reminders.send_due(now)
            seconds = time.perf_counter() - started
        ours = OutboxMessage.objects.filter(
            key__contains=f"gmc.reminderrule:{rule.pk}|", to_email__endswith=f"@{BENCH_DOMAIN}"
        ).count()
    finally:
        purge_queue()
        OutboxMessage.objects.filter(key__contains=f"gmc.reminderrule:{rule.pk}|").delete()
        rule.delete()
    complete = ours == recipients
    return Row(
        section="reminders",
        what=f"reminder job, {recipients:,} recipients",
        rate=seconds,
        unit="s",
        compared=f"{len(queries)} SQL queries",
        target=f"< {REMINDER_TARGET_SECONDS:.0f} s, every recipient queued",
        ok=seconds < REMINDER_TARGET_SECONDS and complete,
        correctness=not complete,
        detail=f"{ours}/{recipients} queued (all due rules: {result.queued})",
        figures={
            "seconds": seconds,
            "queries": len(queries),
            "queued_ours": ours,
            "queued_all_rules": result.queued,
            "recipients": recipients,
        },
    )


def email_throughput(count: int, timeout: float, sink: CountingSink, stack, memory, say) -> Row:
    """Emails per second through one worker, to ``count`` of the reminder job's readers."""
    from django.db import transaction

    from gmc import outbox
    from gmc.models import OutboxMessage, User
    from mailings.models import EmailCategory

    people = list(
        User.objects.filter(
            email__startswith=READER_PREFIX, email__endswith=f"@{BENCH_DOMAIN}"
        ).order_by("pk")[:count]
    )
    key_prefix = f"bench|{time.time_ns()}|"
    messages = [
        outbox.Outgoing(
            key=f"{key_prefix}user:{person.pk}",
            to=person,
            context={
                "name": person.full_name,
                "edition_title": f"GMC {REMINDER_YEAR}",
                "event": "Registration closes",
                "when": "1 January 2199, 5 p.m. (America/Mexico_City)",
                "zone": "America/Mexico_City",
                "action_url": "https://localhost/",
                "session_title": "",
                "contact_email": "secretariat@example.org",
            },
        )
        for person in people
    ]
    # What the rush and the sign-ups queued is not this figure's: dropped before the
    # worker starts (the sink counts only this run's readers all the same).
    purge_queue()
    sink.expect({person.email for person in people})
    say(f"emails: {len(messages)} through one Celery worker to an SMTP sink")
    worker = stack.start_worker()
    memory.watch("celery worker", stack.worker_processes)
    try:
        with transaction.atomic():
            outbox.queue_many(
                kind="reminders.registration_closing",
                messages=messages,
                category=EmailCategory.REMINDERS,
            )
            # The clock starts with the commit: the batches are handed over on it.
            started = time.perf_counter()
        complete = sink.done.wait(timeout)
        arrived_at = sink.reached_at if complete else time.perf_counter()
        received = sink.count
        memory.sample()
    finally:
        purge_queue()
        stack.stop_worker()
    del worker
    sent = OutboxMessage.objects.filter(
        key__startswith=key_prefix, status=OutboxMessage.Status.SENT
    ).count()
    seconds = arrived_at - started
    rate = received / seconds if seconds > 0 else 0.0
    correct = received >= len(messages)
    return Row(
        section="email",
        what=f"{len(messages):,} emails, one Celery worker",
        rate=rate,
        unit="emails/s",
        compared=f"{seconds:.1f} s in all",
        target="all delivered",
        ok=correct,
        correctness=not correct,
        detail=f"{received}/{len(messages)} received, {sent} marked sent"
        + ("" if complete else f", gave up after {timeout:.0f} s"),
        figures={
            "wanted": len(messages),
            "received": received,
            "marked_sent": sent,
            "seconds": seconds,
            "rate": rate,
        },
    )
