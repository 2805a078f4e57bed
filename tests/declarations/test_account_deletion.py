from django.core.files.uploadedfile import SimpleUploadedFile

from declarations import files, services
from declarations.models import Answer, Submission
from registration.accounts.selectors import account_data
from registration.accounts.services import delete_account
from tests.declarations.factories import AnswerFactory, SubmissionFactory
from tests.declarations.samples import PDF


def attach_pdf(submission: Submission, person) -> str:
    upload = files.check_upload(SimpleUploadedFile("report.pdf", PDF, "application/pdf"))
    attachment = services.add_attachment(submission.pk, by=person, upload=upload)
    return attachment.file.name


def test_sent_input_that_may_be_quoted_stays_anonymised(
    call, participant, private_storage, django_capture_on_commit_callbacks
):
    submission = SubmissionFactory(call=call, contributor=participant)
    AnswerFactory(submission=submission, topic=call.topics.first(), text="Open courses matter.")
    stored = attach_pdf(submission, participant)
    assert (private_storage / stored).exists()

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(participant.pk)

    kept = Submission.objects.get(pk=submission.pk)
    assert kept.contributor is None
    assert kept.organisation_name == ""
    assert kept.quote_consent == Submission.QuoteConsent.ANONYMOUS
    assert kept.anonymised_at is not None
    assert kept.country.code == "KE"
    assert kept.attribution() == "A participant (name withheld)"
    assert Answer.objects.get(submission=kept).text == "Open courses matter."
    assert not kept.attachments.exists()
    assert not (private_storage / stored).exists()


def test_drafts_and_input_not_to_be_quoted_are_removed(call, participant, private_storage):
    submission = SubmissionFactory(
        call=call, contributor=participant, quote_consent=Submission.QuoteConsent.NONE
    )
    AnswerFactory(submission=submission, topic=call.topics.first())

    delete_account(participant.pk)

    assert not Submission.objects.filter(pk=submission.pk).exists()
    assert not Answer.objects.filter(submission_id=submission.pk).exists()


def test_a_draft_is_removed_even_with_consent(call, participant):
    draft = SubmissionFactory(
        call=call, contributor=participant, status=Submission.Status.DRAFT, submitted_at=None
    )
    delete_account(participant.pk)
    assert not Submission.objects.filter(pk=draft.pk).exists()


def test_the_data_export_holds_my_declaration_input(call, participant):
    submission = SubmissionFactory(call=call, contributor=participant)
    AnswerFactory(submission=submission, topic=call.topics.first(), text="Mine.")
    SubmissionFactory(call=call)  # someone else's

    data = account_data(participant)

    [mine] = data["declaration_input"]
    assert mine["edition"] == call.edition.year
    assert [a["text"] for a in mine["answers"]] == ["Mine."]
