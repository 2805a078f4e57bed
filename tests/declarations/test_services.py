import datetime
import threading

import pytest
import time_machine
from django.db import connection

from declarations import selectors, services
from declarations.models import Submission
from gmc.models import OutboxMessage, Publication
from registration.models import Registration
from tests.declarations.factories import SubmissionFactory, call_with_topics
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory


def answers_for(call, *texts):
    return {topic.pk: text for topic, text in zip(call.topics.all(), texts, strict=False)}


def send(call, user, *texts, **kwargs):
    submission = services.save_draft(
        call.pk, contributor=user, answers=answers_for(call, *texts), **kwargs
    )
    return services.submit(submission.pk, by=user)


def receipts(user):
    return list(
        OutboxMessage.objects.filter(kind="declarations.receipt", to_email=user.email).order_by(
            "pk"
        )
    )


def test_save_draft_refuses_a_person_without_registration(call):
    with pytest.raises(services.DeclarationError):
        services.save_draft(call.pk, contributor=UserFactory(), answers=answers_for(call, "x"))
    assert not Submission.objects.exists()


def test_save_draft_refuses_a_cancelled_registration(call):
    person = UserFactory()
    RegistrationFactory(
        edition=call.edition, attendee=person, status=Registration.Status.CANCELLED
    )
    with pytest.raises(services.DeclarationError):
        services.save_draft(call.pk, contributor=person, answers=answers_for(call, "x"))


def test_save_draft_refuses_a_participant_of_another_edition(call):
    person = UserFactory()
    RegistrationFactory(edition=EditionFactory(), attendee=person)
    with pytest.raises(services.DeclarationError):
        services.save_draft(call.pk, contributor=person, answers=answers_for(call, "x"))


def test_registered_participant_check_follows_the_registration(call, participant):
    assert selectors.is_registered_participant(participant, call.edition)
    Registration.objects.filter(attendee=participant).update(status=Registration.Status.CANCELLED)
    assert not selectors.is_registered_participant(participant, call.edition)


def test_draft_is_saved_without_email_and_edited_later(call, participant):
    draft = services.save_draft(
        call.pk, contributor=participant, answers=answers_for(call, "First thoughts")
    )
    assert draft.status == Submission.Status.DRAFT
    services.save_draft(
        call.pk, contributor=participant, answers=answers_for(call, "", "Second topic only")
    )
    texts = dict(draft.answers.values_list("topic__order", "text"))
    assert texts == {2: "Second topic only"}
    assert Submission.objects.count() == 1
    assert receipts(participant) == []


def test_submit_sends_one_receipt_with_the_answers(call, participant):
    submission = send(call, participant, "MOOCs kept learning going", "", "Cooperate")
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_at is not None
    # The organisation at the time of submitting is kept with the submission.
    assert submission.organisation_name == "University of Nairobi"
    assert submission.country.code == "KE"
    (message,) = receipts(participant)
    texts = [a["text"] for a in message.context["answers"]]
    assert texts == ["MOOCs kept learning going", "Cooperate"]


def test_submitting_again_unchanged_sends_nothing_more(call, participant):
    submission = send(call, participant, "Same text")
    services.submit(submission.pk, by=participant)
    send(call, participant, "Same text")
    assert len(receipts(participant)) == 1
    assert Submission.objects.get().submit_count == 1


def test_each_changed_resubmission_sends_its_own_receipt(call, participant):
    send(call, participant, "First version")
    send(call, participant, "Second version")
    first, second = receipts(participant)
    assert first.key != second.key
    assert second.context["answers"][0]["text"] == "Second version"
    assert second.context["resubmission"] is True


def test_resubmitting_a_reviewed_submission_puts_it_back_for_review(call, participant, organiser):
    submission = send(call, participant, "First version")
    services.set_status([submission.pk], Submission.Status.INCLUDED, by=organiser)
    submission = send(call, participant, "Changed after review")
    assert submission.status == Submission.Status.SUBMITTED


def test_submit_needs_at_least_one_answer(call, participant):
    draft = services.save_draft(
        call.pk, contributor=participant, answers=answers_for(call, "  ", "")
    )
    with pytest.raises(services.DeclarationError):
        services.submit(draft.pk, by=participant)
    draft.refresh_from_db()
    assert draft.status == Submission.Status.DRAFT
    assert receipts(participant) == []


def test_word_limit_is_enforced_by_the_service(call, participant):
    topic = call.topics.first()
    topic.word_limit = 5
    topic.save()
    with pytest.raises(services.DeclarationError) as refused:
        services.save_draft(
            call.pk, contributor=participant, answers={topic.pk: "one two three four five six"}
        )
    assert refused.value.field == f"topic_{topic.pk}"
    assert not Submission.objects.exists()


def test_after_the_deadline_nothing_can_be_saved_or_sent(call, participant):
    draft = services.save_draft(
        call.pk, contributor=participant, answers=answers_for(call, "Before")
    )
    with time_machine.travel(call.closes_at + datetime.timedelta(seconds=1)):
        with pytest.raises(services.DeclarationError):
            services.save_draft(
                call.pk, contributor=participant, answers=answers_for(call, "After")
            )
        with pytest.raises(services.DeclarationError):
            services.submit(draft.pk, by=participant)
    draft.refresh_from_db()
    assert draft.status == Submission.Status.DRAFT
    assert draft.answers.get().text == "Before"


def test_before_the_call_opens_nothing_can_be_saved(participant, call):
    with (
        time_machine.travel(call.opens_at - datetime.timedelta(minutes=1)),
        pytest.raises(services.DeclarationError),
    ):
        services.save_draft(call.pk, contributor=participant, answers=answers_for(call, "x"))


def test_someone_else_cannot_submit_a_submission(call, participant):
    draft = services.save_draft(call.pk, contributor=participant, answers=answers_for(call, "x"))
    with pytest.raises(services.DeclarationError):
        services.submit(draft.pk, by=UserFactory())


def test_organiser_status_changes_are_idempotent_and_leave_drafts_alone(call, organiser):
    sent = SubmissionFactory(call=call)
    draft = SubmissionFactory(call=call, status=Submission.Status.DRAFT)
    assert services.set_status([sent.pk, draft.pk], "included", by=organiser) == 1
    assert services.set_status([sent.pk, draft.pk], "included", by=organiser) == 0
    sent.refresh_from_db()
    draft.refresh_from_db()
    assert (sent.status, draft.status) == ("included", "draft")
    with pytest.raises(services.DeclarationError):
        services.set_status([sent.pk], "draft", by=organiser)


def test_tags_are_added_once_and_removed(call, organiser):
    from tests.declarations.factories import TagFactory

    submission = SubmissionFactory(call=call)
    tag = TagFactory(name="equity")
    services.add_tags([submission.pk], [tag], by=organiser)
    services.add_tags([submission.pk], [tag], by=organiser)
    assert list(submission.tags.values_list("name", flat=True)) == ["equity"]
    services.remove_tags([submission.pk], [tag], by=organiser)
    assert not submission.tags.exists()


def test_showcase_needs_the_contributors_consent(call, organiser):
    consented = SubmissionFactory(call=call, showcase_consent=True)
    refused = SubmissionFactory(call=call, showcase_consent=False)
    not_quoted = SubmissionFactory(
        call=call, showcase_consent=True, quote_consent=Submission.QuoteConsent.NONE
    )
    ids = [consented.pk, refused.pk, not_quoted.pk]
    assert services.set_showcase(ids, True, by=organiser) == 1
    assert list(
        Submission.objects.filter(showcase_published=True).values_list("pk", flat=True)
    ) == [consented.pk]


def test_publish_declaration_creates_then_updates_one_publication(call, organiser):
    first = services.publish_declaration(
        call.pk, by=organiser, title="Hanoi Declaration", text="We declare."
    )
    second = services.publish_declaration(
        call.pk, by=organiser, title="Hanoi Declaration", text="We declare, amended."
    )
    assert first.pk == second.pk
    publication = Publication.objects.get()
    assert publication.kind == Publication.Kind.DECLARATION
    assert publication.edition == call.edition
    assert publication.summary == "We declare, amended."
    call.refresh_from_db()
    assert call.publication == publication


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_send_one_receipt():
    call = call_with_topics(edition=EditionFactory(is_current=True))
    person = UserFactory()
    RegistrationFactory(edition=call.edition, attendee=person)
    draft = services.save_draft(
        call.pk, contributor=person, answers=answers_for(call, "Sent twice at once")
    )
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            services.submit(draft.pk, by=person)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(receipts(person)) == 1
    assert Submission.objects.get().submit_count == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_first_drafts_make_one_submission():
    call = call_with_topics(edition=EditionFactory(is_current=True))
    person = UserFactory()
    RegistrationFactory(edition=call.edition, attendee=person)
    barrier = threading.Barrier(2)
    errors = []

    def run(text):
        try:
            barrier.wait()
            services.save_draft(call.pk, contributor=person, answers=answers_for(call, text))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Submission.objects.count() == 1
