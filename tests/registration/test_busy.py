"""The registration page when PostgreSQL makes it wait too long or drops it: real locks
held by other connections, a real backend terminated mid-request. The person gets "busy,
please try again" (503, Retry-After) with everything typed, nothing is half-written, and
the next request works."""

import re
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django.urls import reverse

from gmc.database import RETRY_AFTER_SECONDS
from gmc.models import Edition, OutboxMessage, User
from registration.models import Answer, Registration
from tests.factories import EditionFactory, UserFactory
from tests.wsgi import Browser

from .factories import QuestionFactory
from .helpers import register

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="lock and statement timeouts are PostgreSQL's"
    ),
]

BUSY = "Very busy right now"


@contextmanager
def another_connection():
    """A connection of its own (as another web worker's would be), in this thread."""
    other = connections.create_connection("default")
    try:
        yield other
    finally:
        other.close()


@contextmanager
def seat_lock_held(edition: Edition):
    """Another connection holds the edition's row lock, as a registration deciding a seat
    does (``FOR NO KEY UPDATE``), until the block ends."""
    with another_connection() as other:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM gmc_edition WHERE id = %s FOR NO KEY UPDATE", [edition.pk]
            )
        try:
            yield
        finally:
            other.rollback()


def terminate(pid: int) -> None:
    """``pg_terminate_backend`` from another connection, waiting until it is gone."""
    with another_connection() as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
        assert cursor.fetchone()[0], "the backend was not terminated"


@pytest.fixture
def edition():
    return EditionFactory(is_current=True, capacity=10)


@pytest.fixture
def person():
    return UserFactory(given_name="", family_name="", full_name="", organisation_name="")


def typed(edition: Edition, question, **changes) -> dict:
    return {
        "edition": edition.pk,
        "given_name": "Nguyễn",
        "family_name": "Thị Mai",
        "organisation_name": "Hanoi Open University",
        "country": "VN",
        "attendance": "in_person",
        "accessibility_needs": "Step-free access",
        "dietary_needs": "Vegetarian",
        f"question_{question.pk}": "research",
        "consent": "on",
        **changes,
    }


def assert_nothing_written(person: User) -> None:
    assert not Registration.objects.filter(attendee=person).exists()
    assert not Answer.objects.exists()
    assert not OutboxMessage.objects.exists()
    # The name goes to the profile with the registration, or not at all.
    person.refresh_from_db()
    assert (person.given_name, person.organisation_name) == ("", "")


def shown_as_typed(page: str, name: str, value: str) -> bool:
    """Whether the page's form shows ``value`` in field ``name``: filled in, chosen,
    ticked."""
    value = re.escape(value)
    return any(
        re.search(pattern, page)
        for pattern in (
            rf'<input[^>]*name="{name}"[^>]*value="{value}"',  # text, ticked below
            rf'<textarea[^>]*name="{name}"[^>]*>\s*{value}</textarea>',
            rf'<select[^>]*name="{name}"[^>]*>(?:(?!</select>).)*'
            rf'<option value="{value}"[^>]*selected',
        )
    )


def ticked(page: str, name: str, value: str | None = None) -> bool:
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page):
        if (value is None or f'value="{value}"' in tag) and " checked" in tag:
            return True
    return False


def assert_busy_form(response, data: dict) -> None:
    """503 with Retry-After, the busy notice, and the form as it was typed."""
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert page.count(BUSY) == 1 and 'role="alert"' in page
    for name, value in data.items():
        if name == "edition":
            continue
        if name == "consent":
            assert ticked(page, name), name
        elif name == "attendance" or name.startswith("question_"):
            assert ticked(page, name, value), name
        else:
            assert shown_as_typed(page, name, value), name


def test_waiting_too_long_for_the_seat_lock_shows_the_form_again_as_busy(client, edition, person):
    question = QuestionFactory(edition=edition, kind="choice", choices="Policy\nResearch")
    data = typed(edition, question)
    client.force_login(person)

    with seat_lock_held(edition):
        response = client.post(reverse("registration:register"), data)

    assert_busy_form(response, data)
    assert_nothing_written(person)

    # Sent again once the lock is free: registered, with everything typed.
    response = client.post(reverse("registration:register"), data)
    assert response.status_code == 302
    registration = Registration.objects.get(attendee=person)
    assert (registration.status, registration.accessibility_needs) == (
        "confirmed",
        "Step-free access",
    )
    assert Answer.objects.get(registration=registration).value == "research"
    person.refresh_from_db()
    assert person.organisation_name == "Hanoi Open University"
    assert OutboxMessage.objects.filter(kind="registration.confirmed").count() == 1


def test_online_registrations_do_not_wait_for_the_seat_lock(client, edition, person):
    question = QuestionFactory(edition=edition)
    data = typed(edition, question, attendance="online", dietary_needs="")
    client.force_login(person)

    # The lock is held until after the answer: a registration waiting for it would
    # get the busy page after the web's lock timeout instead.
    with seat_lock_held(edition):
        response = client.post(reverse("registration:register"), data)
        assert response.status_code == 302
        assert Registration.objects.get(attendee=person).status == "confirmed"


def test_a_connection_terminated_mid_registration_leaves_nothing_half_written(
    client, edition, person
):
    question = QuestionFactory(edition=edition, kind="choice", choices="Policy\nResearch")
    data = typed(edition, question)
    client.force_login(person)
    terminated = []

    def terminate_after_the_registration_row(execute, sql, params, many, context):
        # The registration row is written, its answers and email not yet: the server
        # ends this backend there, from another connection.
        result = execute(sql, params, many, context)
        if not terminated and sql.startswith(f'INSERT INTO "{Registration._meta.db_table}"'):
            pid = context["connection"].connection.get_backend_pid()
            terminate(pid)
            terminated.append(pid)
        return result

    with connection.execute_wrapper(terminate_after_the_registration_row):
        response = client.post(reverse("registration:register"), data)

    assert terminated, "the registration row was never written"
    assert_busy_form(response, data)
    assert_nothing_written(person)

    # The next request works, on a new connection.
    response = client.post(reverse("registration:register"), data)
    assert response.status_code == 302
    assert connection.connection.get_backend_pid() != terminated[0]
    assert Registration.objects.get(attendee=person).status == "confirmed"
    assert OutboxMessage.objects.filter(kind="registration.confirmed").count() == 1


def test_any_page_waiting_too_long_for_a_lock_answers_busy_not_an_error(client, edition):
    registration = register(edition)
    client.force_login(registration.attendee)

    with seat_lock_held(edition):
        response = client.post(
            reverse("registration:cancel", args=[edition.year]), {"confirm": "on"}
        )

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert BUSY in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert OutboxMessage.objects.filter(kind="registration.cancelled").count() == 0


@pytest.mark.parametrize("health_checks", [True, False])
def test_a_kept_connection_lost_between_requests(monkeypatch, health_checks):
    # Connections kept between requests, as in production (CONN_MAX_AGE); the health
    # check at a request's first query finds a dead one and opens another.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", health_checks)
    connection.close()
    # Through Django's WSGI handler, which (unlike the test client) runs the connection
    # checks of a request's start and end, as a web server's workers do.
    browser = Browser()
    page = reverse("registration:register")  # reads the current edition

    assert browser.get(page).status == 200
    kept = connection.connection.get_backend_pid()
    terminate(kept)

    if health_checks:
        assert browser.get(page).status == 200
        assert connection.connection.get_backend_pid() != kept
    else:
        # Without the check (the negative control) the request meets the dead
        # connection: the busy page, still not a server error.
        assert browser.get(page).status == 503
    assert browser.get(page).status == 200


def test_a_lost_connection_met_by_a_middleware_answers_busy_not_an_error(monkeypatch):
    """A signed-in person's first query is the session's, read by a middleware before any
    view runs: on a connection PostgreSQL has dropped, that is still "try again" (the
    500 handler knows a busy database), and the next request works."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", False)
    connection.close()
    browser = Browser.signed_in(UserFactory())
    page = reverse("registration:register")

    assert browser.get(page).status == 200
    terminate(connection.connection.get_backend_pid())

    answer = browser.get(page)
    assert answer.status == 503
    assert answer.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert BUSY in answer.body
    assert browser.get(page).status == 200


def test_any_other_server_error_keeps_the_plain_error_page(monkeypatch):
    """The 500 handler answers the busy page only for a busy database."""

    def broken(*args, **kwargs):
        raise RuntimeError("not the database")

    monkeypatch.setattr("gmc.languages.PreferredLanguageMiddleware.__call__", broken)
    answer = Browser().get(reverse("registration:register"))
    assert answer.status == 500
    assert "Something went wrong" in answer.body and BUSY not in answer.body
