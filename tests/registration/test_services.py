import datetime

import pytest
import time_machine
from django.utils import timezone

from gmc.models import Edition, OutboxMessage
from registration import services
from registration.models import Answer, Registration
from registration.selectors import waiting_position
from tests.factories import EditionFactory, UserFactory

from .factories import QuestionFactory, RegistrationFactory
from .helpers import deliver_pending, kinds_for, register

CONFIRMED = Registration.Status.CONFIRMED
WAITING = Registration.Status.WAITING
CANCELLED = Registration.Status.CANCELLED


@pytest.fixture
def small(db):
    """An open hybrid edition with two in-person seats."""
    return EditionFactory(capacity=2)


def test_register_confirms_while_seats_last_then_waits(small):
    first, second, third = (register(small) for _ in range(3))
    assert [r.status for r in (first, second, third)] == [CONFIRMED, CONFIRMED, WAITING]
    assert third.waitlisted_at is not None and third.confirmed_at is None
    assert waiting_position(third) == 1
    assert kinds_for(first.attendee) == ["registration.confirmed"]
    assert kinds_for(third.attendee) == ["registration.waitlisted"]
    assert OutboxMessage.objects.get(to_email=third.attendee.email).context["position"] == 1


def test_online_attendance_is_never_limited(small):
    register(small), register(small)
    online = register(small, attendance="online")
    assert online.status == CONFIRMED
    assert kinds_for(online.attendee) == ["registration.confirmed"]


def test_registering_twice_returns_the_same_registration_and_sends_nothing_more(small):
    user = UserFactory()
    first = register(small, user)
    again = register(small, user, attendance="online")
    assert again.pk == first.pk and again.attendance == "in_person"
    assert Registration.objects.filter(attendee=user).count() == 1
    assert kinds_for(user) == ["registration.confirmed"]


def test_one_registration_per_person_per_edition_is_a_database_constraint(small):
    from django.db import IntegrityError

    existing = RegistrationFactory(edition=small)
    with pytest.raises(IntegrityError):
        RegistrationFactory(edition=small, attendee=existing.attendee)


def test_cancel_promotes_the_first_in_line_and_mails_each_once(db):
    edition = EditionFactory(capacity=1)
    holder, first, second = (register(edition) for _ in range(3))
    assert [first.status, second.status] == [WAITING, WAITING]

    services.cancel_registration(holder.pk, by=holder.attendee)
    services.cancel_registration(holder.pk, by=holder.attendee)  # a repeat is a no-op

    first.refresh_from_db(), second.refresh_from_db(), holder.refresh_from_db()
    assert holder.status == CANCELLED and holder.cancelled_at is not None
    assert first.status == CONFIRMED and first.confirmed_at is not None
    assert second.status == WAITING and waiting_position(second) == 1
    assert kinds_for(holder.attendee) == ["registration.confirmed", "registration.cancelled"]
    assert kinds_for(first.attendee) == ["registration.waitlisted", "registration.promoted"]
    assert kinds_for(second.attendee) == ["registration.waitlisted"]


def test_cancelling_a_waiting_registration_promotes_nobody(db):
    edition = EditionFactory(capacity=1)
    register(edition)
    first, second = register(edition), register(edition)
    services.cancel_registration(first.pk, by=first.attendee)
    second.refresh_from_db()
    assert second.status == WAITING and waiting_position(second) == 1
    assert kinds_for(first.attendee) == ["registration.waitlisted", "registration.cancelled"]


def test_cancelling_online_frees_no_seat(db):
    edition = EditionFactory(capacity=1)
    register(edition)
    waiting = register(edition)
    online = register(edition, attendance="online")
    services.cancel_registration(online.pk, by=online.attendee)
    waiting.refresh_from_db()
    assert waiting.status == WAITING


def test_waiting_position_moves_up_as_people_ahead_leave(db):
    edition = EditionFactory(capacity=1)
    register(edition)
    waiting = [register(edition) for _ in range(3)]
    assert [waiting_position(r) for r in waiting] == [1, 2, 3]
    services.cancel_registration(waiting[0].pk, by=None)
    for registration in waiting:
        registration.refresh_from_db()
    assert [waiting_position(r) for r in waiting[1:]] == [1, 2]
    assert waiting_position(waiting[0]) is None


def test_cancel_and_register_again_sends_a_second_confirmation(small, mailoutbox):
    user = UserFactory()
    first = register(small, user)
    services.cancel_registration(first.pk, by=user)
    again = register(small, user)
    assert again.pk == first.pk and again.status == CONFIRMED and again.cancelled_at is None
    assert kinds_for(user) == [
        "registration.confirmed",
        "registration.cancelled",
        "registration.confirmed",
    ]
    deliver_pending()
    assert [m.subject for m in mailoutbox] == [
        f"Your registration for {small.title} is confirmed",
        f"Your registration for {small.title} is cancelled",
        f"Your registration for {small.title} is confirmed",
    ]


def test_every_status_change_sends_exactly_one_email_of_its_kind(db, mailoutbox):
    edition = EditionFactory(capacity=1, title="GMC test edition")
    holder, waiting = register(edition), register(edition)
    services.cancel_registration(holder.pk, by=holder.attendee)
    services.cancel_registration(waiting.pk, by=waiting.attendee)
    # Repeats change nothing and send nothing.
    services.cancel_registration(waiting.pk, by=waiting.attendee)
    services.promote_from_waitlist(edition.pk)
    deliver_pending()
    deliver_pending()

    sent = [(m.to[0], m.subject) for m in mailoutbox]
    assert sent == [
        (holder.attendee.email, "Your registration for GMC test edition is confirmed"),
        (waiting.attendee.email, "You are on the waiting list for GMC test edition"),
        (holder.attendee.email, "Your registration for GMC test edition is cancelled"),
        (waiting.attendee.email, "A seat is yours: GMC test edition"),
        (waiting.attendee.email, "Your registration for GMC test edition is cancelled"),
    ]
    confirmation = mailoutbox[0]
    assert holder.ticket_code in confirmation.body
    assert f"/register/ticket/{holder.ticket_code}/" in confirmation.body
    assert f"/register/me/{edition.year}/event.ics" in confirmation.body
    html = confirmation.alternatives[0][0]
    assert f"/register/ticket/{holder.ticket_code}/" in html
    assert "number 1" in mailoutbox[1].body


def test_cancellation_email_is_sent_after_the_account_is_deleted(small, mailoutbox):
    registration = register(small)
    services.cancel_registration(registration.pk, by=None)
    email = registration.attendee.email
    registration.attendee.delete()
    deliver_pending()
    assert [m.to for m in mailoutbox][-1] == [email]
    assert "cancelled" in mailoutbox[-1].subject


def test_raised_capacity_goes_to_people_waiting_before_newcomers(db):
    edition = EditionFactory(capacity=1)
    register(edition)
    waiting = register(edition)
    Edition.objects.filter(pk=edition.pk).update(capacity=2)
    newcomer = register(edition)
    waiting.refresh_from_db()
    assert waiting.status == CONFIRMED
    assert newcomer.status == WAITING
    assert kinds_for(waiting.attendee)[-1] == "registration.promoted"


def test_organiser_confirms_from_the_waiting_list_beyond_capacity(db, organiser):
    edition = EditionFactory(capacity=1)
    register(edition)
    waiting = register(edition)
    services.confirm_from_waitlist(waiting.pk, by=organiser, reason="Speaker")
    services.confirm_from_waitlist(waiting.pk, by=organiser, reason="Speaker")
    waiting.refresh_from_db()
    assert waiting.status == CONFIRMED
    assert waiting.confirmed_by == organiser and waiting.confirmation_reason == "Speaker"
    assert kinds_for(waiting.attendee) == [
        "registration.waitlisted",
        "registration.confirmed_by_organisers",
    ]
    services.cancel_registration(waiting.pk, by=organiser)
    with pytest.raises(services.RegistrationError):
        services.confirm_from_waitlist(waiting.pk, by=organiser, reason="Speaker")


@pytest.mark.parametrize("reason", ["", "   "])
def test_confirming_beyond_capacity_without_a_reason_changes_nothing(db, organiser, reason):
    edition = EditionFactory(capacity=1)
    register(edition)
    waiting = register(edition)
    with pytest.raises(services.RegistrationError) as refused:
        services.confirm_from_waitlist(waiting.pk, by=organiser, reason=reason)
    assert refused.value.field == "reason"
    waiting.refresh_from_db()
    assert waiting.status == WAITING and waiting.confirmed_by is None
    assert kinds_for(waiting.attendee) == ["registration.waitlisted"]


def test_confirming_ahead_of_others_needs_a_reason_even_with_a_free_seat(db, organiser):
    edition = EditionFactory(capacity=1)
    register(edition)
    first, second = register(edition), register(edition)
    Edition.objects.filter(pk=edition.pk).update(capacity=3)  # two seats free, nobody moved
    with pytest.raises(services.RegistrationError):
        services.confirm_from_waitlist(second.pk, by=organiser)
    services.confirm_from_waitlist(first.pk, by=organiser)
    first.refresh_from_db()
    assert first.status == CONFIRMED and first.confirmed_by == organiser
    assert first.confirmation_reason == ""
    assert kinds_for(first.attendee)[-1] == "registration.promoted"


def test_organisers_confirmation_email_says_the_organisers_confirmed(db, organiser, mailoutbox):
    edition = EditionFactory(capacity=1, title="GMC test edition")
    register(edition)
    register(edition)
    second = register(edition)
    services.confirm_from_waitlist(second.pk, by=organiser, reason="Opening speaker")
    OutboxMessage.objects.exclude(to_email=second.attendee.email).delete()
    deliver_pending()
    (organisers,) = [
        m for m in mailoutbox if m.subject == "Your place is confirmed: GMC test edition"
    ]
    for part in (organisers.body, organisers.alternatives[0][0]):
        assert "the organisers have confirmed your place" in part
        assert "a seat has become free" not in part
        assert "Opening speaker" not in part  # the reason is for the organisers
        assert second.ticket_code in part


def test_check_in_twice_says_so_and_changes_nothing(small, organiser):
    registration = register(small)
    first = services.check_in(registration.pk, by=organiser)
    assert not first.already and first.registration.checked_in_at is not None
    moment = first.registration.checked_in_at
    second = services.check_in(registration.pk, by=UserFactory(is_staff=True))
    assert second.already
    registration.refresh_from_db()
    assert registration.checked_in_at == moment
    assert registration.checked_in_by == organiser
    assert registration.display_status == "Attended"
    assert registration.status == CONFIRMED  # still holds the seat


def test_check_in_refuses_waiting_and_cancelled(db, organiser):
    edition = EditionFactory(capacity=1)
    register(edition)
    waiting = register(edition)
    with pytest.raises(services.RegistrationError):
        services.check_in(waiting.pk, by=organiser)
    services.cancel_registration(waiting.pk, by=None)
    with pytest.raises(services.RegistrationError):
        services.check_in(waiting.pk, by=organiser)
    waiting.refresh_from_db()
    assert waiting.checked_in_at is None


def test_resend_confirmation_is_rate_limited(small):
    registration = register(small)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.resend_confirmation(registration.pk, by=registration.attendee)
    with (
        time_machine.travel(start + datetime.timedelta(minutes=4), tick=False),
        pytest.raises(services.RegistrationError) as refused,
    ):
        services.resend_confirmation(registration.pk, by=registration.attendee)
    assert "try again in 7 minutes" in refused.value.message
    with time_machine.travel(start + datetime.timedelta(minutes=11), tick=False):
        services.resend_confirmation(registration.pk, by=registration.attendee)
    assert kinds_for(registration.attendee) == ["registration.confirmed"] * 3


def test_resend_is_refused_for_a_waiting_registration(db):
    edition = EditionFactory(capacity=0)
    waiting = register(edition)
    with pytest.raises(services.RegistrationError):
        services.resend_confirmation(waiting.pk, by=waiting.attendee)
    assert kinds_for(waiting.attendee) == ["registration.waitlisted"]


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (datetime.datetime(2030, 1, 31, 23, 59, tzinfo=datetime.UTC), "not opened yet"),
        (datetime.datetime(2030, 3, 1, 0, 0, tzinfo=datetime.UTC), "is closed"),
    ],
)
def test_registration_outside_the_window_is_refused(db, moment, message):
    edition = EditionFactory(
        registration_opens_at=datetime.datetime(2030, 2, 1, tzinfo=datetime.UTC),
        registration_closes_at=datetime.datetime(2030, 3, 1, tzinfo=datetime.UTC),
    )
    user = UserFactory()
    with time_machine.travel(moment, tick=False):
        with pytest.raises(services.RegistrationError) as refused:
            register(edition, user)
        assert message in refused.value.message
        assert not Registration.objects.exists()
        # Organisers in the admin may still register people.
        assert register(edition, user, enforce_window=False).status == CONFIRMED


def test_registration_inside_the_window_is_accepted(db):
    edition = EditionFactory(
        registration_opens_at=datetime.datetime(2030, 2, 1, tzinfo=datetime.UTC),
        registration_closes_at=datetime.datetime(2030, 3, 1, tzinfo=datetime.UTC),
    )
    with time_machine.travel(datetime.datetime(2030, 2, 1, tzinfo=datetime.UTC), tick=False):
        assert register(edition).status == CONFIRMED


def test_missing_consent_and_unoffered_choices_are_refused(db):
    online_only = EditionFactory(format=Edition.Format.ONLINE, interpretation_languages=["es"])
    with pytest.raises(services.RegistrationError) as refused:
        register(online_only, consent=False, attendance="online")
    assert refused.value.field == "consent"
    with pytest.raises(services.RegistrationError) as refused:
        register(online_only, attendance="in_person")
    assert refused.value.field == "attendance"
    with pytest.raises(services.RegistrationError) as refused:
        register(online_only, attendance="online", interpretation_language="fr")
    assert refused.value.field == "interpretation_language"
    assert not Registration.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_dietary_needs_are_kept_for_in_person_only(small):
    online = register(small, attendance="online", dietary_needs="vegetarian")
    in_person = register(small, dietary_needs="vegetarian")
    assert online.dietary_needs == "" and in_person.dietary_needs == "vegetarian"


def test_moving_online_clears_the_in_person_answers(small):
    dinner = QuestionFactory(edition=small, in_person_only=True)
    topic = QuestionFactory(edition=small)
    registration = register(
        small, dietary_needs="Vegan", answers={dinner.pk: "Yes", topic.pk: "MOOCs"}
    )
    assert registration.answers.count() == 2
    services.update_registration(
        registration.pk,
        by=registration.attendee,
        attendance="online",
        dietary_needs="Vegan",
        answers={dinner.pk: "Yes"},
    )
    registration.refresh_from_db()
    assert registration.dietary_needs == ""
    assert {a.question_id: a.value for a in registration.answers.all()} == {topic.pk: "MOOCs"}


def test_answers_are_stored_and_questions_of_other_editions_ignored(small):
    mine = QuestionFactory(edition=small, kind="multiple", choices="A\nB\nC")
    yes_no = QuestionFactory(edition=small, kind="yes_no")
    foreign = QuestionFactory(edition=EditionFactory())
    registration = register(
        small, answers={mine.pk: ["a", "c"], yes_no.pk: "yes", foreign.pk: "forged"}
    )
    answers = {a.question_id: a for a in Answer.objects.filter(registration=registration)}
    assert set(answers) == {mine.pk, yes_no.pk}
    assert answers[mine.pk].display_value == "A; C"
    assert answers[yes_no.pk].display_value == "Yes"


def test_moving_online_frees_the_seat_for_the_next_in_line(db):
    edition = EditionFactory(capacity=1)
    holder, waiting = register(edition), register(edition)
    services.update_registration(holder.pk, by=holder.attendee, attendance="online")
    holder.refresh_from_db(), waiting.refresh_from_db()
    assert holder.attendance == "online" and holder.status == CONFIRMED
    assert waiting.status == CONFIRMED
    assert kinds_for(holder.attendee) == ["registration.confirmed"]
    assert kinds_for(waiting.attendee)[-1] == "registration.promoted"


def test_waiting_person_moving_online_is_confirmed_with_one_email(db):
    edition = EditionFactory(capacity=1)
    register(edition)
    waiting = register(edition, dietary_needs="halal")
    services.update_registration(waiting.pk, by=waiting.attendee, attendance="online")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attendance, waiting.dietary_needs) == (CONFIRMED, "online", "")
    assert kinds_for(waiting.attendee) == ["registration.waitlisted", "registration.confirmed"]


def test_moving_in_person_without_a_free_seat_is_refused(db):
    edition = EditionFactory(capacity=1)
    register(edition)
    online = register(edition, attendance="online")
    with pytest.raises(services.RegistrationError) as refused:
        services.update_registration(online.pk, by=online.attendee, attendance="in_person")
    assert refused.value.field == "attendance"
    online.refresh_from_db()
    assert online.attendance == "online" and online.status == CONFIRMED


def test_a_cancelled_registration_cannot_be_changed(small):
    registration = register(small)
    services.cancel_registration(registration.pk, by=None)
    with pytest.raises(services.RegistrationError):
        services.update_registration(registration.pk, by=None, accessibility_needs="ramp")


def test_ticket_codes_are_long_random_and_unique(small):
    codes = {register(small, attendance="online").ticket_code for _ in range(20)}
    assert len(codes) == 20
    # 20 characters of a 32-letter alphabet: 100 random bits.
    assert all(len(code) == 20 for code in codes)
