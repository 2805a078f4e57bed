import io
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations.models import Submission
from gmc import outbox
from gmc.models import OutboxMessage, User
from mailings import preferences, reminders
from mailings.models import EmailCategory, ReminderRule
from registration.models import Registration
from tests.agenda.factories import SessionFactory
from tests.declarations.factories import CallFactory, SubmissionFactory
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory

CLOSES = datetime(2030, 3, 10, 17, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def verified_user(**fields):
    person = UserFactory(**fields)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    return person


@pytest.fixture
def edition(db):
    return EditionFactory(
        year=2030,
        time_zone="America/Mexico_City",
        registration_opens_at=CLOSES - 60 * DAY,
        registration_closes_at=CLOSES,
        start_date=(CLOSES + 30 * DAY).date(),
        end_date=(CLOSES + 32 * DAY).date(),
    )


def rule_for(edition, **fields) -> ReminderRule:
    defaults = {
        "name": "Registration closes in a day",
        "event": ReminderRule.Event.REGISTRATION_CLOSES,
        "offset": DAY,
        "audience": ReminderRule.Audience.NOT_REGISTERED,
        "kind": "reminders.registration_closing",
    }
    defaults.update(fields)
    rule = ReminderRule(edition=edition, **defaults)
    rule.full_clean()
    rule.save()
    return rule


def run_at(moment: datetime) -> reminders.RunResult:
    with time_machine.travel(moment, tick=False):
        return reminders.send_due()


def reminded(rule: ReminderRule | None = None) -> list[str]:
    rows = OutboxMessage.objects.filter(kind__startswith="reminders.")
    if rule is not None:
        rows = rows.filter(kind=rule.kind, key__contains=f"gmc.reminderrule:{rule.pk}|")
    return sorted(rows.values_list("to_email", flat=True))


def deliver_all() -> None:
    ids = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    outbox.deliver_many(ids)


def test_nothing_before_the_moment_one_each_at_it_nothing_after(edition):
    first, second = verified_user(), verified_user()
    rule = rule_for(edition)
    moment = CLOSES - DAY

    assert run_at(moment - timedelta(minutes=1)).queued == 0
    assert reminded() == []

    assert run_at(moment).queued == 2
    assert reminded(rule) == sorted([first.email, second.email])
    deliver_all()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])

    assert run_at(moment + timedelta(minutes=1)).queued == 0
    assert run_at(moment + timedelta(minutes=30)).queued == 0
    deliver_all()
    assert len(mail.outbox) == 2
    assert OutboxMessage.objects.count() == 2


def test_catching_up_within_grace_sends_past_it_skips(edition, settings):
    settings.REMINDER_GRACE_MINUTES = 60
    verified_user()
    rule_for(edition)
    moment = CLOSES - DAY
    assert run_at(moment + timedelta(minutes=61)).queued == 0
    assert run_at(moment + timedelta(hours=5)).queued == 0
    assert reminded() == []
    # Within the grace period a late run still sends.
    assert run_at(moment + timedelta(minutes=59)).queued == 1


def test_moving_the_deadline_moves_the_pending_reminder(edition):
    person = verified_user()
    rule_for(edition)
    old_moment = CLOSES - DAY
    edition.registration_closes_at = CLOSES + 2 * DAY
    edition.save(update_fields=["registration_closes_at"])

    assert run_at(old_moment).queued == 0
    assert run_at(old_moment + DAY).queued == 0
    assert run_at(old_moment + 2 * DAY).queued == 1
    assert reminded() == [person.email]
    message = OutboxMessage.objects.get()
    # The email names the new deadline, in the event's zone.
    assert message.context["when"] == "12 March 2030, 11:00, Mexico City time (UTC-6)"


def test_inactive_rule_sends_nothing(edition):
    verified_user()
    rule_for(edition, is_active=False)
    assert run_at(CLOSES - DAY).queued == 0


def test_not_registered_audience_is_exact(edition):
    wanted = verified_user()
    verified_user(is_active=False)
    UserFactory()  # never verified their address
    registered = verified_user()
    RegistrationFactory(edition=edition, attendee=registered)
    cancelled = verified_user()
    RegistrationFactory(edition=edition, attendee=cancelled, status=Registration.Status.CANCELLED)
    other_edition = verified_user()
    RegistrationFactory(edition=EditionFactory(year=2031), attendee=other_edition)
    declined = verified_user()
    preferences.unsubscribe(declined.pk, EmailCategory.REMINDERS)

    rule = rule_for(edition)
    run_at(CLOSES - DAY)
    assert reminded(rule) == sorted([wanted.email, other_edition.email])


@pytest.fixture
def call(edition):
    edition.declaration_deadline = CLOSES
    edition.save()
    return CallFactory(edition=edition, opens_at=CLOSES - 40 * DAY)


def participant(edition, **registration):
    person = verified_user()
    RegistrationFactory(edition=edition, attendee=person, **registration)
    return person


def test_declaration_closing_skips_those_who_sent_input(edition, call):
    nothing_yet = participant(edition)
    with_draft = participant(edition)
    SubmissionFactory(
        call=call, contributor=with_draft, status=Submission.Status.DRAFT, submitted_at=None
    )
    sent = participant(edition)
    SubmissionFactory(call=call, contributor=sent)
    included = participant(edition)
    SubmissionFactory(call=call, contributor=included, status=Submission.Status.INCLUDED)
    waiting = participant(edition, status=Registration.Status.WAITING)
    cancelled = participant(edition, status=Registration.Status.CANCELLED)
    unverified = UserFactory()
    RegistrationFactory(edition=edition, attendee=unverified)
    verified_user()  # not registered

    without = rule_for(
        edition,
        name="Input closes in a week",
        event=ReminderRule.Event.DECLARATION_CLOSES,
        offset=7 * DAY,
        audience=ReminderRule.Audience.WITHOUT_SUBMISSION,
        kind="reminders.declaration_closing",
    )
    drafts = rule_for(
        edition,
        name="Finish your draft",
        event=ReminderRule.Event.DECLARATION_CLOSES,
        offset=7 * DAY,
        audience=ReminderRule.Audience.WITH_DRAFT,
        kind="reminders.declaration_closing",
    )
    run_at(CLOSES - 7 * DAY)
    assert reminded(without) == sorted([nothing_yet.email, with_draft.email, waiting.email])
    assert reminded(drafts) == [with_draft.email]
    assert cancelled.email not in reminded()
    assert sent.email not in reminded() and included.email not in reminded()


def test_conference_start_goes_to_confirmed_attendees_of_the_mode(edition):
    edition.opening_at = CLOSES + 30 * DAY
    edition.save(update_fields=["opening_at"])
    online = participant(edition, attendance=Registration.Attendance.ONLINE)
    participant(edition, attendance=Registration.Attendance.IN_PERSON)
    participant(edition, status=Registration.Status.WAITING)
    rule = rule_for(
        edition,
        name="Online: starts in an hour",
        event=ReminderRule.Event.CONFERENCE_STARTS,
        offset=timedelta(hours=1),
        audience=ReminderRule.Audience.CONFIRMED,
        attendance=ReminderRule.Attendance.ONLINE,
        kind="reminders.conference_starting",
    )
    run_at(edition.opening_at - timedelta(hours=1))
    assert reminded(rule) == [online.email]


def test_starred_session_reminds_online_attendees_who_starred_it(edition):
    session = SessionFactory(edition=edition, plenary_number=2, theme="Open credentials")
    other = SessionFactory(edition=edition, starts_at=session.starts_at + timedelta(hours=3))
    starred = participant(edition, attendance=Registration.Attendance.ONLINE)
    in_person = participant(edition, attendance=Registration.Attendance.IN_PERSON)
    not_starred = participant(edition, attendance=Registration.Attendance.ONLINE)
    for person in (starred, in_person):
        session.stars.create(user=person)
    other.stars.create(user=not_starred)
    rule = rule_for(
        edition,
        name="Starred session in 15 minutes",
        event=ReminderRule.Event.SESSION_STARTS,
        offset=timedelta(minutes=15),
        audience=ReminderRule.Audience.STARRED,
        attendance=ReminderRule.Attendance.ONLINE,
        kind="reminders.session_starting",
    )
    run_at(session.starts_at - timedelta(minutes=16))
    assert reminded() == []
    run_at(session.starts_at - timedelta(minutes=15))
    assert reminded(rule) == [starred.email]
    message = OutboxMessage.objects.get()
    # The title as the programme shows it, the plenary's theme included.
    assert message.context["session_title"] == f"{session.title}: Open credentials"
    run_at(session.starts_at - timedelta(minutes=10))
    assert reminded(rule) == [starred.email]
    run_at(other.starts_at - timedelta(minutes=15))
    assert reminded(rule) == sorted([starred.email, not_starred.email])


def test_email_shows_the_recipients_zone_else_the_events(edition):
    nairobi = verified_user(time_zone="Africa/Nairobi")
    unknown = verified_user(time_zone="")
    rule_for(edition)
    run_at(CLOSES - DAY)
    deliver_all()
    by_address = {m.to[0]: m for m in mail.outbox}
    # 17:00 UTC is 20:00 in Nairobi and 11:00 in Mexico City (no daylight saving in 2030).
    assert "20:00, Nairobi time (UTC+3)" in by_address[nairobi.email].body
    assert "11:00, Mexico City time (UTC-6)" in by_address[unknown.email].body
    assert "Nairobi time (UTC+3)" in by_address[nairobi.email].subject


def test_rule_offset_and_audience_are_validated(edition):
    rule = ReminderRule(
        edition=edition,
        name="Bad",
        event=ReminderRule.Event.SESSION_STARTS,
        offset=-DAY,
        audience=ReminderRule.Audience.REGISTERED,
        kind="registration.confirmed",
    )
    with pytest.raises(Exception) as error:
        rule.full_clean()
    assert set(error.value.message_dict) >= {"offset", "audience", "kind"}


def test_queueing_takes_the_same_number_of_queries_for_more_recipients(edition):
    rule = rule_for(edition)

    def queries_for(count: int) -> int:
        OutboxMessage.objects.all().delete()
        for _ in range(count):
            verified_user()
        occurrence = reminders.Occurrence(rule, CLOSES)
        with CaptureQueriesContext(connection) as queries:
            reminders.queue_occurrence(occurrence)
        return len(queries)

    assert queries_for(2) == queries_for(30)


def _in_threads(target, count: int = 2) -> list:
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as exc:  # reported by the test below
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
def test_two_concurrent_runs_queue_one_email_per_recipient(edition):
    people = [verified_user() for _ in range(20)]
    rule_for(edition)
    with time_machine.travel(CLOSES - DAY, tick=False):
        results = _in_threads(reminders.send_due)
    assert sum(result.queued for result in results) == 20
    assert reminded() == sorted(person.email for person in people)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_without_the_lock_still_queue_once(edition):
    """Two queuing runs racing past the lock (say, on two databases' worth of beat): the
    unique keys alone keep one message per recipient."""
    people = [verified_user() for _ in range(20)]
    rule = rule_for(edition)

    def queue_once() -> int:
        from django.db import transaction

        rule_row = ReminderRule.objects.select_related("edition").get(pk=rule.pk)
        with transaction.atomic():
            return reminders.queue_occurrence(reminders.Occurrence(rule_row, CLOSES))

    results = _in_threads(queue_once)
    assert sum(results) >= 20
    assert reminded() == sorted(person.email for person in people)


def test_demo_has_the_reminders_of_2025_and_the_current_edition(demo):
    rules = ReminderRule.objects.select_related("edition")
    years = {rule.edition.year for rule in rules}
    assert years == {2025, 2026}
    count = rules.count()
    assert rules.filter(edition__year=2025, event=ReminderRule.Event.DECLARATION_CLOSES).exists()
    for rule in rules:
        rule.full_clean()
    call_command("load_demo", stdout=io.StringIO())
    assert ReminderRule.objects.count() == count


def test_admin_lists_rules_in_a_fixed_number_of_queries(client, staff_organiser, edition):
    client.force_login(staff_organiser)
    url = reverse("admin:mailings_reminderrule_changelist")
    rule_for(edition)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for offset in range(2, 12):
        rule_for(edition, name=f"Rule {offset}", offset=offset * DAY)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
    assert "Rule 11" in response.content.decode()


def test_job_selects_and_queues_every_recipient_in_the_same_number_of_queries(edition):
    """A fixed number of queries, not one per recipient (the time at 10,000 recipients
    is measured by `make bench`, bench/mail.py)."""
    rule = rule_for(edition)
    people: list[User] = []

    def run_with(count: int) -> int:
        """Queries of a run for ``count`` recipients, all of them queued."""
        OutboxMessage.objects.all().delete()
        more = User.objects.bulk_create(
            [
                User(email=f"reader{n}@example.org", full_name=f"Reader {n}")
                for n in range(len(people), count)
            ]
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in more]
        )
        people.extend(more)
        with CaptureQueriesContext(connection) as queries:
            result = run_at(CLOSES - DAY)
        assert result.queued == len(people) == count
        assert reminded(rule) == sorted(person.email for person in people)
        return len(queries)

    # SQLite makes Django split a bulk insert at 999 parameters (about 58 outbox rows):
    # there the larger run stays within one insert.
    larger = 300 if connection.vendor == "postgresql" else 50
    assert run_with(20) == run_with(larger)


@pytest.mark.delivery
def test_beat_task_through_a_worker_delivers_the_reminder_once(celery_worker, smtp_sink):
    from mailings.tasks import send_due_reminders
    from tests.conftest import wait_for

    closes = timezone.now() + DAY - timedelta(minutes=1)  # the 1-day reminder is due
    edition = EditionFactory(
        year=2032,
        registration_opens_at=closes - 30 * DAY,
        registration_closes_at=closes,
    )
    person = verified_user(time_zone="Asia/Tokyo")
    rule_for(edition)
    send_due_reminders.delay()
    wait_for(lambda: smtp_sink.messages, message="the reminder was not delivered")
    send_due_reminders.delay()
    send_due_reminders.delay()
    # A sentinel sent after the repeated runs: once it arrives, they have all been done.
    with transaction.atomic():
        outbox.queue(kind="outbox.test", to="sentinel@example.org")
    wait_for(lambda: any("sentinel" in m["To"] for m in smtp_sink.messages), message="no sentinel")
    assert OutboxMessage.objects.filter(recipient=person).count() == 1
    reminders_received = [m for m in smtp_sink.messages if m["To"] == person.email]
    assert len(reminders_received) == 1
    email = reminders_received[0]
    assert "Tokyo time (UTC+9)" in email["Subject"]
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_rule_with_its_own_wording_sends_it_and_the_others_keep_theirs(edition):
    person = verified_user(full_name="Amina Otieno")
    rule_for(edition)
    rule_for(
        edition,
        name="Travel check",
        subject="Travel check for {{ edition_title }}",
        text="Dear {{ name }},\n\nIs your visa ready? Registration closes {{ when }}.",
    )
    run_at(CLOSES - DAY)
    deliver_all()
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        "Registration for GMC 2030 closes on 10 March 2030, 11:00, Mexico City time (UTC-6)",
        "Travel check for GMC 2030",
    ]
    travel = next(m for m in mail.outbox if m.subject.startswith("Travel"))
    assert travel.to == [person.email]
    assert travel.body.startswith("Dear Amina Otieno,\n\nIs your visa ready?")
    assert "Registration closes 10 March 2030, 11:00, Mexico City time (UTC-6)." in travel.body
    assert "/email/unsubscribe/" in travel.body  # still a reminder people can decline


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({"subject": "Travel check"}, "text", "Write both"),
        ({"text": "Is your visa ready?"}, "subject", "Write both"),
        ({"subject": "Hi", "text": "Your {{ ticket_code }}"}, "text", "Unknown variables"),
        ({"subject": "Hi {% if %}", "text": "Hello"}, "subject", "Template error"),
    ],
)
def test_a_rules_own_wording_is_checked(edition, fields, field, error):
    rule = ReminderRule(
        edition=edition,
        name="Travel check",
        event=ReminderRule.Event.CONFERENCE_STARTS,
        offset=7 * DAY,
        audience=ReminderRule.Audience.CONFIRMED,
        kind="reminders.conference_starting",
        **fields,
    )
    with pytest.raises(ValidationError) as raised:
        rule.full_clean()
    assert error in " ".join(raised.value.message_dict[field])


def rule_form(edition, **fields) -> dict:
    data = {
        "edition": edition.pk,
        "name": "Travel check",
        "event": ReminderRule.Event.REGISTRATION_CLOSES,
        "offset_0": "7",
        "offset_1": "days",
        "audience": ReminderRule.Audience.REGISTERED,
        "attendance": "",
        "kind": "reminders.registration_closing",
        "subject": "",
        "text": "",
        "is_active": "on",
    }
    data.update(fields)
    return data


def test_admin_takes_the_offset_as_a_number_and_a_unit_and_shows_it_in_words(
    client, staff_organiser, edition
):
    client.force_login(staff_organiser)
    add = reverse("admin:mailings_reminderrule_add")
    page = client.get(add).content.decode()
    assert 'name="offset_0"' in page
    assert '<option value="hours">hours</option>' in page
    assert "0:00:00" not in page

    response = client.post(add, rule_form(edition))
    assert response.status_code == 302
    rule = ReminderRule.objects.get()
    assert rule.offset == 7 * DAY
    client.post(add, rule_form(edition, name="Hour before", offset_0="90", offset_1="minutes"))
    assert ReminderRule.objects.get(name="Hour before").offset == timedelta(minutes=90)

    listing = client.get(reverse("admin:mailings_reminderrule_changelist")).content.decode()
    assert "7 days" in listing
    assert "90 minutes" in listing
    assert "0:00:00" not in listing and "1:30:00" not in listing

    change = client.get(reverse("admin:mailings_reminderrule_change", args=[rule.pk]))
    page = change.content.decode()
    assert 'name="offset_0" value="7"' in page
    assert '<option value="days" selected>' in page

    refused = client.post(add, rule_form(edition, name="After", offset_0="-1"))
    assert refused.status_code == 200
    assert "A reminder is sent before the event, not after." in refused.content.decode()
    refused = client.post(add, rule_form(edition, name="Blank", offset_0=""))
    assert refused.status_code == 200
    assert not ReminderRule.objects.filter(name__in=["After", "Blank"]).exists()


def test_admin_shows_when_a_rule_sends_in_the_events_zone(client, staff_organiser, edition):
    client.force_login(staff_organiser)
    rule = rule_for(edition, offset=7 * DAY)
    # 17:00 UTC on 3 March 2030 is 11:00 in Mexico City.
    listing = client.get(reverse("admin:mailings_reminderrule_changelist")).content.decode()
    assert "3 March 2030, 11:00, Mexico City time (UTC-6)" in listing
    assert "(UTC)" not in listing
    page = client.get(
        reverse("admin:mailings_reminderrule_change", args=[rule.pk])
    ).content.decode()
    assert "3 March 2030, 11:00, Mexico City time (UTC-6)" in page


def test_admin_previews_the_rules_own_wording_or_the_emails(client, staff_organiser, edition):
    client.force_login(staff_organiser)
    plain = rule_for(edition)
    page = client.get(
        reverse("admin:mailings_reminderrule_change", args=[plain.pk])
    ).content.decode()
    assert "The wording of the chosen email." in page
    assert "Registration for Global MOOC and Online Education Conference 2026 closes" in page

    response = client.post(
        reverse("admin:mailings_reminderrule_change", args=[plain.pk]),
        rule_form(
            edition,
            name=plain.name,
            subject="Travel check for {{ edition_title }}",
            text="Dear {{ name }}, is your visa ready?",
        ),
    )
    assert response.status_code == 302
    page = client.get(
        reverse("admin:mailings_reminderrule_change", args=[plain.pk])
    ).content.decode()
    assert "This rule&#x27;s own wording." in page or "This rule's own wording." in page
    assert "Travel check for Global MOOC and Online Education Conference 2026" in page
    assert "Dear Amina Otieno, is your visa ready?" in page
