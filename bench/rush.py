"""The registration rush: many people registering at the same moment, through the form.

Each client is one person with a fresh account, signed in, in a browser of its own.
All of them first load their registration page together (the page-load figure, and
each keeps the form's CSRF token), then, released at once, post the form: in person on
an edition with few seats, or online. Counted afterwards in the database: everyone is
registered exactly once and no seat is oversold.
"""

from __future__ import annotations

import math
import statistics
import threading
import time
from dataclasses import dataclass, field

from .client import Browser, Response, find_form
from .data import create_accounts, create_edition
from .report import Row

RATIO_TARGET = 0.5  # registrations per second against page loads per second


@dataclass
class Rush:
    name: str
    clients: int
    attendance: str  # "in_person" or "online"
    seats: int | None
    year: int
    compare: bool = True  # the registrations/page loads target applies
    loads_per_client: int = 2


@dataclass
class Client:
    browser: Browser
    loads: list[float] = field(default_factory=list)
    load_errors: list[str] = field(default_factory=list)
    form_fields: list[tuple[str, str]] | None = None
    post_seconds: float | None = None
    post_status: int | None = None
    post_error: str = ""
    finished_at: float = 0.0


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank: a value somebody saw (of 64 values, p99 is the slowest)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def form_values(number: int, attendance: str) -> dict[str, str]:
    """What the person types and ticks on the registration form."""
    return {
        "attendance": attendance,
        "consent": "on",
        "given_name": "Bench",
        "family_name": f"Rush {number}",
        "country": "MX",
    }


def seat_count(rush: Rush, confirmed_in_person: int) -> tuple[int, bool]:
    """Seats given beyond the edition's, and whether every seat went to someone while
    people asked for one (none left empty while others wait)."""
    if rush.seats is None:
        return 0, True
    oversold = max(0, confirmed_in_person - rush.seats)
    if rush.attendance != "in_person":
        return oversold, confirmed_in_person == 0
    return oversold, confirmed_in_person == min(rush.seats, rush.clients)


def _ok(response: Response) -> bool:
    return 200 <= response.status < 400


def run(rush: Rush, port: int, say) -> Row:
    from django.conf import settings
    from django.utils import timezone

    from registration.models import Registration

    now = timezone.now()
    edition = create_edition(
        rush.year,
        capacity=rush.seats,
        published=True,
        now=now,
        title=f"GMC {rush.year} (benchmark rush)",
    )
    say(f"{rush.name}: {rush.clients} signed-in accounts")
    people = create_accounts(f"rush{rush.year}-", rush.clients, signed_in=True)
    clients = [
        Client(
            Browser(
                port,
                cookies={settings.SESSION_COOKIE_NAME: person.session_cookie},
                forwarded_for=f"198.18.{n // 250}.{n % 250 + 1}",
            )
        )
        for n, person in enumerate(people)
    ]
    path = f"/register/{rush.year}/"
    # Bounded: a client that never arrives breaks the barriers instead of hanging the run.
    start_loads = threading.Barrier(rush.clients + 1, timeout=300)
    loads_done = threading.Barrier(rush.clients + 1, timeout=300)
    start_posts = threading.Barrier(rush.clients + 1, timeout=300)

    def person(number: int, client: Client) -> None:
        start_loads.wait()
        try:
            load_pages(number, client)
        except Exception as error:  # counted as an error of the run
            client.load_errors.append(f"{type(error).__name__}: {error}")
        client.finished_at = time.perf_counter()
        loads_done.wait()
        start_posts.wait()
        try:
            post_form(client)
        except Exception as error:  # counted as an error of the run
            client.post_error = f"{type(error).__name__}: {error}"
        client.finished_at = time.perf_counter()

    def load_pages(number: int, client: Client) -> None:
        for _ in range(rush.loads_per_client):
            try:
                response = client.browser.get(path)
            except OSError as error:
                client.load_errors.append(type(error).__name__)
                continue
            client.loads.append(response.seconds)
            if not _ok(response):
                client.load_errors.append(str(response.status))
                continue
            form = find_form(response.text, having="attendance")
            if form is None:
                client.load_errors.append("no registration form")
                continue
            client.form_fields = form.filled(form_values(number, rush.attendance))

    def post_form(client: Client) -> None:
        if client.form_fields is None:
            client.post_error = "no form to send"
            return
        try:
            response = client.browser.post(path, client.form_fields, referer=path)
        except OSError as error:
            client.post_error = type(error).__name__
            return
        client.post_seconds = response.seconds
        client.post_status = response.status
        if response.status == 200:
            client.post_error = "the form came back (not registered)"
        elif not _ok(response):
            client.post_error = f"answered {response.status}"

    threads = [
        threading.Thread(target=person, args=(n, c), name=f"rush-{n}", daemon=True)
        for n, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    say(f"{rush.name}: page loads, then the rush")
    start_loads.wait()
    loads_started = time.perf_counter()
    loads_done.wait()
    loads_seconds = max(c.finished_at for c in clients) - loads_started
    time.sleep(0.5)  # let the page loads' last connections close
    start_posts.wait()
    posts_started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=300)
    posts_seconds = max(c.finished_at for c in clients) - posts_started

    load_count = sum(len(c.loads) for c in clients)
    load_rate = load_count / loads_seconds if loads_seconds > 0 else 0.0
    posted = [c for c in clients if c.post_seconds is not None]
    rate = len(posted) / posts_seconds if posts_seconds > 0 else 0.0
    errors = [c.post_error for c in clients if c.post_error] + [
        e for c in clients for e in c.load_errors
    ]

    registrations = Registration.objects.filter(edition=edition)
    registered = registrations.count()
    people_registered = registrations.values("attendee").distinct().count()
    confirmed_in_person = registrations.filter(
        attendance=Registration.Attendance.IN_PERSON, status=Registration.Status.CONFIRMED
    ).count()
    waiting = registrations.filter(status=Registration.Status.WAITING).count()
    oversold, seats_given = seat_count(rush, confirmed_in_person)
    missing = rush.clients - people_registered
    duplicates = registered - people_registered

    correct = not errors and not oversold and not missing and not duplicates and seats_given
    ratio = rate / load_rate if load_rate else 0.0
    fast = ratio >= RATIO_TARGET
    target = "0 oversold, 0 errors, all registered"
    if rush.compare:
        target = f"reg/s >= {RATIO_TARGET} x loads/s; " + target
    detail = [
        f"{people_registered}/{rush.clients} registered",
        f"oversold {oversold}",
        f"errors {len(errors)}",
    ]
    if rush.attendance == "in_person":
        detail.append(f"{confirmed_in_person} seats, {waiting} waiting")
    if duplicates:
        detail.append(f"{duplicates} duplicates")
    if errors:
        detail.append("first error: " + errors[0])
    post_times = [c.post_seconds * 1000 for c in posted]
    return Row(
        section="rush",
        what=rush.name,
        rate=rate,
        unit="reg/s",
        p50_ms=statistics.median(post_times) if post_times else None,
        p99_ms=percentile(post_times, 0.99),
        compared=f"{ratio:.2f} x {load_rate:.1f} loads/s",
        target=target,
        ok=correct and (fast or not rush.compare),
        correctness=not correct,
        detail=", ".join(detail),
        figures={
            "clients": rush.clients,
            "seats": rush.seats,
            "attendance": rush.attendance,
            "registrations_per_second": rate,
            "post_seconds": posts_seconds,
            "page_loads": load_count,
            "page_loads_per_second": load_rate,
            "page_load_p50_ms": statistics.median(
                [s * 1000 for c in clients for s in c.loads] or [0]
            ),
            "page_load_p99_ms": percentile([s * 1000 for c in clients for s in c.loads], 0.99),
            "ratio": ratio,
            "registered": people_registered,
            "duplicates": duplicates,
            "confirmed_in_person": confirmed_in_person,
            "waiting": waiting,
            "oversold": oversold,
            "errors": errors[:20],
            "error_count": len(errors),
        },
    )
