"""The benchmark's own rows: editions far in the future, accounts at a reserved domain.

Everything it writes is removed before a run (what an interrupted run left) and after
it, so runs compare and the demo data stays as ``load_demo`` made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

BENCH_DOMAIN = "bench.invalid"  # reserved: nothing is ever delivered there for real
FIRST_BENCH_YEAR = 2190  # the benchmark's editions: 2190 and later


@dataclass
class Person:
    user_id: int
    email: str
    session_cookie: str


def clear_bench_rows() -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.sessions.models import Session

    from gmc.models import Edition, OutboxMessage, User
    from registration.models import Registration

    OutboxMessage.objects.filter(to_email__endswith=f"@{BENCH_DOMAIN}").delete()
    EmailAddress.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
    # Registrations protect their edition: they go first.
    Registration.objects.filter(edition__year__gte=FIRST_BENCH_YEAR).delete()
    Registration.objects.filter(attendee__email__endswith=f"@{BENCH_DOMAIN}").delete()
    Edition.objects.filter(year__gte=FIRST_BENCH_YEAR).delete()
    User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
    # Sessions name their user only inside their signed data: the database is the
    # benchmark's own, and no session in it outlives a run.
    Session.objects.all().delete()
    forget_unreadable_visa_details()


def forget_unreadable_visa_details() -> None:
    """Drop visa requests whose details this run's key cannot read (a database an earlier
    version of the benchmark filled under a key of its own run): they hold only the demo
    data, which load_demo then writes again under the database's key. Read and deleted
    without decrypting anything."""
    from documents.visa.encryption import UnreadableValue
    from documents.visa.models import VisaRequest

    unreadable = []
    for pk in VisaRequest.objects.values_list("pk", flat=True):
        try:
            VisaRequest.objects.get(pk=pk)
        except UnreadableValue:
            unreadable.append(pk)
    if unreadable:
        VisaRequest.objects.filter(pk__in=unreadable).only("pk").delete()


def create_edition(year: int, *, capacity: int | None, published: bool, now: datetime, title: str):
    """A hybrid edition with its registration open now and no extra questions."""
    from gmc.models import Edition

    return Edition.objects.create(
        year=year,
        title=title,
        theme="Benchmark",
        time_zone="America/Mexico_City",
        format=Edition.Format.HYBRID,
        venue="Main hall",
        city="Mexico City",
        country="MX",
        capacity=capacity,
        start_date=(now + timedelta(days=30)).date(),
        end_date=(now + timedelta(days=32)).date(),
        registration_opens_at=now - timedelta(days=30),
        registration_closes_at=now + timedelta(days=1),
        contact_email="secretariat@example.org",
        is_current=False,
        is_published=published,
    )


def create_accounts(prefix: str, count: int, *, signed_in: bool) -> list[Person]:
    """``count`` active accounts with a verified address (no password: they never sign
    in by form), each signed in by a session of its own when ``signed_in``."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.test import Client

    from gmc.models import User

    people = User.objects.bulk_create(
        [
            User(email=f"{prefix}{n}@{BENCH_DOMAIN}", full_name=f"Bench {prefix} {n}")
            for n in range(count)
        ],
        batch_size=2000,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people],
        batch_size=2000,
    )
    result = []
    for person in people:
        cookie = ""
        if signed_in:
            # What signing in leaves behind: a session in the database, with allauth's
            # record of it. The form itself is timed by the sign-up row.
            client = Client()
            client.force_login(person, backend=settings.AUTHENTICATION_BACKENDS[0])
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        result.append(Person(person.pk, person.email, cookie))
    return result
