"""Attendees' feedback on sessions: who may give it and when, once per person and
session, changeable for a week; the page's form and its errors; the shared copy of the
page that never carries it; the rate limit."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.urls import reverse

from agenda import selectors, services
from agenda.models import Feedback, Session
from registration.models import Registration
from tests.agenda.factories import SessionFactory, local
from tests.factories import UserFactory
from tests.registration.factories import RegistrationFactory

AN_HOUR = timedelta(hours=1)


@pytest.fixture
def session(edition):
    return SessionFactory(
        edition=edition, title="Open credentials", starts_at=local(edition, 0, 10)
    )


@pytest.fixture
def attendee(edition):
    person = UserFactory()
    RegistrationFactory(edition=edition, attendee=person)
    return person


def travel(moment):
    return time_machine.travel(moment, tick=False)


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def page(client: Client, session: Session) -> str:
    return client.get(session.get_absolute_url()).content.decode()


def send(client: Client, session: Session, **data):
    return client.post(reverse("agenda:feedback", args=[session.slug]), data)


def test_an_attendee_rates_a_session_after_it_ends_and_changes_it_within_a_week(session, attendee):
    with travel(session.ends_at + AN_HOUR):
        client = signed_in(attendee)
        html = page(client, session)
        assert 'action="/agenda/session/' in html and "feedback-form" in html
        response = send(client, session, rating="4", comment="Clear and useful.")
        assert response.status_code == 302
        assert response["Location"] == session.get_absolute_url() + "#feedback"
    given = Feedback.objects.get()
    assert (given.author, given.session, given.rating) == (attendee, session, 4)
    assert given.comment == "Clear and useful."

    with travel(session.ends_at + timedelta(days=6)):
        client = signed_in(attendee)
        html = page(client, session)
        # The form holds what they gave, and says until when it can change.
        assert re.search(r'value="4"[^>]*checked', html)
        assert "Clear and useful." in html
        assert "You can change your feedback until" in html
        assert send(client, session, rating="5", comment="Even better.").status_code == 302
    assert Feedback.objects.count() == 1
    given.refresh_from_db()
    assert (given.rating, given.comment) == (5, "Even better.")

    with travel(given.created_at + timedelta(days=7, minutes=1)):
        client = signed_in(attendee)
        html = page(client, session)
        assert "feedback-form" not in html
        assert "You rated this session 5 out of 5." in html
        assert "Even better." in html
        response = send(client, session, rating="1", comment="Changed my mind.")
        assert "Your feedback can no longer be changed" in response.content.decode()
    given.refresh_from_db()
    assert (given.rating, given.comment) == (5, "Even better.")


def test_nobody_rates_a_session_before_it_ends(session, attendee):
    with travel(session.ends_at - timedelta(minutes=1)):
        client = signed_in(attendee)
        html = page(client, session)
        assert "feedback-form" not in html
        assert "Once the session has ended" in html
        response = send(client, session, rating="5")
        assert response.status_code == 200
        assert "You can rate the session once it has ended." in response.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "status", [None, Registration.Status.WAITING, Registration.Status.CANCELLED]
)
def test_only_a_confirmed_registration_for_the_edition_lets_one_rate(session, status):
    person = UserFactory()
    if status:
        RegistrationFactory(edition=session.edition, attendee=person, status=status)
    # A confirmed place in another edition does not count.
    RegistrationFactory(attendee=person)
    with travel(session.ends_at + AN_HOUR):
        client = signed_in(person)
        html = page(client, session)
        assert "feedback-form" not in html
        assert "Only people with a confirmed registration for this edition" in html
        response = send(client, session, rating="5", comment="Let me in")
        assert "Only people with a confirmed registration" in response.content.decode()
    assert not Feedback.objects.exists()


def test_someone_checked_in_online_or_in_person_may_rate(session):
    online, door = UserFactory(), UserFactory()
    RegistrationFactory(
        edition=session.edition, attendee=online, attendance=Registration.Attendance.ONLINE
    )
    RegistrationFactory(edition=session.edition, attendee=door, checked_in_at=session.starts_at)
    with travel(session.ends_at + AN_HOUR):
        for person in (online, door):
            assert send(signed_in(person), session, rating="3").status_code == 302
    assert Feedback.objects.count() == 2


def test_a_break_is_not_rated(edition, attendee):
    tea = SessionFactory(edition=edition, kind=Session.Kind.BREAK, title="Tea Break")
    with travel(tea.ends_at + AN_HOUR):
        client = signed_in(attendee)
        assert 'id="feedback"' not in page(client, tea)
        assert "Breaks are not rated." in send(client, tea, rating="5").content.decode()
    assert not Feedback.objects.exists()


def test_a_form_sent_wrong_says_why_and_keeps_what_was_typed(session, attendee):
    with travel(session.ends_at + AN_HOUR):
        client = signed_in(attendee)
        response = send(client, session, comment="The slides were hard to read.")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Choose a rating from 1 to 5." in html
        assert "The slides were hard to read.</textarea>" in html
        # The ratings are one group of radio buttons named by its legend.
        group = re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*Your rating", html)
        assert group is not None
        assert html.count('type="radio"') == 5 and 'aria-invalid="true"' in html
        response = send(client, session, rating="9", comment="x" * 2001)
        html = response.content.decode()
        assert "Choose a rating from 1 to 5." in html
        assert "Keep the comment to 2000 characters (it has 2001)." in html
    assert not Feedback.objects.exists()


def test_someone_signed_out_is_asked_to_sign_in(session):
    with travel(session.ends_at + AN_HOUR):
        response = send(Client(), session, rating="5")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        html = page(Client(), session)
    assert "Sign in to rate it" in html and "feedback-form" not in html
    assert not Feedback.objects.exists()


def test_the_shared_copy_of_the_page_never_holds_a_form_and_changes_when_the_session_ends(
    session, attendee
):
    with travel(session.ends_at - AN_HOUR):
        before = page(Client(), session)
        # A signed-in attendee's visit renders for them and stores nothing.
        page(signed_in(attendee), session)
    with travel(session.ends_at - timedelta(seconds=30)):
        cached = Client().get(session.get_absolute_url())
        # Served from the cache, and kept by browsers no longer than the session lasts.
        assert cached["Cache-Control"] == "public, max-age=30"
    assert "Once the session has ended" in before
    for html in (before, cached.content.decode()):
        assert "csrfmiddlewaretoken" not in html and "feedback-form" not in html
    with travel(session.ends_at + timedelta(seconds=1)):
        after = page(Client(), session)
        client = signed_in(attendee)
        personal = page(client, session)
        assert "feedback-form" in personal
        again = page(Client(), session)
    assert "Sign in to rate it" in after and "Once the session has ended" not in after
    assert "csrfmiddlewaretoken" not in again and "feedback-form" not in again


def test_feedback_is_rate_limited_per_person(session, attendee):
    with travel(session.ends_at + AN_HOUR):
        client = signed_in(attendee)
        for rating in [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]:
            assert send(client, session, rating=str(rating)).status_code == 302
        response = send(client, session, rating="1", comment="Once more")
        assert response.status_code == 429
        html = response.content.decode()
        assert "Wait a minute" in html and "Once more</textarea>" in html
        assert Feedback.objects.get().rating == 5
        # Someone else is not held back.
        other = UserFactory()
        RegistrationFactory(edition=session.edition, attendee=other)
        assert send(signed_in(other), session, rating="2").status_code == 302
    with travel(session.ends_at + AN_HOUR + timedelta(minutes=2)):
        assert send(signed_in(attendee), session, rating="1").status_code == 302
    assert Feedback.objects.get(author=attendee).rating == 1


def test_feedback_state_follows_the_rules(session, attendee):
    assert selectors.feedback_state(attendee, session, session.ends_at - AN_HOUR).status == (
        "upcoming"
    )
    after = session.ends_at + AN_HOUR
    assert selectors.feedback_state(attendee, session, after).status == "open"
    services.give_feedback(session.pk, by=attendee, rating=3, now=after)
    assert selectors.feedback_state(attendee, session, after).status == "editable"
    assert selectors.feedback_state(attendee, session, after + timedelta(days=7)).status == (
        "closed"
    )
    # Cancelling later does not hide what they gave; it only stops changes.
    Registration.objects.filter(attendee=attendee).update(status=Registration.Status.CANCELLED)
    state = selectors.feedback_state(attendee, session, after)
    assert state.status == "closed" and state.feedback.rating == 3


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_leave_one_row(edition):
    session = SessionFactory(edition=edition)
    person = UserFactory()
    RegistrationFactory(edition=edition, attendee=person)
    barrier = threading.Barrier(2)
    errors = []

    def rate(value: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.give_feedback(
                session.pk, by=person, rating=value, now=session.ends_at + AN_HOUR
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=rate, args=(value,)) for value in (2, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert Feedback.objects.filter(session=session, author=person).count() == 1
    assert Feedback.objects.get().rating in (2, 4)


def test_deleting_an_account_deletes_its_feedback_and_the_export_holds_it(session, attendee):
    from registration.accounts.selectors import account_data
    from registration.accounts.services import delete_account

    services.give_feedback(
        session.pk, by=attendee, rating=4, comment="Good", now=session.ends_at + AN_HOUR
    )
    exported = account_data(attendee)["session_feedback"]
    assert exported == [
        {
            "session": session.display_title,
            "edition_year": session.edition.year,
            "rating": 4,
            "comment": "Good",
            "given_at": exported[0]["given_at"],
            "changed_at": exported[0]["changed_at"],
        }
    ]
    delete_account(attendee.pk)
    assert not Feedback.objects.exists()
