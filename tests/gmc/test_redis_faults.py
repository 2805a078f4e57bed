"""Redis down: the site keeps serving, rate limits keep counting, and the emails of what
people did meanwhile go out once, when Redis is back.

Each test runs the cache and the broker on a Redis server of its own
(``private_redis``), configured as the project configures them, and breaks only that
one: paused (SIGSTOP: connections are accepted and never answered, the worst case) or
stopped (connections refused). The time bounds are fault bounds (a request must not
hang until gunicorn kills it after 30 s), not speed targets.
"""

import base64
import http.cookiejar
import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from allauth.account.models import EmailAddress
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from gmc import cache as gmc_cache
from gmc import circuit, outbox
from gmc.celery import app as celery_app
from gmc.models import OutboxMessage
from tests.agenda.factories import SessionFactory
from tests.conftest import _port_open, free_port, use_broker, wait_for
from tests.factories import EditionFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
FAULT_BOUND = 8.0  # seconds; gunicorn gives up on a request after 30
PASSWORD = "correct horse battery staple"
TOO_MANY = "Too many failed login attempts"


@pytest.fixture
def redis_fault(private_redis, redis_url, settings, monkeypatch):
    """The cache and the broker on the test's own Redis (started), with the project's
    options; this process's memory of earlier outages is the test's own too."""
    monkeypatch.setattr(circuit, "_breakers", {})
    monkeypatch.setattr(gmc_cache, "_outages", {})
    private_redis.start()
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": private_redis.url,
            "KEY_PREFIX": f"faults-{uuid.uuid4().hex[:12]}",
        }
    }
    original_broker = celery_app.conf.broker_url
    use_broker(private_redis.url)
    yield private_redis
    use_broker(original_broker)


def break_redis(server, how: str) -> None:
    if how == "paused":
        server.pause()
    else:
        server.stop()


def mend_redis(server, how: str) -> None:
    if how == "paused":
        server.resume()
    else:
        server.start()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def raw_redis(server) -> redis.Redis:
    return redis.Redis.from_url(server.url, socket_timeout=5)


def cached_programmes(server) -> bytes:
    """Everything the page cache holds on ``server``, as stored."""
    raw = raw_redis(server)
    return b"".join(raw.get(key) or b"" for key in raw.keys("*page-cache:page:*"))


def verified_person(email: str):
    person = UserFactory(email=email)
    EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
    return person


def sign_in(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


# --- Pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["paused", "stopped"])
def test_public_pages_render_uncached_while_redis_is_down(redis_fault, how, db):
    edition = EditionFactory(is_current=True, title="GMC fault edition")
    session = SessionFactory(edition=edition, title="Keynote before the fault")
    assert "Keynote before the fault" in Client().get("/agenda/").content.decode()
    assert b"Keynote before the fault" in cached_programmes(redis_fault)

    break_redis(redis_fault, how)
    # An organiser's change while Redis is down is saved (its cache invalidation does
    # nothing), and the pages, rendered uncached, show it.
    session.title = "Keynote during the fault"
    session.save()
    for path, expected in [
        ("/agenda/", "Keynote during the fault"),
        ("/", "GMC fault edition"),
        ("/agenda/", "Keynote during the fault"),
    ]:
        response, elapsed = timed(lambda path=path: Client().get(path))
        assert response.status_code == 200, path
        assert expected in response.content.decode(), path
        assert elapsed < FAULT_BOUND, f"{path} took {elapsed:.1f} s"

    # Once Redis is back (and this process tries it again), the programme is cached
    # again, and the copy cached before the change is never served: the version bump
    # that could not be made while Redis was down is made up for.
    mend_redis(redis_fault, how)
    wait_for(
        lambda: (
            Client().get("/agenda/")
            and b"Keynote during the fault" in cached_programmes(redis_fault)
        ),
        timeout=15,
        interval=0.5,
        message="the programme was not cached again after Redis came back",
    )
    html = Client().get("/agenda/").content.decode()
    assert "Keynote during the fault" in html
    assert "Keynote before the fault" not in html


# --- Signing in and its limits --------------------------------------------------------


@pytest.mark.parametrize("how", ["paused", "stopped"])
def test_signing_in_works_while_redis_is_down(redis_fault, how, db):
    verified_person("fault@example.org")
    break_redis(redis_fault, how)
    visitor = Client()

    wrong, elapsed = timed(lambda: sign_in(visitor, "fault@example.org", "not the password"))
    assert wrong.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        wrong.content.decode()
    )
    assert elapsed < FAULT_BOUND

    right, elapsed = timed(lambda: sign_in(visitor, "fault@example.org", PASSWORD))
    assert right.status_code == 302
    assert elapsed < FAULT_BOUND
    # Sessions live in the database: the sign-in holds on the next page.
    page = visitor.get(right.url)
    assert page.status_code == 200
    assert "Sign out" in page.content.decode()


@pytest.mark.parametrize("how", ["paused", "stopped"])
def test_failed_sign_ins_are_still_limited_while_redis_is_down(redis_fault, how, db):
    """The limits do not fail open: while Redis is down they count in the process's
    memory (gmc/cache.py), so guessing a password stays as slow as before."""
    verified_person("target@example.org")
    break_redis(redis_fault, how)
    attacker = Client()

    started = time.monotonic()
    answers = [sign_in(attacker, "target@example.org", f"guess {n}") for n in range(8)]
    assert time.monotonic() - started < FAULT_BOUND
    assert TOO_MANY not in answers[0].content.decode()
    assert TOO_MANY in answers[-1].content.decode()
    # Even the right password is refused once the allowance is spent.
    refused = sign_in(attacker, "target@example.org", PASSWORD)
    assert refused.status_code == 200
    assert TOO_MANY in refused.content.decode()
    assert "_auth_user_id" not in attacker.session


# --- Emails of what happened meanwhile ------------------------------------------------


def queued_deliveries(server) -> list[int]:
    """The message ids of the delivery tasks (single or batch) waiting in the run's
    queue on ``server``, once per task that would send them."""
    ids = []
    for raw in raw_redis(server).lrange(django_settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1):
        envelope = json.loads(raw)
        task = envelope["headers"]["task"]
        if task in {"gmc.outbox.deliver", "gmc.outbox.deliver_batch"}:
            args, _kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
            ids.extend(args[0] if task == "gmc.outbox.deliver_batch" else [args[0]])
    return ids


@pytest.mark.delivery
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["paused", "stopped"])
def test_sign_up_and_registration_while_redis_is_down_are_emailed_once_after(
    redis_fault, how, smtp_sink, settings
):
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 0
    edition = EditionFactory(capacity=10, title="GMC fault edition")
    attendee = UserFactory(email="attendee@example.org")
    member = Client()
    member.force_login(attendee)
    # A publish on an open connection, as in a running site (nobody consumes it yet).
    outbox.enqueue_delivery(0)

    break_redis(redis_fault, how)
    signed_up, elapsed = timed(
        lambda: Client().post(
            reverse("account_signup"),
            {"email": "newcomer@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    )
    assert signed_up.status_code == 302
    assert elapsed < FAULT_BOUND
    registered, elapsed = timed(
        lambda: member.post(
            reverse("registration:register_year", args=[edition.year]),
            {"edition": edition.pk, "attendance": "online", "consent": "on", "given_name": "Ana"},
        )
    )
    assert registered.status_code == 302
    assert elapsed < FAULT_BOUND
    verification = OutboxMessage.objects.get(to_email="newcomer@example.org")
    confirmation = OutboxMessage.objects.get(to_email="attendee@example.org")
    assert {verification.status, confirmation.status} == {OutboxMessage.Status.PENDING}

    mend_redis(redis_fault, how)
    assert outbox.sweep() == 2
    queued = queued_deliveries(redis_fault)
    if how == "paused":
        # The publish that timed out was applied when Redis resumed: the verification
        # is queued twice (that publish and the sweep's). The registration's publish
        # was not even tried (the broker had just failed): queued once, by the sweep.
        assert queued.count(verification.pk) == 2
    else:
        assert queued.count(verification.pk) == 1
    assert queued.count(confirmation.pk) == 1

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=15):
        wait_for(lambda: len(smtp_sink.messages) >= 2, message="the emails did not arrive")
        # The worker takes tasks in order: once this one arrives, all before it are done.
        outbox.queue(kind="outbox.test", to="sentinel@example.org")
        wait_for(
            lambda: any(m["To"] == "sentinel@example.org" for m in smtp_sink.messages),
            message="no sentinel",
        )
    received = sorted(m["To"] for m in smtp_sink.messages if m["To"] != "sentinel@example.org")
    assert received == ["attendee@example.org", "newcomer@example.org"]
    assert "GMC fault edition" in next(
        m["Subject"] for m in smtp_sink.messages if m["To"] == "attendee@example.org"
    )
    for message in (verification, confirmation):
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 1)


def test_emails_queued_while_the_broker_is_paused_wait_once(
    redis_fault, caplog, settings, django_capture_on_commit_callbacks, db
):
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 0
    outbox.enqueue_delivery(0)  # an open connection, as in a running site
    redis_fault.pause()
    caplog.set_level(logging.INFO, logger="gmc.circuit")

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(5):
            outbox.queue(kind="outbox.test", to=f"many{number}@example.org")
    # One publish waited for the timeout; the four after it were left to the sweep.
    assert time.monotonic() - started < 3 * settings.REDIS_TIMEOUT
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == 5

    # The sweep, too, stops at the broker's first failure instead of waiting five times.
    started = time.monotonic()
    assert outbox.sweep() == 0
    assert time.monotonic() - started < 3 * settings.REDIS_TIMEOUT
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith("the broker at redis://127.0.0.1:")

    redis_fault.resume()
    assert outbox.sweep() == 5


def test_log_lines_name_redis_without_its_password():
    assert (
        circuit.public_address("rediss://gmc:s3cret@cache.example.org:6380/2")
        == "rediss://cache.example.org:6380/2"
    )


# --- The cache backend itself ---------------------------------------------------------


def test_one_wait_and_one_warning_per_outage(redis_fault, caplog, db):
    cache.set("greeting", "hello")
    redis_fault.pause()
    caplog.set_level(logging.INFO, logger="gmc.circuit")

    started = time.monotonic()
    answers = [cache.get("greeting", "missed") for _ in range(5)]
    cache.set("greeting", "changed")
    elapsed = time.monotonic() - started
    assert answers == ["missed"] * 5
    # One timeout (REDIS_TIMEOUT, 1 s), not six.
    assert elapsed < 3 * django_settings.REDIS_TIMEOUT
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "not answering" in warnings[0].getMessage()
    assert str(redis_fault.port) in warnings[0].getMessage()

    redis_fault.resume()

    def answering_again() -> bool:
        cache.get("greeting")
        return any("answering again" in r.getMessage() for r in caplog.records)

    wait_for(answering_again, timeout=15, interval=0.5, message="Redis was not tried again")
    # "changed" could not be written, and "hello" is removed rather than read back.
    assert cache.get("greeting", "missed") == "missed"
    assert [r.levelno for r in caplog.records].count(logging.WARNING) == 1


def test_an_invalidation_skipped_while_redis_was_down_is_made_when_it_is_back(
    redis_fault, settings, db
):
    """Redis keeps its data through an outage: a delete or a version bump that was not
    made must not leave the old value to be read once it answers again."""
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "OPTIONS": {**settings.CACHES["default"]["OPTIONS"], "RETRY_AFTER": 0.5},
        }
    }
    cache.set("page", "old page")
    cache.set("version", 1)
    redis_fault.pause()
    assert cache.get("page") is None  # the timeout: the process now goes without Redis
    redis_fault.resume()
    # Within the pause, these are not even sent; Redis still holds the old values.
    cache.delete("page")
    with pytest.raises(ValueError):
        cache.incr("version")
    raw = raw_redis(redis_fault)
    assert raw.exists(cache.make_key("page")) and raw.exists(cache.make_key("version"))

    time.sleep(0.6)
    assert cache.get("page") is None
    assert cache.get("version") is None
    assert not raw.exists(cache.make_key("page"))


def test_an_error_that_is_not_an_outage_is_raised(redis_fault, db):
    """A key of the wrong type is a bug, not Redis being down: it is not hidden."""
    raw_redis(redis_fault).rpush(cache.make_key("listed"), "x")
    with pytest.raises(redis.exceptions.ResponseError):
        cache.get("listed")
    cache.set("after", "still working")
    assert cache.get("after") == "still working"


# --- A real web server ----------------------------------------------------------------


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_gunicorn_answers_while_redis_is_paused(private_redis, redis_url, tmp_path, settings):
    private_redis.start()
    edition = EditionFactory(is_current=True, title="GMC served edition")
    SessionFactory(edition=edition, title="Served keynote")
    # Hashed as the server (the project's settings, not the suite's) checks it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    verified_person("served@example.org")
    database = django_settings.DATABASES["default"]
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_SETTINGS_MODULE": "gmc.settings",
        "DEBUG": "1",
        "GMC_VAR_DIR": str(tmp_path),
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": private_redis.url,
        "CACHE_KEY_PREFIX": f"served-{uuid.uuid4().hex[:12]}",
        "CELERY_QUEUE": f"served-{uuid.uuid4().hex[:12]}",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "gmc.wsgi",
            "-c",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    cookies = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(cookies), NoRedirects()
    )

    def fetch(path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.monotonic()
        try:
            with browser.open(base + path, data=body, timeout=40) as response:
                status, html = response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            status, html = answer.code, answer.read().decode()
        return status, html, time.monotonic() - started

    try:
        wait_for(lambda: _port_open(port), timeout=30, message="gunicorn did not start")
        status, html, _ = fetch("/agenda/")
        assert status == 200 and "Served keynote" in html

        private_redis.pause()
        for path, expected in [
            ("/agenda/", "Served keynote"),
            ("/", "GMC served edition"),
            ("/healthz", '"degraded"'),
        ]:
            status, html, elapsed = fetch(path)
            assert (status, expected in html) == (200, True), path
            assert elapsed < FAULT_BOUND, f"{path} took {elapsed:.1f} s"
        status, html, _ = fetch("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        status, _html, elapsed = fetch(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "login": "served@example.org", "password": PASSWORD},
        )
        assert status == 302
        assert elapsed < FAULT_BOUND
    finally:
        private_redis.resume()
        server.terminate()
        server.wait(timeout=30)
        log.close()
