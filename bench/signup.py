"""Sign-up timing: an address with an account against a new one, through the form.

A known address must cost what a new one does (registration/accounts/signup.py), or a
stopwatch tells which addresses have accounts. Alternates the two, each sign-up from a
client address of its own (the sign-up rate limit counts per address), and compares the
medians of the POSTs: the production password hasher runs in both.
"""

from __future__ import annotations

import statistics
import time

from .client import Browser, find_form
from .data import BENCH_DOMAIN
from .report import Row

PASSWORD = "a long bench passphrase 2026"  # noqa: S105 - a throwaway benchmark account
LOW, HIGH = 0.8, 1.25


def run(port: int, rounds: int, say) -> Row:
    from allauth.account.models import EmailAddress

    from gmc.models import User

    say(f"sign-up timing: {rounds} known and {rounds} new addresses")
    known = User.objects.create_user(email=f"known-signup@{BENCH_DOMAIN}", password=PASSWORD)
    EmailAddress.objects.create(user=known, email=known.email, verified=True, primary=True)
    run_id = time.time_ns()
    timings: dict[str, list[float]] = {"known": [], "new": []}
    errors: list[str] = []

    def sign_up(email: str, number: int) -> float | None:
        browser = Browser(port, forwarded_for=f"198.19.{number // 250}.{number % 250 + 1}")
        page = browser.get("/accounts/signup/")
        form = find_form(page.text, having="password1") if page.status == 200 else None
        if form is None:
            errors.append(f"sign-up page: {page.status}")
            return None
        fields = form.filled({"email": email, "password1": PASSWORD, "password2": PASSWORD})
        response = browser.post("/accounts/signup/", fields, referer="/accounts/signup/")
        if response.status != 302:
            errors.append(f"sign-up answered {response.status}")
            return None
        return response.seconds

    for number in range(rounds):
        for kind, email in (
            ("known", known.email),
            ("new", f"new-signup-{run_id}-{number}@{BENCH_DOMAIN}"),
        ):
            seconds = sign_up(email, 2 * number + (kind == "new"))
            if seconds is not None:
                timings[kind].append(seconds * 1000)

    if not timings["known"] or not timings["new"]:
        return Row(
            "sign-up",
            "POST of a known address",
            target=f"{LOW}-{HIGH} x new address, 0 errors",
            ok=False,
            correctness=True,
            detail="; ".join(errors[:3]) or "nothing measured",
        )
    known_ms = statistics.median(timings["known"])
    new_ms = statistics.median(timings["new"])
    ratio = known_ms / new_ms
    return Row(
        section="sign-up",
        what="POST of a known address",
        p50_ms=known_ms,
        compared=f"{ratio:.2f} x new address ({new_ms:.0f} ms)",
        target=f"{LOW}-{HIGH} x new address, 0 errors",
        ok=LOW <= ratio <= HIGH and not errors,
        correctness=bool(errors),
        detail=f"medians of {len(timings['known'])} and {len(timings['new'])}; "
        f"errors {len(errors)}",
        figures={
            "known_ms": timings["known"],
            "new_ms": timings["new"],
            "ratio": ratio,
            "errors": errors,
        },
    )
