"""Sign-up timing: an address with an account against a new one.

A known address must cost what a new one does (registration/accounts/signup.py), or a
stopwatch tells which addresses have accounts. Runs sign-ups in-process with Django's
test client and the production password hasher, alternating a known and a new address,
and prints both medians and their ratio (target: within 20 % of each other). The
accounts it creates are removed afterwards.

    .venv/bin/python bench/signup.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def server_environment() -> dict[str, str]:
    """The same database and services as the programme benchmark (bench/agenda.py)."""
    spec = importlib.util.spec_from_file_location("bench_agenda", ROOT / "bench" / "agenda.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.server_environment()


PASSWORD = "a long bench passphrase 2026"  # noqa: S105  a throwaway benchmark account


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    os.environ.update(server_environment())
    os.environ["DJANGO_SETTINGS_MODULE"] = "gmc.settings"
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.core.management import call_command
    from django.test import Client

    from gmc.models import User

    call_command("migrate", "--noinput", verbosity=0)
    run = uuid.uuid4().hex[:8]
    known = User.objects.create_user(email=f"bench-known-{run}@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=known, email=known.email, verified=True, primary=True)

    def sign_up(email: str, number: int) -> float:
        client = Client(REMOTE_ADDR=f"198.18.{number // 250}.{number % 250 + 1}")
        client.get("/accounts/signup/")
        started = time.perf_counter()
        response = client.post(
            "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )
        elapsed = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        return elapsed

    timings: dict[str, list[float]] = {"known": [], "new": []}
    try:
        for number in range(args.rounds):
            timings["known"].append(sign_up(known.email, 2 * number))
            timings["new"].append(sign_up(f"bench-new-{run}-{number}@example.org", 2 * number + 1))
    finally:
        User.objects.filter(email__startswith=f"bench-known-{run}").delete()
        User.objects.filter(email__startswith=f"bench-new-{run}").delete()
        from gmc.models import OutboxMessage

        OutboxMessage.objects.filter(to_email__contains=f"-{run}").delete()

    known_ms = statistics.median(timings["known"]) * 1000
    new_ms = statistics.median(timings["new"]) * 1000
    ratio = known_ms / new_ms
    print(f"sign-up, address with an account: median {known_ms:.1f} ms")
    print(f"sign-up, new address:             median {new_ms:.1f} ms")
    print(f"ratio {ratio:.2f} (target 0.8-1.25: the timing does not tell them apart)")
    return 0 if 0.8 <= ratio <= 1.25 else 1


if __name__ == "__main__":
    sys.exit(main())
