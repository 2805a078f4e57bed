import datetime
import io
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from declarations import services
from declarations.models import Attachment, Submission
from gmc import outbox
from gmc.models import OutboxMessage
from tests.declarations import samples
from tests.declarations.factories import AnswerFactory, SubmissionFactory, TagFactory
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory

URL = reverse("declarations:submit")


def form_data(call, *texts, action="submit", **extra):
    data = {"quote_consent": "named", "action": action}
    for topic, text in zip(call.topics.all(), texts, strict=False):
        data[f"topic_{topic.pk}"] = text
    data.update(extra)
    return data


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def deliver_all():
    pending = OutboxMessage.objects.filter(status="pending").order_by("pk")
    for pk in pending.values_list("pk", flat=True):
        outbox.deliver(pk)


# --- who may send input ---------------------------------------------------------------


def test_anonymous_visitor_is_told_to_log_in_or_register(client, call):
    response = client.get(URL)
    assert response.status_code == 200
    assert reverse("account_login") in response.text
    assert reverse("registration:register") in response.text
    assert 'name="action"' not in response.text
    assert call.topics.first().title in response.text


def test_anonymous_post_is_sent_to_log_in_and_stores_nothing(client, call):
    response = client.post(URL, form_data(call, "Hello"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Submission.objects.exists()


def test_user_without_registration_is_refused(client, call):
    client.force_login(UserFactory())
    page = client.get(URL)
    assert "you are not registered" in page.text
    assert reverse("registration:register") in page.text
    assert 'name="action"' not in page.text
    assert client.post(URL, form_data(call, "Hello")).status_code == 403
    assert not Submission.objects.exists()


def test_participant_of_another_edition_is_refused(client, call):
    person = UserFactory()
    RegistrationFactory(edition=EditionFactory(), attendee=person)
    client.force_login(person)
    assert client.post(URL, form_data(call, "Hello")).status_code == 403
    assert not Submission.objects.exists()


# --- drafting, sending, the deadline -------------------------------------------------------


def test_participant_saves_a_draft_comes_back_and_sends(client, call, participant, mailoutbox):
    client.force_login(participant)
    assert 'name="action"' in client.get(URL).text
    response = client.post(URL, form_data(call, "My first thoughts", action="draft"))
    assert response.status_code == 302
    assert Submission.objects.get().status == Submission.Status.DRAFT
    page = client.get(URL)
    assert "My first thoughts" in page.text
    assert "is a draft" in page.text
    client.post(URL, form_data(call, "My final thoughts", "And more", action="submit"))
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.SUBMITTED
    deliver_all()
    (email,) = mailoutbox
    assert email.to == [participant.email]
    assert "My final thoughts" in email.body
    assert "And more" in email.body


def test_resubmitting_the_same_form_twice_sends_one_more_receipt(
    client, call, participant, mailoutbox
):
    client.force_login(participant)
    client.post(URL, form_data(call, "Version one"))
    client.post(URL, form_data(call, "Version two"))
    client.post(URL, form_data(call, "Version two"))  # a double click
    deliver_all()
    assert len(mailoutbox) == 2
    assert "Version two" in mailoutbox[1].body


def test_at_least_one_answer_is_required(client, call, participant):
    client.force_login(participant)
    response = client.post(URL, form_data(call, "", "  "))
    assert response.status_code == 200
    assert "Answer at least one topic" in response.text
    assert not Submission.objects.exists()


def test_word_limit_is_a_field_error_and_the_text_is_kept(client, call, participant):
    topic = call.topics.first()
    topic.word_limit = 3
    topic.save()
    client.force_login(participant)
    response = client.post(URL, form_data(call, "far too many words", "Kept text"))
    assert response.status_code == 200
    assert "4 words: the limit for this topic is 3." in response.text
    assert "far too many words" in response.text
    assert "Kept text" in response.text
    assert not Submission.objects.exists()


def close_soon(call):
    """The deadline in an hour: within the session's lifetime when time travels past it."""
    call.edition.declaration_deadline = timezone.now() + datetime.timedelta(hours=1)
    call.edition.save()


def test_form_loaded_before_the_deadline_is_refused_after_it(client, call, participant):
    close_soon(call)
    client.force_login(participant)
    client.get(URL)
    with time_machine.travel(call.closes_at + datetime.timedelta(minutes=1)):
        response = client.post(URL, form_data(call, "Just too late"))
    assert response.status_code == 200
    assert "deadline for input has passed" in response.text
    assert "Just too late" in response.text  # nothing typed is lost
    assert not Submission.objects.exists()


def test_after_the_deadline_the_input_is_read_only(client, call, participant):
    close_soon(call)
    client.force_login(participant)
    client.post(URL, form_data(call, "Sent in time"))
    with time_machine.travel(call.closes_at + datetime.timedelta(days=1)):
        page = client.get(URL)
    assert "can no longer be changed" in page.text
    assert "Sent in time" in page.text
    assert 'name="action"' not in page.text


def test_sent_time_is_not_marked_provisional_while_the_deadline_is(client, call, participant):
    """The edition's dates may be provisional; the moment the input was sent is not."""
    Edition = type(call.edition)
    Edition.objects.filter(pk=call.edition_id).update(dates_provisional=True)
    client.force_login(participant)
    client.post(URL, form_data(call, "My thoughts"))
    page = client.get(URL).text
    status = page[page.index('class="submission-status"') :]
    status = status[: status.index("</p>")]
    assert "Your input was sent on" in status
    assert "provisional" not in status
    window = page[page.index('class="call-window"') :]
    assert "provisional" in window[: window.index("</p>")]  # the deadline still is


def test_times_are_shown_in_the_editions_zone_with_its_name(client, call):
    page = client.get(URL)
    assert "Mexico City time (UTC-6)" in page.text


def test_internal_notes_and_tags_never_reach_the_contributor(
    client, call, participant, organiser, mailoutbox
):
    client.force_login(participant)
    client.post(URL, form_data(call, "My input"))
    submission = Submission.objects.get()
    services.review_submission(
        submission.pk,
        by=organiser,
        internal_notes="SECRET-NOTE weak argument",
        tags=[TagFactory(name="SECRET-TAG")],
    )
    client.post(URL, form_data(call, "My input, improved"))
    deliver_all()
    page = client.get(URL)
    for text in (page.text, *(m.body for m in mailoutbox)):
        assert "SECRET-NOTE" not in text
        assert "SECRET-TAG" not in text


# --- attachments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", samples.EXE, "not one of the accepted types"),
        ("photo.png", samples.HTML, "not one of the accepted types"),
        ("slides.docx", samples.ooxml("xlsx"), "its content is a “.xlsx” file"),
        ("notes.doc", samples.ole("Workbook"), "its content is a “.xls” file"),
        ("archive.zip", samples.plain_zip(), "are not accepted"),
        ("tool.exe", samples.EXE, "are not accepted"),
    ],
)
def test_file_whose_content_does_not_match_is_refused_and_answers_kept(
    client, call, participant, name, content, message
):
    client.force_login(participant)
    data = form_data(call, "Answer I typed", attachment=upload(name, content))
    response = client.post(URL, data)
    assert response.status_code == 200
    assert message in response.text
    assert "Answer I typed" in response.text
    assert not Attachment.objects.exists()
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", samples.PDF, "application/pdf"),
        ("paper.docx", samples.ooxml("docx"), samples.OOXML_MAIN["docx"].split(".main")[0]),
        ("deck.pptx", samples.ooxml("pptx"), samples.OOXML_MAIN["pptx"].split(".main")[0]),
        ("sheet.xlsx", samples.ooxml("xlsx"), samples.OOXML_MAIN["xlsx"].split(".main")[0]),
        ("text.odt", samples.odf("application/vnd.oasis.opendocument.text"), None),
        ("talk.odp", samples.odf("application/vnd.oasis.opendocument.presentation"), None),
        ("old.doc", samples.ole("WordDocument"), "application/msword"),
        ("old.ppt", samples.ole("PowerPoint Document"), "application/vnd.ms-powerpoint"),
        ("old.xls", samples.ole("Workbook"), "application/vnd.ms-excel"),
        ("clip.mp4", samples.MP4, "video/mp4"),
        ("clip.webm", samples.WEBM, "video/webm"),
        ("photo.jpeg", samples.image_with_exif(), "image/jpeg"),
    ],
)
def test_accepted_types_are_stored(client, call, participant, name, content, content_type):
    client.force_login(participant)
    response = client.post(URL, form_data(call, "With a file", attachment=upload(name, content)))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    if content_type:
        assert attachment.content_type == content_type


def test_oversized_file_is_refused(client, call, participant, settings):
    settings.DECLARATION_MAX_FILE_MB = 1
    client.force_login(participant)
    big = samples.PDF + b"0" * (1024 * 1024)
    response = client.post(URL, form_data(call, "Typed", attachment=upload("big.pdf", big)))
    assert "larger than 1 MB" in response.text
    assert "Typed" in response.text
    assert not Attachment.objects.exists()


def test_files_over_the_total_limit_are_refused(client, call, participant, settings, tmp_path):
    settings.DECLARATION_MAX_FILE_MB = 1
    settings.DECLARATION_MAX_SUBMISSION_MB = 1
    client.force_login(participant)
    part = samples.PDF + b"0" * (600 * 1024)
    client.post(URL, form_data(call, "First", attachment=upload("one.pdf", part)))
    response = client.post(URL, form_data(call, "Second", attachment=upload("two.pdf", part)))
    assert "exceed 1 MB in total" in response.text
    assert "Second" in response.text
    assert Attachment.objects.count() == 1
    # The refused file left nothing behind in the storage.
    stored = [p for p in (tmp_path / "private").rglob("*") if p.is_file()]
    assert len(stored) == 1


@pytest.mark.parametrize(
    ("sent_name", "stored_name"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\amina\\Report 2026.pdf", "Report_2026.pdf"),
        ("bad\x00name\x1b[31m.pdf", "badname31m.pdf"),
        ("<script>.pdf", "script.pdf"),
    ],
)
def test_file_names_are_sanitised(client, call, participant, sent_name, stored_name):
    client.force_login(participant)
    client.post(URL, form_data(call, "x", attachment=upload(sent_name, samples.PDF)))
    assert Attachment.objects.get().original_name == stored_name


def test_stored_file_has_a_random_name_outside_static(client, call, participant, private_storage):
    client.force_login(participant)
    client.post(URL, form_data(call, "x", attachment=upload("Amina report.pdf", samples.PDF)))
    client.post(URL, form_data(call, "x", attachment=upload("Amina report.pdf", samples.PDF)))
    first, second = Attachment.objects.order_by("pk")
    assert first.file.name != second.file.name
    for attachment in (first, second):
        assert "Amina" not in attachment.file.name
        path = Path(attachment.file.path).resolve()
        assert path.is_relative_to(private_storage.resolve())
        assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_image_metadata_is_removed(client, call, participant, fmt):
    client.force_login(participant)
    name = {"JPEG": "photo.jpg", "PNG": "photo.png", "WEBP": "photo.webp"}[fmt]
    original = samples.image_with_exif(fmt)
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif()
    client.post(URL, form_data(call, "x", attachment=upload(name, original)))
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as stored, Image.open(stored) as after:
        assert dict(after.getexif()) == {}
        assert "exif" not in after.info
        assert after.size == (32, 24)
    assert b"SpyCam" not in Path(attachment.file.path).read_bytes()


def test_a_link_can_be_attached_and_an_attachment_removed(client, call, participant):
    client.force_login(participant)
    client.post(URL, form_data(call, "x", link="https://video.example.org/talk"))
    link = Attachment.objects.get()
    assert link.link == "https://video.example.org/talk"
    client.post(reverse("declarations:attachment_remove", args=[link.pk]))
    assert not Attachment.objects.exists()


def test_someone_else_cannot_remove_an_attachment(client, call, participant):
    client.force_login(participant)
    client.post(URL, form_data(call, "x", attachment=upload("a.pdf", samples.PDF)))
    attachment = Attachment.objects.get()
    client.force_login(UserFactory())
    response = client.post(reverse("declarations:attachment_remove", args=[attachment.pk]))
    assert response.status_code == 404
    assert Attachment.objects.exists()


def test_attachment_is_served_to_its_owner_and_organisers_only(
    client, call, participant, reviewer
):
    client.force_login(participant)
    client.post(URL, form_data(call, "x", attachment=upload("report.pdf", samples.PDF)))
    url = Attachment.objects.get().get_download_url()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))  # staff without the permission
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_download_can_be_handed_to_the_web_server(client, call, participant, settings):
    settings.DECLARATION_X_ACCEL_PREFIX = "/_private/"
    client.force_login(participant)
    client.post(URL, form_data(call, "x", attachment=upload("report.pdf", samples.PDF)))
    attachment = Attachment.objects.get()
    response = client.get(attachment.get_download_url())
    assert response["X-Accel-Redirect"] == f"/_private/{attachment.file.name}"
    assert response.content == b""


def test_a_submission_is_only_shown_to_its_owner(client, call, participant):
    SubmissionFactory(call=call, contributor=participant)
    other = UserFactory()
    RegistrationFactory(edition=call.edition, attendee=other)
    answer_text = "Private words of Amina"
    AnswerFactory(submission=Submission.objects.get(), topic=call.topics.first(), text=answer_text)
    client.force_login(other)
    assert answer_text not in client.get(URL).text
    client.force_login(participant)
    assert answer_text in client.get(URL).text
