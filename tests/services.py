"""Which PostgreSQL and Redis the test suite talks to.

``DATABASE_URL`` and ``REDIS_URL`` win when set. Otherwise the loopback services of a
developer machine or CI are used when they answer. When one does not answer, the suite
falls back to SQLite / no Redis on a developer machine (the tests that need it are
skipped with the reason), but under ``CI=true`` that is an error: CI must test against
the real services.
"""

import os
import socket
from urllib.parse import urlparse

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gmc"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def resolve() -> None:
    """Set DATABASE_URL and REDIS_URL for the test settings, or fail under CI."""
    missing = []
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if reachable(database_url, 5432):
        os.environ["DATABASE_URL"] = database_url
    else:
        missing.append(f"PostgreSQL at {database_url}")
        os.environ.pop("DATABASE_URL", None)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    if reachable(redis_url, 6379):
        os.environ["REDIS_URL"] = redis_url
    else:
        missing.append(f"Redis at {redis_url}")
        os.environ.pop("REDIS_URL", None)
    if missing and in_ci():
        raise RuntimeError(
            "CI must run the suite against real services, and these do not answer: "
            + "; ".join(missing)
        )
