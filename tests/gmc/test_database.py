"""How long each kind of process lets PostgreSQL make it wait (gmc/database.py): the web
through its connection options, workers and commands through what they declare."""

import json
import threading
from urllib.parse import quote

import pytest
from celery.signals import beat_init, celeryd_init
from django.conf import settings
from django.db import connection, connections

from .test_settings import manage

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="lock and statement timeouts are PostgreSQL's"
)

SHOW_LIMITS = (
    "SELECT name, setting FROM pg_settings WHERE name IN ('lock_timeout', 'statement_timeout')"
)


def limits(cursor) -> dict[str, int]:
    """The connection's limits, in milliseconds."""
    cursor.execute(SHOW_LIMITS)
    return {name: int(value) for name, value in cursor.fetchall()}


def in_milliseconds(timeouts: dict[str, float]) -> dict[str, int]:
    return {name: round(seconds * 1000) for name, seconds in timeouts.items()}


def limits_of_a_new_connection() -> dict[str, int]:
    """Opened in a thread of its own, so it is new, as a process's first one is."""
    found = {}

    def connect():
        try:
            with connections["default"].cursor() as cursor:
                found.update(limits(cursor))
        finally:
            connections.close_all()

    thread = threading.Thread(target=connect)
    thread.start()
    thread.join(30)
    return found


def test_a_web_connection_has_the_web_limits_from_its_first_statement(db):
    with connection.cursor() as cursor:
        found = limits(cursor)
    assert found == in_milliseconds(settings.DATABASE_TIMEOUTS["web"])
    assert 0 < found["lock_timeout"] < found["statement_timeout"]
    assert limits_of_a_new_connection() == found


@pytest.mark.parametrize("started", [celeryd_init, beat_init], ids=["worker", "beat"])
def test_celery_processes_wait_longer_than_the_web(db, monkeypatch, started):
    monkeypatch.delenv("GMC_PROCESS_KIND", raising=False)  # as it was, after the test
    web = limits_of_a_new_connection()

    started.send(sender=None, instance=None, conf=None, options={})

    worker = limits_of_a_new_connection()
    assert worker == in_milliseconds(settings.DATABASE_TIMEOUTS["worker"])
    assert worker["lock_timeout"] > web["lock_timeout"]
    assert worker["statement_timeout"] > web["statement_timeout"]


def test_a_management_command_waits_longer_than_the_web(db, monkeypatch):
    monkeypatch.delenv("GMC_PROCESS_KIND", raising=False)  # manage.py says it
    settings_dict = connection.settings_dict
    user, password = (quote(settings_dict[key] or "", safe="") for key in ("USER", "PASSWORD"))
    test_database = (
        f"postgres://{user}:{password}"
        f"@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    )
    result = manage(
        "shell",
        "-c",
        "import json; from django.db import connection; cursor = connection.cursor(); "
        f'cursor.execute("{SHOW_LIMITS}"); print(json.dumps(dict(cursor.fetchall())))',
        env={
            "DEBUG": "1",
            "DATABASE_URL": test_database,
            "DB_COMMAND_LOCK_TIMEOUT": "45",
            "DB_COMMAND_STATEMENT_TIMEOUT": "0",
        },
    )

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    # Forty-five seconds for a lock; no limit on a statement (a data migration may run
    # for minutes).
    assert found == {"lock_timeout": "45000", "statement_timeout": "0"}


def test_the_web_limits_come_from_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS']['options'])",
        env={
            "DEBUG": "1",
            "DATABASE_URL": "postgres://gmc@db.example.org:5432/gmc?sslmode=require",
            "DB_LOCK_TIMEOUT": "1.5",
            "DB_STATEMENT_TIMEOUT": "8",
        },
    )

    assert result.returncode == 0, result.stderr
    options = result.stdout.strip().splitlines()[-1]
    assert options == "-c lock_timeout=1500 -c statement_timeout=8000"
