"""The PDF pipeline (gmc/pdf.py): text in every script the portal speaks comes out of
the PDF as written, fonts are embedded as subsets, and nothing reaches the network."""

from __future__ import annotations

import io
import re
import socket
import unicodedata

import pytest
from django.core.exceptions import ImproperlyConfigured
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from gmc import pdf
from gmc.pdf import Document, rendering_language

SAMPLES = {
    "en": ["Certificate of attendance", "Amina Otieno attended the conference"],
    "ar": ["شهادة حضور", "المؤتمر العالمي"],
    "zh-hans": ["参会证明", "全球慕课与在线教育大会"],
    "vi": ["Giấy chứng nhận tham dự", "Nguyễn Thị Lan"],
    "ru": ["Сертификат участника", "Санкт-Петербургский университет"],
}


def squeeze(text: str) -> str:
    """Text as compared: runs of white space as one (extractors space stacked marks),
    and no control characters. Shaping draws some Arabic letters as a base and its dots,
    glyphs of their own that stand for no text: the PDF maps them to nothing, and pypdf
    prints their raw codes as control characters, which readers (and this) drop."""
    text = "".join(c for c in text if unicodedata.category(c) != "Cc" or c in "\n\t ")
    return re.sub(r"\s+", " ", text).strip()


def render(language: str, lines: list[str]) -> bytes:
    with rendering_language(language):
        document = Document(title="Test", language=language)
        document.add_page()
        for line in lines:
            document.paragraph(line, size=14)
        document.qr_code("https://gmc.example.org/verify/7KQ2M9XW4HCT1BRN/", x=20, y=200, size=30)
        return document.output()


def extracted(data: bytes) -> str:
    return squeeze(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access while rendering: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.parametrize("language", list(SAMPLES))
def test_text_in_each_language_is_found_in_the_pdf(language, no_network):
    data = render(language, SAMPLES[language])
    assert data.startswith(b"%PDF-")
    text = extracted(data)
    for words in SAMPLES[language]:
        assert squeeze(words) in text


def test_arabic_is_set_in_the_arabic_font_with_its_joined_forms(no_network):
    data = render("ar", ["شهادة حضور"])
    reader = PdfReader(io.BytesIO(data))
    fonts = [str(font["/BaseFont"]) for font in _fonts(reader)]
    assert any("NotoSansArabic" in name for name in fonts)
    # Joined letters are the font's contextual forms, reached only through shaping: in
    # "حضور" the ح takes its initial form, so the subset holds that outline and not the
    # isolated letter's (what an unshaped PDF would show).
    original = TTFont(pdf.font_path(pdf.ARABIC.regular))
    subset = TTFont(io.BytesIO(_font_file(reader, "NotoSansArabic")))
    outlines = {_outline(subset, name) for name in subset.getGlyphOrder()}
    assert _outline(original, "uni062D.init") in outlines
    assert _outline(original, "uni062D") not in outlines


def test_chinese_uses_the_chinese_font_and_english_does_not_load_it(no_network):
    chinese = PdfReader(io.BytesIO(render("zh-hans", SAMPLES["zh-hans"])))
    english = PdfReader(io.BytesIO(render("en", SAMPLES["en"])))
    assert any("NotoSansSC" in str(f["/BaseFont"]) for f in _fonts(chinese))
    assert not any("NotoSansSC" in str(f["/BaseFont"]) for f in _fonts(english))


def test_the_embedded_fonts_are_subsets(no_network):
    data = render("zh-hans", SAMPLES["zh-hans"] + ["Nguyễn Thị Lan"])
    reader = PdfReader(io.BytesIO(data))
    for font in _fonts(reader):
        name = str(font["/BaseFont"])
        # PDF's mark of a subset: six capitals and a plus before the font's name.
        assert re.match(r"^/?[A-Z]{6}\+", name), name
    # The whole Chinese font is 10 MB; the document holds a few glyphs of it.
    assert len(data) < 200_000
    assert pdf.font_path(pdf.CHINESE.regular).stat().st_size > 5_000_000


def test_a_start_aligned_arabic_paragraph_sits_on_the_right(no_network):
    def left_edge(language: str, text: str) -> float:
        with rendering_language(language):
            document = Document(title="Test", language=language)
            document.add_page()
            document.paragraph(text, size=12)
            data = document.output()
        positions = []

        def visit(text, cm, tm, font, size):
            if text.strip():
                positions.append(tm[4])

        PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
        return min(positions)

    assert left_edge("ar", "شهادة") > 150  # millimetres are ~2.83 points; A4 is 595 pt
    assert left_edge("en", "Certificate") < 100


def test_images_come_from_bytes_and_never_from_a_path_or_address(no_network, tmp_path):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 80, 160)).save(buffer, format="PNG")
    with rendering_language("en"):
        document = Document(title="Test", language="en")
        document.add_page()
        document.image(buffer.getvalue(), x=20, y=20, w=40)
        data = document.output()
        assert b"/Subtype /Image" in data
        with pytest.raises(Exception):  # noqa: B017  fpdf2 refuses any path or URL
            document.pdf.image("https://example.org/logo.png", x=0, y=0, w=10)
        with pytest.raises(Exception):  # noqa: B017  and any file name
            (tmp_path / "logo.png").write_bytes(buffer.getvalue())
            document.pdf.image(str(tmp_path / "logo.png"), x=0, y=0, w=10)


def test_missing_fonts_are_named_with_the_command_that_installs_them(settings, tmp_path):
    settings.PDF_FONT_DIR = str(tmp_path)
    with pytest.raises(ImproperlyConfigured, match="npm ci"):
        Document(title="Test", language="en")


def test_the_qr_code_is_drawn_as_vectors(no_network):
    data = render("en", ["QR"])
    reader = PdfReader(io.BytesIO(data))
    content = reader.pages[0].get_contents().get_data()
    assert content.count(b" re f") + content.count(b" re\nf") > 50  # filled rectangles
    assert "/XObject" not in str(reader.pages[0].get("/Resources", {}))


def _fonts(reader: PdfReader) -> list:
    found = []
    for page in reader.pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            found.append(font)
            for descendant in font.get("/DescendantFonts", []):
                found.append(descendant.get_object())
    return found


def _outline(font: TTFont, name: str) -> tuple:
    glyph = font["glyf"][name]
    coordinates, _ends, _flags = glyph.getCoordinates(font["glyf"])
    return tuple(coordinates)


def _font_file(reader: PdfReader, family: str) -> bytes:
    for font in _fonts(reader):
        descriptor = font.get("/FontDescriptor")
        if descriptor and family in str(font["/BaseFont"]):
            stream = descriptor.get_object().get("/FontFile2")
            if stream is not None:
                return stream.get_object().get_data()
    raise AssertionError(f"no embedded {family}")


def test_a_paragraph_reads_in_the_direction_of_its_first_letter(no_network):
    """An English wording or an address in an Arabic document reads left to right, its
    full stop at its end; an Arabic sentence with an English name in it right to left."""
    data = render("ar", ["The programme covered open education.", "حضر Amina Otieno المؤتمر."])
    text = extracted(data)
    assert "The programme covered open education." in text
    assert ".The programme" not in text
    assert "Amina Otieno" in text
