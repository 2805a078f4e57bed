"""The reminder job at 10,000 recipients, and emails per second through one worker.

1. Reminder job: N verified, registered accounts and a due reminder rule of an unpublished
   edition of the benchmark's own; times ``reminders.send_due(now)`` (select the
   recipients, write their outbox rows, hand the delivery batches to the broker) and
   counts its SQL queries. The target is under 10 seconds with a fixed number of
   queries, not one per recipient.
2. Email throughput: an SMTP server on a free loopback port that only counts what it
   receives, and ONE Celery worker (in-process, solo pool) on a queue of this run's own
   on Redis. M emails are queued with ``outbox.queue_many`` (the path of the reminder
   job and of messages to many people: batches sent over one SMTP connection each);
   the clock runs from their commit to the M-th message received. Skipped, with the
   reason, when Redis does not answer.

    .venv/bin/python bench/messaging.py [--recipients 10000] [--emails 2000] [--timeout 300]
                                        [--strict]

The database is ``BENCH_DATABASE_URL`` (default: a ``gmc_bench`` PostgreSQL database on
loopback, created when missing, else SQLite under var/bench/), migrated first. Rows of an
earlier run are removed before the run and this run's rows after it, so runs compare.
Only ever talks to 127.0.0.1; stops the SMTP server and the worker it started.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path, where bench/agenda.py would
# hide the project's ``agenda`` app: import from the project root instead.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

HOST = "127.0.0.1"
BENCH_DOMAIN = "bench.invalid"  # reserved: nothing is ever delivered there for real
BENCH_YEAR = 2199
BENCH_KEY_PREFIX = "bench|"
TARGET_SECONDS = 10.0


def _shared():
    """The database and network helpers of bench/agenda.py (one source for both)."""
    spec = importlib.util.spec_from_file_location("bench_agenda", ROOT / "bench" / "agenda.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CountingSink:
    """An SMTP server on loopback that counts the messages it accepts."""

    def __init__(self, port: int, wanted: int):
        self.port = port
        self.wanted = wanted
        self.count = 0
        self.reached_at: float | None = None
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            self.count += 1
            if self.count == self.wanted:
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


def configure(shared, smtp_port: int) -> bool:
    """Environment for Django and Celery, set before ``django.setup()``. Returns whether
    Redis answers (the broker of the email part)."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "gmc.settings",
            "DATABASE_URL": shared.database_url(),
            "DEBUG": "1",
            "LOG_LEVEL": "WARNING",
            "GMC_VAR_DIR": str(ROOT / "var" / "bench"),
            # A queue and cache keys of this run's own: no other worker takes its tasks.
            "CELERY_QUEUE": f"gmc-bench-{uuid.uuid4().hex[:12]}",
            "CACHE_KEY_PREFIX": f"gmc-bench-{uuid.uuid4().hex[:8]}",
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_USE_SSL": "0",
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": "10",
        }
    )
    os.environ.pop("EMAIL_URL", None)
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3")
    if shared.reachable(redis, 6379):
        os.environ["REDIS_URL"] = redis
        return True
    os.environ.pop("REDIS_URL", None)
    return False


def clear_bench_rows() -> None:
    """Remove what a run of this benchmark wrote (its accounts, edition and emails)."""
    from allauth.account.models import EmailAddress

    from gmc.models import Edition, OutboxMessage, User
    from registration.models import Registration

    OutboxMessage.objects.filter(to_email__endswith=f"@{BENCH_DOMAIN}").delete()
    EmailAddress.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
    # Registrations protect their edition: they go first.
    Registration.objects.filter(edition__year=BENCH_YEAR).delete()
    Edition.objects.filter(year=BENCH_YEAR).delete()
    User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()


def create_accounts(count: int, now: datetime) -> tuple:
    """``count`` active accounts with a verified address, confirmed for the bench edition,
    and the bench edition itself (unpublished, so no page ever shows it)."""
    from allauth.account.models import EmailAddress

    from gmc.models import Edition, User
    from registration.models import Registration

    edition = Edition.objects.create(
        year=BENCH_YEAR,
        title=f"GMC {BENCH_YEAR} (benchmark)",
        theme="Benchmark",
        time_zone="America/Mexico_City",
        format=Edition.Format.HYBRID,
        venue="Main hall",
        city="Mexico City",
        country="MX",
        capacity=count + 1,
        start_date=(now + timedelta(days=30)).date(),
        end_date=(now + timedelta(days=32)).date(),
        registration_opens_at=now - timedelta(days=30),
        # The one-day reminder of this deadline is due now.
        registration_closes_at=now + timedelta(days=1),
        contact_email="secretariat@example.org",
        is_current=False,
        is_published=False,
    )
    people = User.objects.bulk_create(
        [User(email=f"reader{n}@{BENCH_DOMAIN}", full_name=f"Reader {n}") for n in range(count)],
        batch_size=2000,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people],
        batch_size=2000,
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
        ],
        batch_size=2000,
    )
    return edition, people


def purge_queue() -> int:
    """Drop the delivery tasks the reminder job handed to the broker: no worker of this
    run is meant to send those."""
    from gmc.celery import app

    return app.control.purge()


def drop_queue() -> None:
    """Remove this run's queue (and its binding) from the broker."""
    from gmc.celery import app

    queue = app.amqp.queues[app.conf.task_default_queue]
    with app.connection_for_write() as connection:
        bound = queue(connection.default_channel)
        # A fresh channel knows no bindings to remove; declaring the queue teaches it them.
        bound.declare()
        bound.delete()


def bench_reminders(count: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from gmc.models import OutboxMessage
    from mailings import reminders
    from mailings.models import ReminderRule

    now = timezone.now()
    clear_bench_rows()
    edition, _ = create_accounts(count, now)
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
        # Only this rule's rows: a demo rule that happened to be due as well wrote what
        # the scheduler would have written anyway (and is counted apart in the report).
        OutboxMessage.objects.filter(key__contains=f"gmc.reminderrule:{rule.pk}|").delete()
        rule.delete()
    return {
        "queued": result.queued,
        "ours": ours,
        "seconds": seconds,
        "queries": len(queries),
    }


def bench_emails(wanted: int, timeout: float, sink: CountingSink) -> dict:
    from celery.contrib.testing.worker import start_worker
    from django.db import transaction

    from gmc import outbox
    from gmc.celery import app
    from gmc.models import OutboxMessage, User
    from mailings.models import EmailCategory

    people = list(User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").order_by("pk")[:wanted])
    run = uuid.uuid4().hex[:8]
    messages = [
        outbox.Outgoing(
            key=f"{BENCH_KEY_PREFIX}{run}|user:{person.pk}",
            to=person,
            context={
                "name": person.full_name,
                "edition_title": f"GMC {BENCH_YEAR}",
                "event": "Registration closes",
                "when": "1 January 2199, 5 p.m. (America/Mexico_City)",
                "zone": "America/Mexico_City",
                "action_url": "http://127.0.0.1/",
                "session_title": "",
                "contact_email": "secretariat@example.org",
            },
        )
        for person in people
    ]
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        with transaction.atomic():
            outbox.queue_many(
                kind="reminders.registration_closing",
                messages=messages,
                category=EmailCategory.REMINDERS,
            )
            # The clock starts with the commit: the batches are handed over on it.
            started = time.perf_counter()
        # Bounded: after the timeout, report what arrived by then.
        arrived_at = sink.reached_at if sink.done.wait(timeout) else time.perf_counter()
        received = sink.count
        # Tasks not yet taken are dropped so the worker stops promptly.
        purge_queue()
    sent = OutboxMessage.objects.filter(
        key__startswith=f"{BENCH_KEY_PREFIX}{run}|", status=OutboxMessage.Status.SENT
    ).count()
    seconds = arrived_at - started
    return {
        "wanted": len(messages),
        "received": received,
        "marked_sent": sent,
        "seconds": seconds,
        "rate": received / seconds if seconds > 0 else 0.0,
        "complete": received >= len(messages),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000, help="of the reminder job")
    parser.add_argument("--emails", type=int, default=2000, help="delivered through the worker")
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for the emails"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when the reminder job misses its target"
    )
    args = parser.parse_args()
    args.recipients = max(1, min(args.recipients, 100_000))
    args.emails = max(1, min(args.emails, 20_000, args.recipients))
    args.timeout = max(1.0, min(args.timeout, 900.0))

    shared = _shared()
    sink = CountingSink(shared.free_port(), wanted=args.emails)
    with_redis = configure(shared, sink.port)

    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    print(f"Preparing the database ({connection.vendor})")
    call_command("migrate", interactive=False, verbosity=0)
    try:
        print(f"Reminder job: {args.recipients} registered recipients of one due rule")
        job = bench_reminders(args.recipients)
        verdict = "meets" if job["seconds"] < TARGET_SECONDS else "misses"
        print(f"  recipients queued: {job['ours']} (all rules due: {job['queued']})")
        print(f"  seconds:           {job['seconds']:8.2f} ({verdict} the 10 s target)")
        print(f"  SQL queries:       {job['queries']:8d}")

        if not with_redis:
            print("Email throughput: skipped, Redis does not answer on loopback (the broker)")
        else:
            print(f"Email throughput: {args.emails} emails, one worker, SMTP sink on :{sink.port}")
            sink.start()
            try:
                emails = bench_emails(args.emails, args.timeout, sink)
            finally:
                sink.stop()
            if not emails["complete"]:
                print(f"  gave up after {args.timeout:.0f} s")
            print(f"  received:          {emails['received']} of {emails['wanted']}")
            print(f"  marked sent:       {emails['marked_sent']}")
            print(f"  seconds:           {emails['seconds']:8.2f}")
            print(f"  emails per second: {emails['rate']:8.1f}")
    finally:
        clear_bench_rows()
        drop_queue()
    return 1 if args.strict and job["seconds"] >= TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
