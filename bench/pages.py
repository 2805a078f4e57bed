"""The anonymous public pages against the floor view, in interleaved rounds.

Each page is measured by wrk at 32 connections between two rounds of the floor view, and
compared with the mean of those two: whatever else the machine does at that moment
weighs on both. Every address is first fetched once and must answer 200 with the
expected type (a redirect would otherwise pass for a fast page).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from .client import BROWSER_HEADERS, PROXY_HEADERS, Browser, Load, wrk
from .report import Row

FLOOR = "/_floor/"
SHARE_TARGET = 0.8
P99_TARGET_MS = 50.0
HTML, CALENDAR = "text/html", "text/calendar"


@dataclass
class Page:
    name: str
    path: str
    kind: str = HTML
    problem: str = ""
    loads: list[Load] = field(default_factory=list)
    floors: list[float] = field(default_factory=list)  # the floor's rate around each round


# (name, address or how to find it: the page to read and the link to take from it)
LINKED = {
    "news item": ("/news/", r'href="(/news/[a-z0-9_-]+/)"'),
    "speaker": ("/speakers/", r'href="(/speakers/[a-z0-9_-]+/)"'),
    "session": ("/agenda/2025/", r'href="(/agenda/session/[a-z0-9_-]+/)"'),
}


def public_pages(browser: Browser) -> list[Page]:
    """The pages of the table, with one news item, speaker and session taken from the
    links a visitor would follow."""
    found: dict[str, str] = {}
    problems: dict[str, str] = {}
    for name, (listing, pattern) in LINKED.items():
        response = browser.get(listing)
        match = re.search(pattern, response.text) if response.status == 200 else None
        if match:
            found[name] = match.group(1)
        else:
            problems[name] = f"no link on {listing} ({response.status})"
    session = found.get("session", "/agenda/session/-/")
    pages = [
        Page("home", "/"),
        Page("about", "/about/"),
        Page("editions", "/editions/"),
        Page("edition 2025", "/editions/2025/"),
        Page("alliance", "/alliance/"),
        Page("publications", "/publications/"),
        Page("news", "/news/"),
        Page("news item", found.get("news item", "/news/-/")),
        Page("programme 2025", "/agenda/2025/"),
        Page("speakers", "/speakers/"),
        Page("speaker", found.get("speaker", "/speakers/-/")),
        Page("session", session),
        Page("programme 2025 .ics", "/agenda/2025.ics", CALENDAR),
        Page("current programme .ics", "/agenda.ics", CALENDAR),
        Page("session .ics", session.rstrip("/") + ".ics", CALENDAR),
    ]
    for page in pages:
        page.problem = problems.get(page.name, "")
    return pages


def probe(browser: Browser, page: Page, warm: int = 5) -> None:
    """Check the address answers as a page should, and warm the workers and caches."""
    if page.problem:
        return
    for _ in range(warm):
        response = browser.get(page.path)
        kind = response.header("Content-Type")
        if response.status != 200:
            location = response.header("Location")
            page.problem = f"answers {response.status}" + (f" to {location}" if location else "")
            return
        if not kind.startswith(page.kind):
            page.problem = f"answers {kind!r}, not {page.kind}"
            return


def measure(
    base_url: str,
    pages: list[Page],
    *,
    seconds: float,
    passes: int,
    connections: int,
    headers: dict[str, str],
    say: Callable[[str], None],
    settle: Callable[[], None],
    between: Callable[[str], None] | None = None,
) -> list[Load]:
    """Floor, page, floor, page, ... floor, ``passes`` times (every other pass in the
    reverse order). Returns the floor's rounds; each page keeps its own. ``settle``
    runs after each round: it waits until the server is done with that round's requests,
    so that the next round does not pay for them; ``between`` then reads what the round
    left (nginx's log)."""
    floors: list[Load] = []
    runnable = [page for page in pages if not page.problem]
    settle()

    def round_of(path: str) -> Load:
        load = wrk(base_url + path, seconds=seconds, connections=connections, headers=headers)
        settle()
        if between is not None:
            between(path)
        return load

    for number in range(passes):
        order = runnable if number % 2 == 0 else list(reversed(runnable))
        say(f"pass {number + 1} of {passes}: {len(order)} pages between floor rounds")
        before = round_of(FLOOR)
        floors.append(before)
        for page in order:
            load = round_of(page.path)
            after = round_of(FLOOR)
            floors.append(after)
            page.loads.append(load)
            page.floors.append((before.rate + after.rate) / 2)
            before = after
    return floors


def headers_for_wrk() -> dict[str, str]:
    return {**PROXY_HEADERS, **BROWSER_HEADERS}


def floor_row(section: str, floors: list[Load], note: str = "") -> Row:
    requests = sum(load.requests for load in floors)
    seconds = sum(load.seconds for load in floors)
    errors = sum(load.error_count for load in floors)
    rates = [load.rate for load in floors]
    if rates:
        # How much the machine's other work moved the reference during the run.
        spread = f"rounds {min(rates):.0f}-{max(rates):.0f} req/s"
        note = f"{note}; {spread}" if note else spread
    return Row(
        section=section,
        what=f"floor {FLOOR}",
        rate=requests / seconds if seconds else 0.0,
        unit="req/s",
        p50_ms=statistics.median(load.p50_ms for load in floors) if floors else None,
        p99_ms=max((load.p99_ms for load in floors), default=None),
        compared="reference",
        detail=(note + (f"; {errors} errors" if errors else "")).strip("; "),
        figures={
            "rounds": len(floors),
            "requests": requests,
            "seconds": seconds,
            "errors": errors,
            "rates": [load.rate for load in floors],
        },
    )


NOISE_FACTOR = 1.5


def floor_noise(section: str, floors: list[Load]) -> str | None:
    """A warning when the floor itself moved much during the run (other work on the
    machine, or the machine's own variance): each page's share is then only as good as
    the rounds around it."""
    rates = [load.rate for load in floors]
    if not rates:
        return None
    low, high = min(rates), max(rates)
    if low > 0 and high / low <= NOISE_FACTOR:
        return None
    return (
        f"{section}: the floor ranged from {low:.0f} to {high:.0f} req/s between rounds; "
        "the machine's speed varied during the run, so each share is only as good as the "
        "floor rounds around it"
    )


def page_row(section: str, page: Page, extra: str = "", direct_rate: float | None = None) -> Row:
    target = f"share >= {SHARE_TARGET}, p99 < {P99_TARGET_MS:.0f} ms"
    what = f"{page.name} {page.path}"
    if page.problem or not page.loads:
        return Row(
            section,
            what,
            target=target,
            ok=False,
            correctness=True,
            detail=page.problem or "not measured",
        )
    requests = sum(load.requests for load in page.loads)
    seconds = sum(load.seconds for load in page.loads)
    rate = requests / seconds if seconds else 0.0
    floor = statistics.mean(page.floors)
    share = rate / floor if floor else 0.0
    p50 = statistics.median(load.p50_ms for load in page.loads)
    p99 = max(load.p99_ms for load in page.loads)
    errors: dict[str, int] = {}
    for load in page.loads:
        for kind, count in load.errors.items():
            errors[kind] = errors.get(kind, 0) + count
    notes = [extra] if extra else []
    fewest = min(page.loads, key=lambda load: load.requests)
    if fewest.requests < 2 * fewest.connections:
        # wrk times the requests that finish within a round: with few of them, the
        # slowest (still waiting when it ends) are missing from the percentiles.
        notes.append(f"only {fewest.requests} requests in a round: p99 of those that finished")
    compared = f"{share:.2f} of floor"
    if direct_rate:
        compared += f", {rate / direct_rate:.1f}x direct"
    if errors:
        notes.append("errors " + ", ".join(f"{k} {v}" for k, v in sorted(errors.items())))
    return Row(
        section=section,
        what=what,
        rate=rate,
        unit="req/s",
        p50_ms=p50,
        p99_ms=p99,
        compared=compared,
        target=target,
        ok=share >= SHARE_TARGET and p99 < P99_TARGET_MS and not errors,
        # An error status (400 or more) is a broken page; a timeout may be the machine.
        correctness=bool(errors.get("status")),
        detail="; ".join(notes),
        figures={
            "requests": requests,
            "seconds": seconds,
            "share": share,
            "floor_rate": floor,
            "errors": errors,
            "rounds": [
                {"rate": load.rate, "p50_ms": load.p50_ms, "p99_ms": load.p99_ms}
                for load in page.loads
            ],
        },
    )
