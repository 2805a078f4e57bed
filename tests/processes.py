"""Real Celery processes for fault tests: ``celery -A gmc worker`` and ``celery -A gmc
beat`` started as the Procfile starts them, with the project's own settings
(``gmc.settings``, not the test settings) pointed by environment variables at a Redis of
the test's own, the test database and an SMTP server on loopback.

Each process leads its own process group, so that a test can kill a worker the way a
machine dies: the main process and its pool children at once, with SIGKILL (nothing
is cleaned up, nothing acknowledged).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.conftest import wait_for

ROOT = Path(settings.BASE_DIR)

# Variables of the test run that must not leak into the project's settings.
NOT_PASSED = {"DJANGO_SETTINGS_MODULE", "EMAIL_URL", "CELERY_TASK_ALWAYS_EAGER"}


def database_url() -> str:
    """The test database (pytest-django's), as the project's settings read it."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{db['NAME']}"


class CeleryProcess:
    """One ``celery -A gmc <command>`` process group, its output in a file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path):
        self.name = name
        self.log_path = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "gmc", *args],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float = 30) -> None:
        def seen() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited early:\n{self.output()[-3000:]}")
            return text in self.output()

        wait_for(seen, timeout=timeout, interval=0.1, message=f"{self.name} did not start")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group: the main process and every pool child at once."""
        if self.alive:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def stop(self, timeout: float = 30) -> None:
        """A warm shutdown (SIGTERM): the tasks running are finished first."""
        if self.alive:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


class CeleryProcesses:
    """Starts workers and schedulers against one broker; stops them all at the end."""

    def __init__(self, broker_url: str, smtp_port: int, folder: Path, **env: str):
        self.folder = folder
        self.started: list[CeleryProcess] = []
        self.env = {
            **{key: value for key, value in os.environ.items() if key not in NOT_PASSED},
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "gmc.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url,
            "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
            "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "gmc-test"),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "10",
            "GMC_VAR_DIR": str(folder / "var"),
            "SITE_URL": settings.SITE_URL,
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "INFO",
            **env,
        }

    def worker(self, name: str, concurrency: int = 2, **env: str) -> CeleryProcess:
        process = CeleryProcess(
            name,
            [
                "worker",
                f"--hostname={name}@%h",
                f"--concurrency={concurrency}",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            {**self.env, **env},
            self.folder / f"{name}.log",
        )
        self.started.append(process)
        process.wait_for_output(" ready.")
        return process

    def beats(self, *names: str, **env: str) -> list[CeleryProcess]:
        """Schedulers started at the same moment, so that their runs fall together."""
        started = [self.beat(name, wait=False, **env) for name in names]
        for process in started:
            process.wait_for_output("beat: Starting")
        return started

    def beat(self, name: str, wait: bool = True, **env: str) -> CeleryProcess:
        """A scheduler with a schedule file of its own, as on another machine."""
        process = CeleryProcess(
            name,
            [
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.folder / name}-schedule",
                f"--pidfile={self.folder / name}.pid",
            ],
            {**self.env, **env},
            self.folder / f"{name}.log",
        )
        self.started.append(process)
        if wait:
            process.wait_for_output("beat: Starting")
        return process

    def stop_all(self) -> None:
        for process in self.started:
            if process.alive:
                process.kill()
