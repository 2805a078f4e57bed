"""What an upload must pass: damaged office files and files with macros are refused with
a form error, images keep no text, a submission holds a bounded number of files, and
files added to input already sent do not send more receipts."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from declarations import files, services
from declarations.models import Attachment, Submission
from gmc.models import OutboxMessage
from tests.declarations import samples

URL = reverse("declarations:submit")
DAMAGED = "This file is damaged"
MACROS = "contains macros"


def form_data(call, text, *, action="submit", **extra):
    topic = call.topics.first()
    return {"quote_consent": "named", "action": action, f"topic_{topic.pk}": text, **extra}


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post_file(client, call, name, content, text="Answer I typed"):
    return client.post(URL, form_data(call, text, attachment=upload(name, content)))


def receipts():
    return OutboxMessage.objects.filter(kind="declarations.receipt").count()


# --- damaged office files -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    samples.malformed_office_files(),
    ids=[name for name, _ in samples.malformed_office_files()],
)
def test_damaged_office_file_is_a_form_error_and_keeps_the_answers(
    client, call, participant, name, content
):
    client.force_login(participant)
    response = post_file(client, call, name, content)
    assert response.status_code == 200
    errors = response.context["form"].errors["attachment"]
    expected = "protected by a password" if name.startswith("encrypted") else DAMAGED
    assert any(expected in error for error in errors), errors
    assert "Answer I typed" in response.text
    assert not Attachment.objects.exists()
    assert not Submission.objects.exists()


def test_a_manifest_with_a_dtd_is_refused_without_expanding_it(client, call, participant):
    client.force_login(participant)
    started = time.monotonic()
    response = post_file(client, call, "bomb.docx", samples.docx_with_a_dtd())
    assert time.monotonic() - started < 5
    assert DAMAGED in response.context["form"].errors["attachment"][0]
    assert not Attachment.objects.exists()


def test_the_manifest_is_read_as_xml_not_searched_as_text(client, call, participant):
    """Namespace prefixes and single quotes are the same XML as the usual spelling."""
    manifest = (
        f"<?xml version='1.0'?><ct:Types xmlns:ct='{samples.CONTENT_TYPES_NS}'>"
        f"<ct:Override PartName='/word/document.xml' ContentType='{samples.OOXML_MAIN['docx']}'/>"
        "</ct:Types>"
    )
    client.force_login(participant)
    response = post_file(client, call, "paper.docx", samples.ooxml("docx", manifest=manifest))
    assert response.status_code == 302
    assert Attachment.objects.get().original_name == "paper.docx"


def test_an_archive_unpacking_past_the_limit_is_refused(settings, db):
    settings.DECLARATION_MAX_FILE_MB = 1
    # 12 MB of zeros deflate to a few kilobytes: far past ten times the file limit.
    content = samples.ooxml(
        "docx",
        parts={"word/media/big.bin": b"\0" * (12 * 1024 * 1024)},
        compression=zipfile.ZIP_DEFLATED,
    )
    with pytest.raises(files.UploadRefused, match="more than 10 MB"):
        files.check_upload(upload("big.docx", content))


# --- macros -----------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", samples.MACRO_DOCX_VARIANTS)
def test_a_docx_with_macros_is_refused(client, call, participant, variant):
    client.force_login(participant)
    response = post_file(client, call, "report.docx", samples.macro_docx(variant))
    assert response.status_code == 200
    assert MACROS in response.context["form"].errors["attachment"][0]
    assert "Answer I typed" in response.text
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("old.doc", samples.ole("WordDocument", storages=("Macros", "VBA"))),
        ("old.doc", samples.ole("WordDocument", storages=("Macros",))),
        ("book.xls", samples.ole("Workbook", storages=("_VBA_PROJECT_CUR", "VBA"))),
    ],
    ids=["word-macros-vba", "word-macros", "excel-vba-project"],
)
def test_a_legacy_office_file_with_macros_is_refused(client, call, participant, name, content):
    client.force_login(participant)
    response = post_file(client, call, name, content)
    assert response.status_code == 200
    assert MACROS in response.context["form"].errors["attachment"][0]
    assert not Attachment.objects.exists()


# --- images keep no text ----------------------------------------------------------------------

# Segments that hold pixels, their coding and their geometry, and nothing typed.
JPEG_PIXEL_MARKERS = {0xD8, 0xD9, 0xDA, 0xDB, 0xC4, 0xDD, *range(0xC0, 0xC4), *range(0xD0, 0xD8)}
PNG_PIXEL_CHUNKS = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"pHYs", b"gAMA", b"sRGB"}
WEBP_PIXEL_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"}


def stored_bytes(client, call, participant, name, content) -> bytes:
    client.force_login(participant)
    assert post_file(client, call, name, content).status_code == 302
    with Attachment.objects.get().file.open("rb") as stored:
        return stored.read()


def test_a_jpeg_keeps_no_text_segment(client, call, participant):
    original = samples.image_with_text("JPEG")
    markers = {marker for marker, _ in samples.jpeg_segments(original)}
    assert {0xFE, 0xE1, 0xE2, 0xED} <= markers  # comment, EXIF/XMP, ICC, IPTC
    data = stored_bytes(client, call, participant, "photo.jpg", original)
    segments = samples.jpeg_segments(data)
    for marker, payload in segments:
        if marker == 0xE0:  # APP0 may only be the JFIF header: version, density
            assert payload.startswith(b"JFIF\0") and len(payload) == 14
        else:
            assert marker in JPEG_PIXEL_MARKERS, hex(marker)
    assert samples.SECRET.encode() not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (32, 24)
        red, green, blue = image.convert("RGB").getpixel((16, 12))
        assert red < 20 and 110 < green < 145 and 110 < blue < 145  # still teal


def test_a_png_keeps_no_text_chunk(client, call, participant):
    original = samples.image_with_text("PNG")
    kinds = {kind for kind, _ in samples.png_chunks(original)}
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"} <= kinds
    data = stored_bytes(client, call, participant, "photo.png", original)
    kinds = [kind for kind, _ in samples.png_chunks(data)]
    assert set(kinds) <= PNG_PIXEL_CHUNKS, kinds
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (32, 24)
        assert image.convert("RGB").getpixel((0, 0)) == (0, 128, 128)


def test_a_webp_keeps_no_text_chunk(client, call, participant):
    original = samples.image_with_text("WEBP")
    kinds = {kind for kind, _ in samples.webp_chunks(original)}
    assert {b"EXIF", b"XMP ", b"ICCP"} <= kinds
    data = stored_bytes(client, call, participant, "photo.webp", original)
    chunks = samples.webp_chunks(data)
    assert {kind for kind, _ in chunks} <= WEBP_PIXEL_CHUNKS, chunks
    for kind, payload in chunks:
        if kind == b"VP8X":
            assert payload[0] & 0b00101100 == 0  # no ICC, EXIF or XMP flag
    assert samples.SECRET.encode() not in data


# --- how many files ----------------------------------------------------------------------------


def test_a_submission_holds_at_most_the_configured_number_of_files(
    client, call, participant, settings
):
    settings.DECLARATION_MAX_FILES = 2
    client.force_login(participant)
    for number in (1, 2):
        assert post_file(client, call, f"{number}.pdf", samples.PDF).status_code == 302
    response = post_file(client, call, "3.pdf", samples.PDF, text="Third try")
    assert response.status_code == 200
    assert "at most 2 files" in response.context["form"].errors["attachment"][0]
    assert "Third try" in response.text
    assert Attachment.objects.count() == 2
    # A link is not a file: it can still be added.
    link = "https://video.example.org/talk"
    assert client.post(URL, form_data(call, "x", link=link)).status_code == 302
    assert Attachment.objects.count() == 3


def test_the_file_limit_is_ten_by_default(settings):
    assert settings.DECLARATION_MAX_FILES == 10


def test_the_service_counts_the_files_under_the_lock(call, participant, settings):
    settings.DECLARATION_MAX_FILES = 1
    submission = services.save_draft(call.pk, contributor=participant, answers={})
    checked = files.check_upload(upload("a.pdf", samples.PDF))
    services.add_attachment(submission.pk, by=participant, upload=checked)
    with pytest.raises(services.DeclarationError) as refused:
        services.add_attachment(
            submission.pk, by=participant, upload=files.check_upload(upload("b.pdf", samples.PDF))
        )
    assert refused.value.field == "attachment"


# --- one receipt a submission ---------------------------------------------------------------


def test_files_added_after_sending_send_no_more_receipts(client, call, participant):
    client.force_login(participant)
    response = client.post(
        URL, form_data(call, "My input", attachment=upload("first.pdf", samples.PDF)), follow=True
    )
    assert "emailed you a copy" in response.text
    assert receipts() == 1
    for name in ("second.pdf", "third.pdf"):
        response = client.post(
            URL, form_data(call, "My input", attachment=upload(name, samples.PDF)), follow=True
        )
        assert "emailed you a copy" not in response.text
        assert "is added" in response.text
    assert Attachment.objects.count() == 3
    assert receipts() == 1
    # Changed answers are a new submission, with a receipt listing every file.
    client.post(URL, form_data(call, "My better input"))
    assert receipts() == 2
    latest = OutboxMessage.objects.filter(kind="declarations.receipt").latest("pk")
    assert latest.context["attachments"] == ["first.pdf", "second.pdf", "third.pdf"]


def test_a_file_sent_with_the_first_submission_gives_one_receipt(client, call, participant):
    client.force_login(participant)
    client.post(URL, form_data(call, "Input", attachment=upload("a.pdf", samples.PDF)))
    client.post(URL, form_data(call, "Input"))  # sent again unchanged
    assert receipts() == 1
    assert Submission.objects.get().submit_count == 1
