import asyncio
import importlib
import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.utils import formats, translation

from gmc import page_cache
from gmc.permissions import ORGANISERS_GROUP, sync_organiser_group
from tests.factories import UserFactory


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float = 20.0, interval: float = 0.05, message: str = ""):
    """Poll until condition() is truthy; fail the test with `message` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(message or f"condition not met within {timeout}s")


class SmtpSink:
    """A real SMTP server on loopback that keeps what it receives; can be stopped and
    started again on the same port to play a mail server that goes down.

    It can play a difficult server: ``hold_reply_to`` is an address whose message is
    kept (received, as a server that has the whole message does) while the answer to
    the sender waits until ``release`` is set (``holding`` is set meanwhile);
    ``refusals`` maps an address to the answers its next messages get instead of being
    kept (e.g. ``["451 4.3.0 Try again later"]``); ``hang_up_on`` holds addresses whose
    message is kept but answered by closing the connection; ``on_message`` is called
    (in a thread) with each message's content when its end arrives; ``slow_recipients``
    maps an address to the seconds the server takes to accept it as a recipient (before
    any of the message is sent)."""

    def __init__(self, delay: float = 0.0):
        self.port = free_port()
        self.delay = delay
        self.received = []
        self._parsed = []
        self.hold_reply_to: str | None = None
        self.refusals: dict[str, list[str]] = {}
        self.hang_up_on: set[str] = set()
        self.on_message = None
        self.slow_recipients: dict[str, float] = {}
        self.holding = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.slow_recipients.get(address):
            await asyncio.sleep(self.slow_recipients[address])
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if self.on_message is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.on_message, content)
        if self.delay:
            await asyncio.sleep(self.delay)  # a slow server, still serving other connections
        for address in envelope.rcpt_tos:
            if self.refusals.get(address):
                return self.refusals[address].pop(0)
        with self._lock:
            # Kept as received, read when asked for: the server answers as fast as it can.
            self.received.append(
                {
                    "rcpt_tos": list(envelope.rcpt_tos),
                    "content": content,
                }
            )
        if self.hang_up_on.intersection(envelope.rcpt_tos):
            server.transport.close()
        if self.hold_reply_to is not None and self.hold_reply_to in envelope.rcpt_tos:
            self.holding.set()
            # Waits without stopping the server: other connections are served meanwhile.
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 120)
        return "250 Message accepted for delivery"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        self.release.set()
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self):
        with self._lock:
            for item in self.received[len(self._parsed) :]:
                self._parsed.append(message_from_bytes(item["content"], policy=default_policy))
            return list(self._parsed)

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def per_address(self) -> Counter:
        """How many messages each address received."""
        with self._lock:
            return Counter(address for item in self.received for address in item["rcpt_tos"])


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test database is made, migrated and dropped as ``manage.py`` would do it, with
    a command's time limits (gmc/database.py): dropping it on a busy machine may take
    longer than a web request may wait."""
    os.environ["GMC_PROCESS_KIND"] = "command"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The tests themselves run as the web does (a process that declares no kind), on
    new connections with the web's limits; the database is dropped as a command."""
    del os.environ["GMC_PROCESS_KIND"]
    with django_db_blocker.unblock():
        connections.close_all()
    yield
    os.environ["GMC_PROCESS_KIND"] = "command"


@pytest.fixture(autouse=True)
def _language_of_each_test():
    """Each test starts in the default language, as each request does: a page asked for
    with a language prefix leaves that language active in the test's thread."""
    yield
    translation.deactivate()


@pytest.fixture
def private_storage(settings, tmp_path):
    """Uploads and made files (PDFs, attachments, materials) go to a private folder of
    the test's own, outside STATIC_ROOT, as production keeps them: its path."""
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/private/"},
        },
    }
    return root


@pytest.fixture(autouse=True)
def _fresh_public_pages():
    """Each test starts with no public page cached: a test's rows are rolled back
    without a signal, so what an earlier test cached would otherwise still look current
    (the cache, unlike the database, outlives the test). A random version, not a
    cleared one: the next would be read from the clock, which tests freeze, and two
    tests frozen at the same second would share their pages."""
    cache.set(page_cache.VERSION_KEY, secrets.randbits(62), timeout=None)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with nothing counted against a rate limit: the counts are kept in
    the cache, which outlives the test, and a whole run sends more requests from one
    address within a limit's window than any limit lets through."""
    backend = getattr(cache, "_cache", None)
    if hasattr(backend, "get_client"):  # Redis
        client = backend.get_client(write=True)
        counted = list(client.scan_iter(match="*allauth:rl:*", count=1000))
        if counted:
            client.delete(*counted)
    elif backend is not None:  # the local memory cache of a run without Redis
        for key in [key for key in backend if "allauth:rl:" in key]:
            backend.pop(key, None)
            cache._expire_info.pop(key, None)


@pytest.fixture
def smtp_sink(settings):
    """The portal sends over real SMTP to a server on loopback (started)."""
    sink = SmtpSink()
    sink.start()
    settings.EMAIL_BACKEND = "gmc.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.stop()


@pytest.fixture
def fresh_cache(settings):
    """A counting cache of the test's own (allauth's rate limits count in the cache), so
    that one test's attempts never spend another's allowance."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL:
        pytest.skip("Redis is not reachable (tests/services.py); CI never skips this")
    return settings.REDIS_URL


@pytest.fixture
def celery_worker(redis_url, transactional_db):
    """A real Celery worker (thread, solo pool) consuming this run's queue on Redis."""
    from celery.contrib.testing.worker import start_worker

    from gmc.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=15) as worker:
        yield worker


@pytest.fixture
def private_redis():
    """A Redis server of the test's own, which the test may stop and start again, or
    pause (SIGSTOP: connections are accepted and never answered) and resume."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")

    class PrivateRedis:
        def __init__(self):
            self.port = free_port()
            self.url = f"redis://127.0.0.1:{self.port}/0"
            self.process = None

        def start(self):
            self.process = subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wait_for(lambda: _port_open(self.port), timeout=10, message="redis did not start")

        def pause(self):
            self.process.send_signal(signal.SIGSTOP)

        def resume(self):
            self.process.send_signal(signal.SIGCONT)

        def stop(self):
            if self.process is not None:
                self.resume()  # a paused server would never act on the SIGTERM
                self.process.terminate()
                self.process.wait(timeout=10)
                self.process = None

    server = PrivateRedis()
    yield server
    server.stop()


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker, dropping its pooled
    connections and producers."""
    import kombu.pools

    from gmc.celery import app

    kombu.pools.reset()  # kombu keeps connection and producer pools per process
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.fixture
def celery_processes(private_redis, smtp_sink, transactional_db, tmp_path):
    """Real ``celery -A gmc worker`` and ``beat`` processes to start (tests/processes.py),
    on a Redis of the test's own, which this process publishes to as well; every
    process left is killed at the end."""
    from gmc.celery import app
    from tests.processes import CeleryProcesses

    private_redis.start()
    original = app.conf.broker_url
    use_broker(private_redis.url)
    processes = CeleryProcesses(private_redis.url, smtp_sink.port, tmp_path)
    yield processes
    processes.stop_all()
    use_broker(original)


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def organiser(db):
    return UserFactory(is_staff=True, is_superuser=True)


# The moment a test that loads the demo runs at. The demo sets the 2026 dates from the
# day it is loaded, within 2026: a test that needs registration open must not depend on
# the day the suite runs.
DEMO_NOW = datetime(2026, 10, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def demo_time():
    """The clock at DEMO_NOW (ticking on from there) for the whole test."""
    with time_machine.travel(DEMO_NOW, tick=True):
        yield DEMO_NOW


@pytest.fixture
def demo(db, demo_time) -> str:
    """The whole demo data set, loaded by the command newcomers run, on DEMO_NOW; its
    output."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def staff_organiser(db):
    """An organiser as the portal makes them: staff, in the Organisers group, not a
    superuser."""
    sync_organiser_group()
    person = UserFactory(is_staff=True, is_superuser=False)
    person.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    return person


@pytest.fixture
def english_afterwards():
    """A request in another language leaves it active in the thread: back to English
    after the test, so that no later test builds rows in that language."""
    yield
    translation.deactivate()


@pytest.fixture
def language_formats(monkeypatch, settings):
    """Pages and emails in other languages use the project's own format names: where a
    language has no formats module yet, the English one stands in."""
    english = importlib.import_module("gmc.formats.en")
    for code, _name in settings.LANGUAGES:
        package = f"gmc.formats.{translation.to_locale(code)}"
        try:
            importlib.import_module(f"{package}.formats")
        except ImportError:
            monkeypatch.setitem(sys.modules, package, english)
            monkeypatch.setitem(sys.modules, f"{package}.formats", english.formats)
    formats._format_modules_cache.clear()
    formats._format_cache.clear()
    yield
    formats._format_modules_cache.clear()
    formats._format_cache.clear()
