"""The production-like stack the benchmark runs against, all of it its own.

- PostgreSQL: the ``gmc_bench`` database on loopback (``BENCH_DATABASE_URL`` names
  another), created when missing, migrated, with the demo data. One run at a time holds
  it (an advisory lock).
- Redis: a throwaway ``redis-server`` on a free loopback port, the cache and the broker.
- Static files: collected with production's storage into build/bench/static/ (again only
  when a source file changed).
- gunicorn with deploy/gunicorn.conf.py and 4 sync workers, and later one Celery worker,
  both with production settings (DEBUG off, every required variable set here) and
  bench.settings, which adds only the floor view.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

from .procs import HOST, Process, free_port, port_open

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gmc_bench"
WEB_WORKERS = 4
# Whatever the machine's environment says about the portal is not the benchmark's:
# only these pass through to the processes it starts.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "USER", "TERM")
ADVISORY_LOCK = 0x67_6D_63_62  # "gmcb": one benchmark at a time on its database


def bench_visa_data_key(database_url: str) -> str:
    """The key of the benchmark database's visa details (its demo request), the same for
    every run on that database: the demo data outlives a run, and a key of the run's own
    would leave the next run unable to read it. The database holds only demo data, on
    this machine's loopback (bench.settings refuses any other host)."""
    digest = hashlib.sha256(b"gmc-bench-visa-data:" + database_url.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


class StackError(RuntimeError):
    """The benchmark cannot run here; the message says what to do."""


class Stack:
    def __init__(self, work: Path, *, database_url: str | None = None):
        self.work = work
        self.database_url = database_url or os.environ.get(
            "BENCH_DATABASE_URL", DEFAULT_DATABASE_URL
        )
        self.redis_port = free_port()
        self.web_port = free_port()
        self.smtp_port = free_port()
        self.processes: list[Process] = []
        self.web: Process | None = None
        self.worker: Process | None = None
        self.static_root = work / "static"
        # A key of this run's own: nothing it signs outlives it.
        self.secret_key = secrets.token_urlsafe(50)
        self.visa_data_key = bench_visa_data_key(self.database_url)
        self._lock_connection = None

    # --- environment ---------------------------------------------------------------

    def env(self) -> dict[str, str]:
        """Production settings for this machine only (bench.settings refuses any other
        host), with the services of this run."""
        base = {name: os.environ[name] for name in INHERITED if name in os.environ}
        return {
            **base,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "SECRET_KEY": self.secret_key,
            "VISA_DATA_KEYS": self.visa_data_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "https://localhost",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": f"redis://{HOST}:{self.redis_port}/0",
            "CACHE_KEY_PREFIX": "gmc-bench",
            "CELERY_QUEUE": "gmc-bench",
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(self.smtp_port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_USE_SSL": "0",
            "EMAIL_TIMEOUT": "10",
            "STATIC_ROOT": str(self.static_root),
            "GMC_VAR_DIR": str(self.work / "var"),
            "PRIVATE_MEDIA_ROOT": str(self.work / "private"),
            # Behind one proxy, as in production: the client's address is read from
            # X-Forwarded-For (the sign-up timing gives each sign-up its own).
            "TRUSTED_PROXY_COUNT": "1",
            "LOG_LEVEL": "WARNING",
        }

    def configure_this_process(self) -> None:
        """The same settings for the benchmark's own Django (data, counts, the outbox)."""
        for name in list(os.environ):
            if name not in INHERITED:
                del os.environ[name]
        os.environ.update(self.env())

    # --- services --------------------------------------------------------------------

    def start_redis(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise StackError(
                "redis-server is missing: install Debian's package "
                "(sudo apt-get install redis-server)."
            )
        folder = self.work / "redis"
        folder.mkdir(parents=True, exist_ok=True)
        redis = Process(
            "redis-server",
            [
                server,
                "--port",
                str(self.redis_port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],
            env=self.env(),
            log=self.work / "redis.log",
            cwd=ROOT,
        )
        self.processes.append(redis)
        redis.wait_until(lambda: port_open(self.redis_port), 20, "a listening port")

    def ensure_database(self) -> None:
        """Create the benchmark's database when it is missing (PostgreSQL only)."""
        parsed = urlparse(self.database_url)
        if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
            raise StackError(f"The benchmark runs on PostgreSQL; got {self.database_url!r}.")
        if not port_open(parsed.port or 5432, parsed.hostname or HOST):
            raise StackError(
                f"PostgreSQL does not answer at {parsed.hostname}:{parsed.port or 5432}; "
                "start it (or set BENCH_DATABASE_URL)."
            )
        import psycopg2
        from psycopg2 import sql

        name = parsed.path.lstrip("/")
        connection = psycopg2.connect(
            host=parsed.hostname,
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            dbname="postgres",
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone() is None:
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            connection.close()

    def hold_database(self) -> None:
        """One benchmark at a time on its database: a second one would count the first
        one's registrations and rows. The lock lives on a connection of its own, which
        nothing else closes, until the run stops."""
        import psycopg2

        parsed = urlparse(self.database_url)
        self._lock_connection = psycopg2.connect(
            host=parsed.hostname,
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            dbname=parsed.path.lstrip("/"),
        )
        self._lock_connection.autocommit = True
        with self._lock_connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK])
            if not cursor.fetchone()[0]:
                raise StackError(
                    f"Another benchmark is running on {parsed.path.lstrip('/')}; "
                    "wait for it to finish."
                )

    def collect_static(self, say) -> None:
        """collectstatic with production's storage, skipped when no source file changed
        since the last run (it takes half a minute: every file is compressed again)."""
        from django.contrib.staticfiles.finders import get_finders
        from django.core.management import call_command

        digest = hashlib.sha256()
        for finder in get_finders():
            for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
                stat = os.stat(storage.path(path))
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        stamp = self.static_root / ".bench-sources"
        fingerprint = digest.hexdigest()
        manifest = self.static_root / "staticfiles.json"
        if manifest.exists() and stamp.exists() and stamp.read_text() == fingerprint:
            return
        say("collecting static files (production storage)")
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)

    def start_web(self) -> Process:
        gunicorn = VENV_BIN / "gunicorn"
        web = Process(
            "gunicorn",
            [
                str(gunicorn),
                "gmc.wsgi",
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"{HOST}:{self.web_port}",
                "--workers",
                str(WEB_WORKERS),
                "--worker-class",
                "sync",
                "--forwarded-allow-ips",
                HOST,
            ],
            env=self.env(),
            log=self.work / "gunicorn.log",
            cwd=ROOT,
        )
        self.processes.append(web)
        self.web = web
        from .client import Browser

        web.wait_until(
            lambda: (
                Browser(self.web_port, timeout=5).get("/_floor/").status == 200
                and len(self.web_workers()) == WEB_WORKERS
            ),
            60,
            "answer on /_floor/",
        )
        return web

    def settle(self) -> None:
        """Wait until gunicorn has worked through what a finished round left queued.

        When wrk stops, the requests still waiting in gunicorn's accept queue are not
        lost: each worker still takes them in turn and builds their pages for nobody.
        A round started at once would pay for the previous round's pages. One request
        per worker, sent now, is answered only after the queue ahead of it."""
        from .client import Browser

        threads = [
            threading.Thread(
                target=lambda: Browser(self.web_port, timeout=120).get("/_floor/"), daemon=True
            )
            for _ in range(WEB_WORKERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    def web_workers(self) -> list[int]:
        from .procs import children

        return children(self.web.pid) if self.web and self.web.running() else []

    def start_worker(self) -> Process:
        """One Celery worker, as the Procfile starts it, with one process sending."""
        worker = Process(
            "celery worker",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "gmc",
                "worker",
                "--loglevel=WARNING",
                "--concurrency=1",
                "--hostname=bench@%h",
            ],
            env=self.env(),
            log=self.work / "celery.log",
            cwd=ROOT,
        )
        self.processes.append(worker)
        self.worker = worker
        from gmc.celery import app

        worker.wait_until(lambda: bool(app.control.ping(timeout=0.5)), 60, "answer to a ping")
        return worker

    def worker_processes(self) -> list[int]:
        from .procs import children

        if not self.worker or not self.worker.running():
            return []
        return [self.worker.pid, *children(self.worker.pid)]

    def stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def stop(self) -> None:
        for process in reversed(self.processes):
            try:
                process.stop()
            except Exception as error:  # stop the others all the same
                print(f"could not stop {process.name}: {error}", file=sys.stderr)
        self.processes.clear()
        if self._lock_connection is not None:
            self._lock_connection.close()
            self._lock_connection = None
