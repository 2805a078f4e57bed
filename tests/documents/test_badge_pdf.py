"""Name badges as PDF: pages per paper, the order of names in every script, what each
badge says, the QR code, crop marks, long names, and the same bytes for the same set."""

from __future__ import annotations

import io
from collections import Counter

import pytest
import uharfbuzz as hb
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation

from agenda.models import Session
from documents.badges.layout import A4, LABEL, LETTER, Sheet
from documents.badges.render import BadgeDocument, header_of, render_badges
from documents.badges.selectors import Badge, badge_registrations, badges, family_name_key
from gmc import demo as gmc_demo
from gmc import pdf
from gmc.permissions import ORGANISERS_GROUP, sync_organiser_group
from gmc.selectors import current_edition
from registration import demo as registration_demo
from registration.models import Registration
from registration.tickets import checkin_address
from tests.factories import EditionFactory, UserFactory
from tests.registration.conftest import organiser_permissions
from tests.registration.factories import RegistrationFactory

from .badges import (
    MM,
    lines_on,
    make_speaker,
    order_in,
    person,
    qr_codes_on,
    reader,
    text_of,
)

# Family names in five scripts, and the order they come out in: without case or
# accents (Đặng as "dang", Dávila as "davila", "de la Rosa" among the D's), then Latin
# before Cyrillic, Arabic and Chinese.
PEOPLE = [
    # (given, family, name on the badge)
    ("Wei", "Zhang", ""),
    ("Thị Lan", "Nguyễn", "Nguyễn Thị Lan"),
    ("Ngọc Ánh", "Đặng", "Đặng Ngọc Ánh"),
    ("Patricia", "Dávila Aranda", ""),
    ("Anabel", "de la Rosa Gómez", ""),
    ("Chinedu", "okafor", ""),
    ("Анна", "Петрова", ""),
    ("محمد", "الهاشمي", "محمد الهاشمي"),
    ("路明", "李", "李路明"),
]
EXPECTED_ORDER = [
    "Đặng Ngọc Ánh",
    "Patricia Dávila Aranda",
    "Anabel de la Rosa Gómez",
    "Nguyễn Thị Lan",
    "Chinedu okafor",
    "Wei Zhang",
    "Анна Петрова",
    "محمد الهاشمي",
    "李路明",
]


@pytest.fixture
def edition(db):
    return EditionFactory(title="GMC 2026", city="Hanoi", working_language="en", is_current=True)


@pytest.fixture
def people(edition):
    return [person(edition, given, family, badge) for given, family, badge in PEOPLE]


def pdf_of(edition, sheet: Sheet, registrations=None) -> bytes:
    chosen = registrations if registrations is not None else Registration.objects.all()
    with translation.override(edition.working_language):
        return render_badges(edition, badges(edition, chosen), sheet)


# --- pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "count", "pages", "size_mm"),
    [
        (A4, 8, 1, (210, 297)),
        (A4, 9, 2, (210, 297)),
        (LETTER, 17, 3, (215.9, 279.4)),
        (LABEL, 3, 3, (101.6, 76.2)),
    ],
)
def test_the_pdf_opens_with_the_pages_its_paper_needs(edition, sheet, count, pages, size_mm):
    for index in range(count):
        person(edition, f"Given{index}", f"Family{index:02d}")
    data = pdf_of(edition, sheet)
    document = reader(data)
    assert data.startswith(b"%PDF-")
    assert len(document.pages) == pages == sheet.pages_for(count)
    for page in document.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width / MM, 1), round(height / MM, 1)) == size_mm
    # Every badge once, on the page its place says.
    text = text_of(data)
    assert [text.count(f"Given{i}Family{i:02d}") for i in range(count)] == [1] * count


def test_both_office_papers_hold_eight_badges_inside_a_margin_printers_reach(db):
    for sheet in (A4, LETTER):
        assert sheet.per_page == 8
        assert sheet.left >= 15 and sheet.top >= 15
        assert sheet.left + sheet.grid_width <= sheet.page_width - 15
        assert sheet.top + sheet.grid_height <= sheet.page_height - 15
    assert LABEL.per_page == 1 and not LABEL.marks()


# --- order ------------------------------------------------------------------------------


def test_badges_come_out_by_family_name_in_every_script(edition, people):
    data = pdf_of(edition, A4)
    assert len(reader(data).pages) == 2
    assert order_in(text_of(data), EXPECTED_ORDER) == EXPECTED_ORDER


def test_the_order_ignores_case_and_accents_and_takes_mixed_scripts(edition):
    upper = person(edition, "Émile", "ÉLIE")
    lower = person(edition, "emile", "elie")
    accented = person(edition, "Zoë", "Ëlie")
    arabic = person(edition, "محمد", "Elie")  # a Latin family name, an Arabic given name
    keys = {r.pk: family_name_key(r.attendee) for r in (upper, lower, accented, arabic)}
    assert {key[:2] for key in keys.values()} == {
        ("elie", "emile"),
        ("elie", "zoe"),
        ("elie", "محمد"),
    }
    ordered = [b.registration_id for b in badges(edition, Registration.objects.all())]
    assert set(ordered[:2]) == {upper.pk, lower.pk}
    assert ordered[2:] == [accented.pk, arabic.pk]


def test_someone_without_a_family_name_is_sorted_by_the_name_as_printed(edition):
    # An account from before names had parts: "Li Luming" is sorted under L, not under a
    # guessed last word; a single given name, by that name.
    older = RegistrationFactory(edition=edition, attendee=UserFactory(full_name="Li Luming"))
    single = person(edition, "Sukarno", "")
    keys = {b.registration_id: b.sort_key for b in badges(edition, Registration.objects.all())}
    assert keys[older.pk][0] == "li luming"
    assert keys[single.pk][0] == "sukarno"
    names = [b.name for b in badges(edition, Registration.objects.all())]
    assert names == ["Li Luming", "Sukarno"]


def test_ties_are_broken_the_same_way_every_time(edition):
    twins = [person(edition, "Lan", "Nguyễn") for _ in range(3)]
    ids = [badge.registration_id for badge in badges(edition, Registration.objects.all())]
    assert ids == sorted(r.pk for r in twins)


# --- what a badge says -----------------------------------------------------------------


def test_a_badge_says_name_organisation_country_and_role_in_the_edition_language(db):
    edition = EditionFactory(working_language="es", title="GMC 2025", city="Ciudad de México")
    registration = person(
        edition, "Amina", "Otieno", organisation_name="University of Nairobi", country="KE"
    )
    text = text_of(pdf_of(edition, LABEL))
    # The country and the role in Spanish, the edition's working language; the name and
    # the organisation as the person wrote them.
    for words in ("AminaOtieno", "UniversityofNairobi", "Kenia", "Participante"):
        assert words in text
    assert "Kenya" not in text
    assert header_of(edition) == "GMC 2025 · Ciudad de México"
    assert registration.role == Registration.Role.PARTICIPANT


def test_a_badge_in_a_right_to_left_language_is_laid_out_from_the_right(db):
    edition = EditionFactory(working_language="ar", title="GMC 2030", city="Cairo")
    person(edition, "Lan", "Nguyễn", organisation_name="VNU", country="VN")
    data = pdf_of(edition, LABEL)
    text = text_of(data)
    # The role and the country in Arabic; the name as written.
    assert "مشارك" in text and "فيتنام" in text and "LanNguyễn" in text
    # The QR code at the start side's end: on the left of an Arabic badge.
    positions = []
    reader(data).pages[0].extract_text(
        visitor_text=lambda t, cm, tm, font, size: positions.append((t.strip(), tm[4]))
    )
    assert max(float(operands[0]) for operands, _op in _rectangles(data)) < (
        LABEL.page_width * MM / 2
    )
    # The role and the country (the Arabic text) start from the right edge.
    arabic_x = [x for t, x in positions if any("\u0600" <= c <= "\u06ff" for c in t)]
    assert arabic_x and min(arabic_x) > LABEL.page_width * MM / 2


def _rectangles(data: bytes) -> list:
    from pypdf.generic import ContentStream

    pdf = reader(data)
    stream = ContentStream(pdf.pages[0].get_contents(), pdf)
    return [(operands, op) for operands, op in stream.operations if op == b"re"]


def test_the_role_line_reads_the_programme_the_organisers_and_the_registration(edition):
    speaker = person(edition, "Luming", "Li")
    make_speaker(speaker)
    elsewhere = person(edition, "Asha", "Kanwar")
    make_speaker(elsewhere, edition=EditionFactory())  # speaks at another edition
    organiser = person(edition, "Peng", "Gang")
    sync_organiser_group()
    organiser.attendee.is_staff = True
    organiser.attendee.save(update_fields=["is_staff"])
    organiser.attendee.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    press = person(edition, "Ana", "Reporter")
    Registration.objects.filter(pk=press.pk).update(role=Registration.Role.PRESS)
    press_speaker = person(edition, "Sam", "Both")
    make_speaker(press_speaker)
    Registration.objects.filter(pk=press_speaker.pk).update(role=Registration.Role.ORGANISER)

    roles = {b.registration_id: b.role_label for b in badges(edition, Registration.objects.all())}
    assert roles == {
        speaker.pk: "Speaker",
        elsewhere.pk: "Participant",
        organiser.pk: "Organiser",
        press.pk: "Press",
        press_speaker.pk: "Organiser",  # what the organisers set comes first
    }
    text = text_of(pdf_of(edition, LABEL, Registration.objects.filter(pk=speaker.pk)))
    assert "LumingLi" in text and "Speaker" in text


def test_a_speaker_of_an_unpublished_session_is_not_yet_a_speaker(edition):
    registration = person(edition, "Stefania", "Giannini")
    speaker = make_speaker(registration)
    Session.objects.filter(session_speakers__speaker=speaker).update(is_published=False)
    [badge] = badges(edition, Registration.objects.all())
    assert badge.role_label == "Participant"


# --- the QR code ------------------------------------------------------------------------


def test_the_qr_code_opens_the_persons_row_on_the_check_in_page(edition, settings):
    settings.SITE_URL = "https://gmc.example.org"
    registration = person(edition, "Lan", "Nguyễn")
    other = person(edition, "Minh", "Trần")
    data = pdf_of(edition, LABEL, Registration.objects.filter(pk=registration.pk))
    [address] = qr_codes_on(data)
    assert address == checkin_address(registration)
    assert address.startswith("https://gmc.example.org/checkin/?q=")
    path, query = address.removeprefix("https://gmc.example.org").split("?")
    assert resolve(path).view_name == "registration:checkin"

    # An organiser who opens it sees that one person's row, with the button to check in.
    organiser = UserFactory(is_staff=True)
    organiser.user_permissions.set(organiser_permissions())
    client = Client()
    client.force_login(organiser)
    response = client.get(f"{path}?{query}")
    assert [r.pk for r in response.context["results"]] == [registration.pk]
    assert other.pk not in [r.pk for r in response.context["results"]]
    assert reverse("registration:checkin_mark", args=[registration.pk]) in response.text

    # The code grants nothing by itself: the wearer, or anyone who reads it, is refused.
    anyone = Client()
    assert anyone.get(f"{path}?{query}").status_code == 302  # to the sign-in page
    anyone.force_login(registration.attendee)
    assert anyone.get(f"{path}?{query}").status_code == 403


def test_each_badge_of_a_sheet_has_its_own_qr_code(edition, people):
    data = pdf_of(edition, A4)
    first_page = set(qr_codes_on(data, 0))
    expected = {checkin_address(r) for r in Registration.objects.all()}
    assert len(first_page) == 8 and first_page <= expected
    assert set(qr_codes_on(data, 1)) == expected - first_page


# --- crop marks ------------------------------------------------------------------------


@pytest.mark.parametrize("sheet", [A4, LETTER], ids=["a4", "letter"])
def test_crop_marks_stand_in_line_with_every_cut_outside_the_badges(edition, sheet):
    person(edition, "Lan", "Nguyễn")
    drawn = lines_on(pdf_of(edition, sheet))
    xs, ys = sheet.cuts()
    # In line with the cuts: 2 mm off the grid, 5 mm long, at each end of every cut.
    expected = set()
    for x in xs:
        expected.add((x, sheet.top - 7, x, sheet.top - 2))
        expected.add((x, sheet.top + 220 + 2, x, sheet.top + 220 + 7))
    for y in ys:
        expected.add((sheet.left - 7, y, sheet.left - 2, y))
        expected.add((sheet.left + 180 + 2, y, sheet.left + 180 + 7, y))
    outside = [s for s in drawn if not (xs[0] < s.x1 < xs[-1] and ys[0] < s.y1 < ys[-1])]
    assert len(outside) == len(expected)
    for line in expected:
        assert any(s.near(*line) for s in outside), line
    # Two columns and four rows: three vertical cuts and five horizontal ones.
    assert len(expected) == 2 * 3 + 2 * 5


def test_a_label_has_no_crop_marks(edition):
    person(edition, "Lan", "Nguyễn")
    drawn = lines_on(pdf_of(edition, LABEL))
    # Only the rule under the conference's name, inside the badge.
    assert all(s.x1 >= 4 and s.x2 <= LABEL.page_width - 4 for s in drawn)
    assert len(drawn) == 1


# --- long names --------------------------------------------------------------------------


def shaped_width(text: str, size: float, *, bold: bool) -> float:
    """The width of ``text`` in mm measured by HarfBuzz itself, in the font the pipeline
    chooses for it: independent of fpdf2's own measure."""
    family = pdf.families_for(text)[0]
    blob = hb.Blob.from_file_path(str(pdf.font_path(family.bold if bold else family.regular)))
    face = hb.Face(blob)
    font = hb.Font(face)
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {})
    advance = sum(position.x_advance for position in buffer.glyph_positions)
    return advance / face.upem * size / MM


LONG_NAMES = [
    "Maximilian Alexander Friedrich von Hohenberg-Wittelsbach zu Schwarzenberg-Lichtenstein",
    "Pablo Diego José Francisco de Paula Juan Nepomuceno María de los Remedios Cipriano",
    "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessen",
    "محمد بن عبد الرحمن بن عبد العزيز بن عبد الله الهاشمي القرشي",
    "爱新觉罗·溥仪爱新觉罗·毓嶦爱新觉罗·恒镗",
    "Nguyễn Phước Bửu Lộc Tôn Nữ Thị Ngọc Anh Trần Văn Hướng",
]


@pytest.mark.parametrize("sheet", [A4, LABEL], ids=["a4", "label"])
def test_long_names_shrink_to_fit_the_badge_and_never_overflow(edition, sheet):
    document = BadgeDocument(sheet, language="en", title="Test")
    for index, name in enumerate(LONG_NAMES):
        document.pdf.add_page()
        badge = Badge(
            registration_id=index,
            name=name,
            organisation="Universidad Nacional Autónoma de México, Facultad de Filosofía y Letras",
            country="Mexico",
            role="participant",
            role_label="Participant",
            checkin_url="https://gmc.example.org/checkin/?q=ABCDEFGHJKMNPQRSTVWX",
            sort_key=(),
        )
        left, top = sheet.slot(0)
        document.badge(badge, left=left, top=top, header="GMC 2026 · Hanoi")
    inner = sheet.badge_width - 2 * 4 * document.scale
    assert document.placed
    for box in document.placed:
        assert box.box_width <= inner + 0.01
        measured = shaped_width(box.text, box.size, bold=box.bold)
        assert measured <= box.box_width, (box.text, box.size, measured, box.box_width)
    # Every name printed whole, on one line or two.
    drawn = "".join(box.text for box in document.placed).replace(" ", "")
    for name in LONG_NAMES:
        assert name.replace(" ", "") in drawn


def test_a_short_name_is_set_large_on_one_line(edition):
    document = BadgeDocument(A4, language="en", title="Test")
    lines, size = document.fitted_lines("Li Luming", 22, 82, 18, bold=True)
    assert lines == ["Li Luming"] and size == 22


# --- the same set, the same file ---------------------------------------------------------


def test_the_same_badges_give_the_same_bytes(edition, people):
    assert pdf_of(edition, A4) == pdf_of(edition, A4)
    assert pdf_of(edition, LABEL) == pdf_of(edition, LABEL)


# --- the demo ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_prints_badges_with_press_and_organiser_roles(demo_time):
    gmc_demo.load(io.StringIO())
    registration_demo.load(io.StringIO())
    edition = current_edition()
    printed = badges(edition, badge_registrations(edition))
    roles = Counter(badge.role_label for badge in printed)
    assert roles["Press"] == len(registration_demo.PRESS)
    assert roles["Organiser"] == len(registration_demo.ORGANISING)
    assert roles["Participant"] == len(printed) - roles["Press"] - roles["Organiser"] > 100
