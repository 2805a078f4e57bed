"""Every email kind declares exactly what its sender puts in the message and what its
built-in templates use: the declared variables are what organisers may use in their own
wording of it (``mailings.wording.check_template``), so a declaration that drifts from
the code either refuses what the built-in email itself does or offers what is never
there.

Each kind's context is taken from the outbox rows its real sender writes, from real
objects, never from the declaration's sample."""

import datetime
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.template import engines
from django.template.utils import get_app_template_dirs
from django.urls import reverse
from django.utils import timezone

from agenda import services as agenda_services
from agenda.models import Star
from agenda.notices import send_due_notices
from declarations import services as declaration_services
from declarations.models import Submission
from documents import certificates
from documents import services as document_services
from documents.visa import services as visa_services
from gmc import email_kinds, outbox
from gmc.models import OutboxMessage
from mailings import reminders, wording
from mailings import services as message_services
from mailings.models import Broadcast, EmailTemplate, ReminderRule
from registration import services as registration_services
from registration.models import Registration
from tests.agenda.factories import RoomFactory, SessionFactory, local
from tests.declarations.factories import call_with_topics
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory

KEYS = list(email_kinds.KINDS)
PARTS = [(".subject.txt", "text"), (".txt", "text"), (".html", "django")]
# Emails with template files that are not kinds organisers reword: allauth's account
# emails carry sign-in codes and links (a reworded subject could leak them), and the
# outbox's test message is the operator's check of the mail server.
NOT_ORGANISERS_KINDS = ("account.", "outbox.")


def free_names(kind: email_kinds.EmailKind) -> set[str]:
    """The names the kind's built-in subject, text and HTML read from the context."""
    names: set[str] = set()
    for suffix, engine in PARTS:
        template = engines[engine].get_template(f"emails/{kind.template}{suffix}")
        used, bound = wording.template_names(template)
        names |= used - bound
    return names


# --- what the senders really write ----------------------------------------------------


def registration_emails(organiser) -> None:
    """One registration in each state an email is sent for, through the services."""
    edition = EditionFactory(capacity=1)

    def register(attendance=Registration.Attendance.IN_PERSON) -> Registration:
        return registration_services.register_attendee(
            edition.pk, attendee=UserFactory(), attendance=attendance, consent=True
        )

    seated = register()  # confirmed
    register()  # waitlisted
    later = register()  # waitlisted behind them
    register(Registration.Attendance.ONLINE)  # confirmed, with the joining links' date
    registration_services.cancel_registration(seated.pk, by=None)  # promotes the first waiting
    registration_services.confirm_from_waitlist(later.pk, by=organiser, reason="A speaker")


def receipt_emails(organiser) -> None:
    """Input sent with an attachment and both consents, then changed and sent again."""
    call = call_with_topics(edition=EditionFactory())
    person = UserFactory()
    RegistrationFactory(edition=call.edition, attendee=person)
    first, second, *_rest = call.topics.all()
    submission = declaration_services.save_draft(
        call.pk,
        contributor=person,
        answers={first.pk: "Courses reached new students."},
        quote_consent=Submission.QuoteConsent.NAMED,
        showcase_consent=True,
    )
    declaration_services.add_link(
        submission.pk, by=person, link="https://example.org/report", title="Course report"
    )
    declaration_services.submit(submission.pk, by=person)
    declaration_services.save_draft(
        call.pk,
        contributor=person,
        answers={first.pk: "Courses reached new students.", second.pk: "They are open."},
        quote_consent=Submission.QuoteConsent.ANONYMOUS,
    )
    declaration_services.submit(submission.pk, by=person)


def sessions_moved_emails(organiser) -> None:
    """A starred session moved to another time; the notice is sent when due."""
    edition = EditionFactory()
    session = SessionFactory(
        edition=edition, starts_at=local(edition, 0, 9), room=RoomFactory(edition=edition)
    )
    Star.objects.create(user=UserFactory(time_zone="Asia/Ho_Chi_Minh"), session=session)
    agenda_services.shift_sessions([session.pk], 30, by=None)
    later = timezone.now() + timedelta(
        seconds=django_settings.AGENDA_MOVE_NOTICE_DELAY_SECONDS + 1
    )
    with time_machine.travel(later, tick=False):
        assert send_due_notices() == 1


def verified_user(**fields):
    person = UserFactory(**fields)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    return person


REMINDER_RULES = {
    "reminders.registration_closing": (
        ReminderRule.Event.REGISTRATION_CLOSES,
        ReminderRule.Audience.NOT_REGISTERED,
    ),
    "reminders.declaration_closing": (
        ReminderRule.Event.DECLARATION_CLOSES,
        ReminderRule.Audience.WITHOUT_SUBMISSION,
    ),
    "reminders.conference_starting": (
        ReminderRule.Event.CONFERENCE_STARTS,
        ReminderRule.Audience.CONFIRMED,
    ),
    "reminders.session_starting": (
        ReminderRule.Event.SESSION_STARTS,
        ReminderRule.Audience.STARRED,
    ),
}


def reminder_emails(organiser, key: str) -> None:
    """A rule sending the kind for its own event, run by the beat job when it is due."""
    edition = call_with_topics(edition=EditionFactory()).edition
    participant = verified_user(time_zone="Africa/Nairobi")
    RegistrationFactory(edition=edition, attendee=participant)
    verified_user()  # not registered
    session = SessionFactory(edition=edition)
    Star.objects.create(user=participant, session=session)
    event, audience = REMINDER_RULES[key]
    rule = ReminderRule(
        edition=edition,
        name=key,
        event=event,
        audience=audience,
        offset=timedelta(hours=2),
        kind=key,
    )
    rule.full_clean()
    rule.save()
    moment = reminders.next_moment(rule) or session.starts_at - rule.offset
    with time_machine.travel(moment, tick=False):
        assert reminders.send_due().queued == 1


def feedback_invitation_emails(organiser) -> None:
    """The evening invitation to rate the day's sessions, run by the beat job when due."""
    edition = EditionFactory()
    participant = verified_user(time_zone="Africa/Nairobi")
    RegistrationFactory(edition=edition, attendee=participant)
    session = SessionFactory(edition=edition, starts_at=local(edition, 0, 10))
    rule = ReminderRule(
        edition=edition,
        name="Feedback",
        event=ReminderRule.Event.DAY_ENDS,
        audience=ReminderRule.Audience.CONFIRMED,
        offset=timedelta(hours=3),
        kind="reminders.feedback",
    )
    rule.full_clean()
    rule.save()
    evening = edition.local_datetime(
        session.starts_at.astimezone(edition.tz).date(), datetime.time(21, 0)
    )
    with time_machine.travel(evening, tick=False):
        assert reminders.send_due().queued == 1


def broadcast_emails(organiser) -> None:
    """A message tried with a test copy to its author, then sent to its segment."""
    edition = EditionFactory(contact_email="secretariat@example.org")
    RegistrationFactory(edition=edition, attendee=UserFactory())
    broadcast = Broadcast.objects.create(
        edition=edition, subject="Programme update", body="The opening moves.", greeting=False
    )
    message_services.send_test(broadcast.pk, to=organiser)
    message_services.start_sending(broadcast.pk, by=None)
    message_services.queue_next_batch(broadcast.pk)


def certificate_emails(organiser) -> None:
    """A person checked in; their certificate issued and made, as the worker makes it."""
    registration = RegistrationFactory(edition=EditionFactory(), checked_in_at=timezone.now())
    document = certificates.issue_certificate(registration.pk, by=organiser)
    document_services.generate_document(document.pk)


def visa_emails(organiser) -> None:
    """One visa letter request approved (its letter made, as the worker makes it) and
    one declined, through the services."""
    edition = EditionFactory()
    details = visa_services.Details(
        passport_name="AMINA OTIENO",
        nationality="KE",
        passport_number="K7Q4812209",
        date_of_birth=date(1984, 7, 19),
        purpose="To attend the conference.",
    )
    approved, declined = (RegistrationFactory(edition=edition) for _ in range(2))
    for registration in (approved, declined):
        visa_services.request_letter(registration.pk, by=registration.attendee, details=details)
    request = visa_services.approve_request(approved.visa_request.pk, by=organiser)
    document_services.generate_document(request.letter_id)
    visa_services.decline_request(
        declined.visa_request.pk, by=organiser, note="Please check your passport number."
    )


# Each registered kind, and how to have its real sender write it.
SCENARIOS = {
    "registration.confirmed": registration_emails,
    "registration.waitlisted": registration_emails,
    "registration.promoted": registration_emails,
    "registration.cancelled": registration_emails,
    "registration.confirmed_by_organisers": registration_emails,
    "declarations.receipt": receipt_emails,
    "agenda.sessions_moved": sessions_moved_emails,
    "messages.broadcast": broadcast_emails,
    "documents.certificate_ready": certificate_emails,
    "documents.visa_letter_ready": visa_emails,
    "documents.visa_request_declined": visa_emails,
    **{key: partial(reminder_emails, key=key) for key in REMINDER_RULES},
    "reminders.feedback": feedback_invitation_emails,
}


def real_contexts(key: str) -> list[tuple[OutboxMessage, dict]]:
    """Each message of ``key`` its sender wrote, with the context it is rendered with:
    the sender's, with what the outbox adds (``gmc.outbox.render``)."""
    messages = []
    for message in OutboxMessage.objects.filter(kind=key).order_by("pk"):
        context = {"site_url": "https://gmc.example.org", **outbox.message_context(message)}
        context.pop("wording", None)  # a reminder rule's own wording, not a variable
        if message.category:
            context["unsubscribe_url"] = "https://gmc.example.org/email/unsubscribe/x/"
        messages.append((message, context))
    return messages


class Recording(dict):
    """An item of a context's list (a session that moved, an answer) that notes each key
    a template asks of it and it lacks: a template reads nothing amiss silently, even in
    an {% if %}."""

    def __init__(self, value: dict, path: str, missing: set[str]):
        super().__init__(
            {key: recording(item, f"{path}.{key}", missing) for key, item in value.items()}
        )
        self.path, self.missing = path, missing

    def __missing__(self, key):
        self.missing.add(f"{self.path}.{key}")
        raise KeyError(key)


def recording(value, path: str, missing: set[str]):
    if isinstance(value, dict):
        return Recording(value, path, missing)
    if isinstance(value, list):
        return [recording(item, f"{path}[]", missing) for item in value]
    return value


# --- the tests ------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_built_in_templates_use_only_declared_variables(key):
    kind = email_kinds.KINDS[key]
    assert sorted(free_names(kind) - set(kind.all_variables)) == []


@pytest.mark.parametrize("key", KEYS)
def test_the_sender_provides_exactly_the_declared_variables(key, staff_organiser, fresh_cache):
    """Declared but never provided, or provided but not declared, is a drift; and the
    built-in files find every key they read in the items of the real context."""
    kind = email_kinds.KINDS[key]
    scenario = SCENARIOS.get(key)
    assert scenario is not None, f"No test sends {key}: add its real sender to SCENARIOS."
    scenario(staff_organiser)
    sent = real_contexts(key)
    assert sent, f"The scenario of {key} sent no email of that kind."

    provided = set().union(*(context.keys() for _message, context in sent))
    declared = set(kind.all_variables)
    assert {
        "declared, never provided": sorted(declared - provided),
        "provided, not declared": sorted(provided - declared),
    } == {"declared, never provided": [], "provided, not declared": []}
    for message, _context in sent:
        assert message.category in (kind.category, "")  # "": an author's test copy

    missing: set[str] = set()
    for _message, context in sent:
        context = {name: recording(value, name, missing) for name, value in context.items()}
        for suffix, engine in PARTS:
            engines[engine].get_template(f"emails/{kind.template}{suffix}").render(context)
    assert sorted(missing) == []


def test_the_scenarios_send_only_registered_kinds():
    assert sorted(set(SCENARIOS) - set(KEYS)) == []


@pytest.mark.parametrize("key", KEYS)
def test_the_sample_holds_every_declared_variable(key):
    """The admin previews and checks organisers' wording with the sample."""
    kind = email_kinds.KINDS[key]
    assert set(kind.sample_context()) == set(kind.all_variables)


def template_sets() -> set[str]:
    """The keys of the email templates on disk: emails/<a>/<b>.subject.txt is "a.b"."""
    directories = [*engines["django"].engine.dirs, *get_app_template_dirs("templates")]
    keys = set()
    for directory in directories:
        root = Path(directory) / "emails"
        for subject in root.rglob("*.subject.txt"):
            keys.add(str(subject.relative_to(root)).removesuffix(".subject.txt").replace("/", "."))
    return keys


def test_every_email_template_is_a_registered_kind():
    on_disk = {key for key in template_sets() if not key.startswith(NOT_ORGANISERS_KINDS)}
    assert on_disk
    assert sorted(on_disk - set(KEYS)) == []


@pytest.mark.parametrize("key", KEYS)
def test_every_registered_kind_has_its_three_templates(key):
    kind = email_kinds.KINDS[key]
    for suffix, engine in PARTS:
        engines[engine].get_template(f"emails/{kind.template}{suffix}")
    assert key in template_sets()


# --- an organiser copies the built-in receipt -----------------------------------------


@pytest.fixture
def admin_client(client, staff_organiser):
    client.force_login(staff_organiser)
    return client


def save_template(client, kind: str, wording_: dict[str, str]):
    return client.post(
        reverse("admin:mailings_emailtemplate_add"), {"kind": kind, "language": "en", **wording_}
    )


def test_the_built_in_receipt_copied_into_an_organisers_template_saves(admin_client):
    """All of it: the attachments, both consents and the link to the input page."""
    built_in = wording.file_wording("declarations.receipt")
    for name in ("attachments", "quote_consent", "showcase_consent", "url"):
        assert name in built_in["text"] and name in built_in["html"]
    response = save_template(admin_client, "declarations.receipt", built_in)
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = EmailTemplate.objects.get()
    # The form strips the text's final line break, as it does what organisers type.
    assert [saved.subject, saved.text, saved.html] == [
        built_in[part].strip() for part in ("subject", "text", "html")
    ]


@pytest.mark.parametrize("key", KEYS)
def test_every_built_in_wording_copied_into_an_organisers_template_saves(admin_client, key):
    response = save_template(admin_client, key, wording.file_wording(key))
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_an_organisers_receipt_may_show_the_good_practice_consent(admin_client):
    response = save_template(
        admin_client,
        "declarations.receipt",
        {
            "subject": "Your input for {{ edition_title }}",
            "text": "Published as a good practice: {{ showcase_consent|yesno }}",
            "html": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors


# --- what the check reads in an organiser's template ----------------------------------


@pytest.mark.parametrize(
    ("kind", "source", "unknown"),
    [
        ("declarations.receipt", "{% if secret %}x{% endif %}", "secret"),
        ("declarations.receipt", "{% if name and not secret.key %}x{% endif %}", "secret"),
        ("declarations.receipt", "{{ name|default:secret }}", "secret"),
        ("declarations.receipt", "{% firstof secret name %}", "secret"),
        (
            "reminders.conference_starting",
            '{% include "emails/registration/ticket.txt" %}',
            "attendance, ics_url, links_open, ticket_code, ticket_url",
        ),
    ],
)
def test_the_check_sees_names_read_outside_an_output_tag(kind, source, unknown):
    errors = wording.check_template(kind, {"text": source})
    assert errors["text"][0].startswith(f"Unknown variables: {unknown}. This email may use:")


@pytest.mark.parametrize(
    ("kind", "source"),
    [
        (
            "declarations.receipt",
            "{% for a in answers %}{% if a.topic %}{{ a.text }}{% endif %}{% endfor %}",
        ),
        ("messages.broadcast", "{% if greeting is not False %}Dear {{ name }},{% endif %}"),
        ("declarations.receipt", '{% load i18n %}{% translate "Yes" as yes %}{{ yes }}'),
        ("reminders.conference_starting", '{% include "emails/messages/unsubscribe.txt" %}'),
    ],
)
def test_the_check_accepts_names_a_template_binds_or_always_has(kind, source):
    assert wording.check_template(kind, {"text": source}) == {}
