"""One save of the input page is one service, all or nothing: what it reports on
success, and that a step refused midway leaves no row and no stored file behind."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from declarations import files, services
from declarations.models import Attachment, Submission
from gmc.models import OutboxMessage
from tests.declarations import samples
from tests.declarations.factories import call_with_topics
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory

Outcome = services.InputOutcome


def checked(name="report.pdf"):
    return files.check_upload(SimpleUploadedFile(name, samples.PDF))


def answers(call, text):
    return {call.topics.first().pk: text}


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def receipts():
    return OutboxMessage.objects.filter(kind="declarations.receipt").count()


def test_save_input_sends_with_a_file_and_reports_it(call, participant, private_storage):
    saved = services.save_input(
        call.pk,
        contributor=participant,
        answers=answers(call, "My input"),
        quote_consent=Submission.QuoteConsent.NAMED,
        upload=checked(),
        attachment_title="Our report",
        send=True,
    )
    assert saved.outcome == Outcome.SENT
    submission = Submission.objects.get()
    assert saved.submission == submission
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.quote_consent == Submission.QuoteConsent.NAMED
    attachment = Attachment.objects.get()
    assert attachment.title == "Our report"
    assert stored_files(private_storage) == [private_storage / attachment.file.name]
    assert receipts() == 1


def test_save_input_reports_each_outcome(call, participant):
    def save(text, **kwargs):
        return services.save_input(
            call.pk, contributor=participant, answers=answers(call, text), **kwargs
        ).outcome

    assert save("Draft") == Outcome.DRAFT
    assert Submission.objects.get().is_draft
    assert save("Draft", send=True) == Outcome.SENT
    # Once sent, a save sends again, without choosing to.
    assert save("Draft", upload=checked()) == Outcome.ADDED_TO_SENT
    assert save("Draft", link="https://video.example.org/talk") == Outcome.ADDED_TO_SENT
    assert save("Draft") == Outcome.UNCHANGED
    assert save("Better") == Outcome.SENT
    assert receipts() == 2


def test_a_refusal_midway_leaves_no_row_and_no_file(call, participant, private_storage):
    """The file is stored before sending is refused (no answer): both go."""
    with pytest.raises(services.DeclarationError, match="Answer at least one topic"):
        services.save_input(
            call.pk, contributor=participant, answers={}, upload=checked(), send=True
        )
    assert not Submission.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(private_storage) == []
    assert receipts() == 0


def test_a_refusal_midway_keeps_what_was_saved_before(call, participant, private_storage):
    first = services.save_input(
        call.pk, contributor=participant, answers=answers(call, "Kept"), upload=checked("a.pdf")
    )
    kept_file = Attachment.objects.get().file.name
    with pytest.raises(services.DeclarationError):
        services.save_input(
            call.pk,
            contributor=participant,
            answers={},
            upload=checked("b.pdf"),
            send=True,
        )
    submission = Submission.objects.get()
    assert submission == first.submission
    assert submission.answers.get().text == "Kept"
    assert list(Attachment.objects.values_list("file", flat=True)) == [kept_file]
    assert stored_files(private_storage) == [private_storage / kept_file]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_send_makes_one_submission_and_one_receipt():
    """The page sent twice at the same moment (a double click, a retried request): both
    saves finish without an error, one submission is sent once, one receipt is queued."""
    call = call_with_topics(edition=EditionFactory(is_current=True))
    person = UserFactory()
    RegistrationFactory(edition=call.edition, attendee=person)
    barrier = threading.Barrier(2)
    errors, outcomes = [], []

    def run():
        try:
            barrier.wait()
            saved = services.save_input(
                call.pk, contributor=person, answers=answers(call, "Sent at once"), send=True
            )
            outcomes.append(saved.outcome)
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
    submission = Submission.objects.get()
    assert (submission.status, submission.submit_count) == (Submission.Status.SUBMITTED, 1)
    assert receipts() == 1
    assert Outcome.SENT in outcomes
