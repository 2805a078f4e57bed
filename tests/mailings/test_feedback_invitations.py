"""The evening email inviting confirmed attendees to rate the day's sessions: when it
goes, to whom, once per person and day (two rules, two schedulers), in each person's
language and time zone, and what it lists."""

import threading
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connections, transaction

from agenda import services as agenda_services
from agenda.models import Session
from gmc import outbox
from gmc.models import OutboxMessage
from mailings import preferences, reminders
from mailings.models import EmailCategory, ReminderRule
from registration.models import Registration
from tests.agenda.factories import SessionFactory, local
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory

KIND = "reminders.feedback"


@pytest.fixture
def edition(db):
    return EditionFactory(time_zone="America/Mexico_City")


@pytest.fixture
def programme(edition):
    """Day 1: two sessions and a break; day 2: one session."""
    return {
        "morning": SessionFactory(
            edition=edition, title="Morning plenary",
            starts_at=local(edition, 0, 9), ends_at=local(edition, 0, 10),
        ),
        "tea": SessionFactory(
            edition=edition, title="Tea Break", kind=Session.Kind.BREAK,
            starts_at=local(edition, 0, 10), ends_at=local(edition, 0, 10, 30),
        ),
        "afternoon": SessionFactory(
            edition=edition, title="Afternoon panel",
            starts_at=local(edition, 0, 16), ends_at=local(edition, 0, 18),
        ),
        "next": SessionFactory(
            edition=edition, title="Second day keynote",
            starts_at=local(edition, 1, 9, 30), ends_at=local(edition, 1, 12, 30),
        ),
    }  # fmt: skip


def rule_for(edition, **fields) -> ReminderRule:
    values = {
        "name": "Feedback in the evening",
        "event": ReminderRule.Event.DAY_ENDS,
        "offset": timedelta(hours=3),
        "audience": ReminderRule.Audience.CONFIRMED,
        "kind": KIND,
        **fields,
    }
    rule = ReminderRule(edition=edition, **values)
    rule.full_clean()
    rule.save()
    return rule


def attendee(edition, *, verified=True, **registration):
    person = UserFactory()
    if verified:
        EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    RegistrationFactory(edition=edition, attendee=person, **registration)
    return person


def run_at(moment) -> reminders.RunResult:
    with time_machine.travel(moment, tick=False):
        return reminders.send_due()


def invited() -> list[str]:
    return sorted(OutboxMessage.objects.filter(kind=KIND).values_list("to_email", flat=True))


def deliver_all() -> None:
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    outbox.deliver_many(list(pending.values_list("pk", flat=True)))


def test_confirmed_attendees_are_invited_once_in_the_evening_of_each_day(edition, programme):
    in_person = attendee(edition)
    online = attendee(edition, attendance=Registration.Attendance.ONLINE)
    attendee(edition, status=Registration.Status.WAITING)
    attendee(edition, status=Registration.Status.CANCELLED)
    attendee(edition, verified=False)
    declined = attendee(edition)
    preferences.unsubscribe(declined.pk, EmailCategory.REMINDERS)
    outsider = UserFactory()
    EmailAddress.objects.create(user=outsider, email=outsider.email, verified=True)
    rule_for(edition)
    evening = local(edition, 0, 21)

    assert run_at(evening - timedelta(minutes=1)).queued == 0
    assert run_at(evening).queued == 2
    assert invited() == sorted([in_person.email, online.email])
    # Again, later that evening, or from a second rule of the same event: nothing more.
    rule_for(edition, name="Another evening rule", offset=timedelta(hours=2))
    assert run_at(evening + timedelta(minutes=5)).queued == 0
    assert run_at(local(edition, 0, 22)).queued == 0
    assert len(invited()) == 2
    # The second day has its own.
    assert run_at(local(edition, 1, 21)).queued == 2
    assert len(invited()) == 4
    keys = set(OutboxMessage.objects.filter(kind=KIND).values_list("key", flat=True))
    day = programme["morning"].starts_at.astimezone(edition.tz).date()
    assert f"{KIND}|gmc.edition:{edition.pk}|day:{day}|user:{in_person.pk}" in keys


def test_the_email_lists_the_days_sessions_in_the_persons_language_and_zone(edition, programme):
    tokyo = attendee(edition)
    tokyo.language, tokyo.time_zone = "es", "Asia/Tokyo"
    tokyo.save(update_fields=["language", "time_zone"])
    local_person = attendee(edition)
    rule_for(edition)
    run_at(local(edition, 0, 21))
    by_address = {m.to_email: m for m in OutboxMessage.objects.filter(kind=KIND)}
    context = by_address[local_person.email].context
    assert [s["title"] for s in context["sessions"]] == ["Morning plenary", "Afternoon panel"]
    morning = programme["morning"]
    assert context["sessions"][0]["url"].endswith(morning.get_absolute_url() + "#feedback")
    assert "09:00" in context["sessions"][0]["when"]
    assert context["zone"] == "Mexico City time (UTC-6)"
    spanish = by_address[tokyo.email].context
    # 09:00 in Mexico City (UTC-6) is 00:00 the next day in Tokyo (UTC+9).
    assert "00:00" in spanish["sessions"][0]["when"]
    assert spanish["zone"].endswith("(UTC+9)")
    deliver_all()
    sent = {m.to[0]: m for m in mail.outbox}
    assert "Morning plenary" in sent[local_person.email].body
    assert "Tea Break" not in sent[local_person.email].body
    assert "Second day keynote" not in sent[local_person.email].body
    assert "/email/unsubscribe/" in sent[local_person.email].body
    # In Spanish: its subject and text are not the English ones.
    assert sent[tokyo.email].subject != sent[local_person.email].subject
    assert "Morning plenary" in sent[tokyo.email].body


def test_the_invitation_waits_for_the_days_last_session(edition, programme):
    late = SessionFactory(
        edition=edition, title="Evening debate",
        starts_at=local(edition, 0, 20), ends_at=local(edition, 0, 22, 30),
    )  # fmt: skip
    attendee(edition)
    rule_for(edition)
    assert run_at(local(edition, 0, 21, 30)).queued == 0
    assert run_at(late.ends_at).queued == 1
    titles = [s["title"] for s in OutboxMessage.objects.get().context["sessions"]]
    assert titles == ["Morning plenary", "Afternoon panel", "Evening debate"]


def test_past_the_grace_period_the_day_is_skipped(edition, programme, settings):
    settings.REMINDER_GRACE_MINUTES = 60
    attendee(edition)
    rule_for(edition)
    assert run_at(local(edition, 0, 22, 1)).queued == 0
    assert run_at(local(edition, 0, 21, 59)).queued == 1


def test_who_rated_every_session_of_the_day_is_not_asked(edition, programme):
    done, halfway = attendee(edition), attendee(edition)
    after = local(edition, 0, 19)
    for session in (programme["morning"], programme["afternoon"]):
        agenda_services.give_feedback(session.pk, by=done, rating=4, now=after)
    agenda_services.give_feedback(programme["morning"].pk, by=halfway, rating=4, now=after)
    rule_for(edition)
    run_at(local(edition, 0, 21))
    assert invited() == [halfway.email]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"audience": ReminderRule.Audience.REGISTERED}, "audience"),
        ({"kind": "reminders.conference_starting"}, "kind"),
        ({"offset": timedelta(days=1)}, "offset"),
        ({"event": ReminderRule.Event.CONFERENCE_STARTS}, "kind"),
    ],
)
def test_a_feedback_rule_is_checked(edition, fields, field):
    with pytest.raises(ValidationError) as error:
        rule_for(edition, **fields)
    assert field in error.value.message_dict


def _in_threads(target, count: int = 2) -> list:
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_invite_each_person_once(edition, programme):
    people = [attendee(edition) for _ in range(15)]
    rule_for(edition)
    with time_machine.travel(local(edition, 0, 21), tick=False):
        results = _in_threads(reminders.send_due)
    assert sum(result.queued for result in results) == 15
    assert invited() == sorted(person.email for person in people)


@pytest.mark.django_db(transaction=True)
def test_two_runs_racing_past_the_lock_still_invite_once(edition, programme):
    people = [attendee(edition) for _ in range(15)]
    rule = rule_for(edition)
    second = rule_for(edition, name="A second rule")

    def queue(rule_id: int):
        def run() -> int:
            row = ReminderRule.objects.select_related("edition").get(pk=rule_id)
            with time_machine.travel(local(edition, 0, 21), tick=False), transaction.atomic():
                return sum(
                    reminders.queue_occurrence(occurrence)
                    for occurrence in reminders.due_occurrences([row], local(edition, 0, 21))
                )

        return run

    runs = iter([queue(rule.pk), queue(second.pk)])
    _in_threads(lambda: next(runs)())
    assert invited() == sorted(person.email for person in people)
