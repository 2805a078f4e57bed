"""The declaration audiences, defined once in ``declarations.selectors``. A draft is not
a submission: a person who only saved a draft has not sent input. Each test names
exactly the people an audience holds, so a change of meaning fails here."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress

from declarations import selectors
from declarations.models import Submission
from gmc.models import User
from mailings import reminders
from mailings import services as messaging
from mailings.models import Broadcast, ReminderRule
from registration.models import Registration
from tests.declarations.factories import CallFactory, SubmissionFactory
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory

Status, Attendance = Registration.Status, Registration.Attendance
DRAFT = {"status": Submission.Status.DRAFT, "submitted_at": None, "submit_count": 0}


@pytest.fixture
def scene(db):
    """A call and its edition's people at every stage of their input."""
    call = CallFactory(edition=EditionFactory(year=2030))
    other_call = CallFactory(edition=EditionFactory(year=2031))
    people = SimpleNamespace(call=call)

    def person(name, registration=None, submission=None, **account):
        user = UserFactory(email=f"{name}@example.org", **account)
        if registration is not None:
            RegistrationFactory(edition=call.edition, attendee=user, **registration)
        if submission is not None:
            SubmissionFactory(call=call, contributor=user, **submission)
        setattr(people, name, user)
        return user

    person("sent", {}, {})
    person("included", {}, {"status": Submission.Status.INCLUDED})
    person("drafting", {}, DRAFT)
    person("silent", {})
    person("online_drafting", {"attendance": Attendance.ONLINE}, DRAFT)
    person("online_silent", {"attendance": Attendance.ONLINE})
    person("waiting_silent", {"status": Status.WAITING, "confirmed_at": None})
    person("cancelled_drafting", {"status": Status.CANCELLED}, DRAFT)
    person("cancelled_sent", {"status": Status.CANCELLED}, {})
    person("deactivated_silent", {}, is_active=False)
    person("not_registered", None)
    elsewhere = person("elsewhere", None)
    RegistrationFactory(edition=other_call.edition, attendee=elsewhere)
    SubmissionFactory(call=other_call, contributor=elsewhere, **DRAFT)
    return people


def names(people) -> list[str]:
    return sorted(p.email.split("@")[0] for p in people)


def test_contributors_who_submitted_are_those_who_sent_whatever_the_review(scene):
    assert names(selectors.contributors_who_submitted(scene.call)) == sorted(
        ["sent", "included", "cancelled_sent"]
    )


def test_contributors_with_draft_are_those_who_saved_and_did_not_send(scene):
    assert names(selectors.contributors_with_draft(scene.call)) == sorted(
        ["drafting", "online_drafting", "cancelled_drafting"]
    )


def test_participants_without_submission_count_a_draft_as_not_sent(scene):
    assert names(selectors.participants_without_submission(scene.call)) == sorted(
        ["drafting", "silent", "online_drafting", "online_silent", "waiting_silent"]
    )
    assert names(
        selectors.participants_without_submission(scene.call, Attendance.ONLINE)
    ) == sorted(["online_drafting", "online_silent"])


def test_participants_with_draft_are_the_participants_among_the_drafting(scene):
    assert names(selectors.participants_with_draft(scene.call)) == sorted(
        ["drafting", "online_drafting"]
    )
    assert names(selectors.participants_with_draft(scene.call, Attendance.IN_PERSON)) == [
        "drafting"
    ]


def test_who_may_send_input_is_who_takes_part(scene):
    edition = scene.call.edition
    people = {name: user for name, user in vars(scene).items() if name != "call"}
    may_send = {
        name for name, user in people.items() if selectors.is_registered_participant(user, edition)
    }
    assert may_send == {
        "sent",
        "included",
        "drafting",
        "silent",
        "online_drafting",
        "online_silent",
        "waiting_silent",
        # A deactivated account cannot sign in to send anything; the rule is the
        # registration's.
        "deactivated_silent",
    }


def test_a_draft_is_not_a_submission_for_every_audience(scene):
    """The declaration selectors, the reminders and the organisers' message segments
    read the one definition: a person with only a draft has not submitted."""
    for user in User.objects.all():
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    call = scene.call

    def reminded(audience) -> list[str]:
        rule = ReminderRule.objects.create(
            edition=call.edition,
            name=f"Input closes: {audience}",
            event=ReminderRule.Event.DECLARATION_CLOSES,
            offset=timedelta(days=7),
            audience=audience,
            kind="reminders.declaration_closing",
        )
        return names(reminders.recipients(reminders.Occurrence(rule, call.closes_at)))

    def segment(stage) -> list[str]:
        broadcast = Broadcast.objects.create(
            edition=call.edition, subject="Input", body="Please.", declaration_status=stage
        )
        return names(messaging.recipients(broadcast))

    without_submission = names(selectors.participants_without_submission(call))
    assert "drafting" in without_submission
    assert reminded(ReminderRule.Audience.WITHOUT_SUBMISSION) == without_submission
    assert "drafting" not in names(selectors.contributors_who_submitted(call))
    assert segment(Broadcast.DeclarationStatus.SENT) == ["included", "sent"]
    # The segments are stages: a draft is its own stage, neither sent nor "not
    # started", and the two unsent stages together are the people without submission.
    drafts = segment(Broadcast.DeclarationStatus.DRAFT)
    not_started = segment(Broadcast.DeclarationStatus.NONE)
    assert "drafting" in drafts and "drafting" not in not_started
    assert sorted(drafts + not_started) == without_submission
    with_draft = names(selectors.participants_with_draft(call))
    assert reminded(ReminderRule.Audience.WITH_DRAFT) == with_draft == drafts
