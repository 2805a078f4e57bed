"""PDF documents made on the server: certificates, badges, letters.

One pipeline for every document the portal prints, built on fpdf2 with HarfBuzz
shaping (``uharfbuzz``): Arabic is joined and laid out right to left, Vietnamese
diacritics stack, Chinese uses its own font, and every font is embedded as a subset.
Rendering reads only files on disk (the Noto fonts installed by ``npm ci`` from the
npm registry, images handed in as bytes): no network, no system library beyond pip.

The API, in the order a document uses it::

    with rendering_language(user_language):          # translation.override + dates
        doc = Document(title=_("Certificate of attendance"), language=user_language)
        doc.add_page()
        doc.image(logo_file, x=15, y=15, h=20)       # bytes or a storage file, never a URL
        doc.paragraph(_("Certificate of attendance"), size=24, bold=True, align="center")
        doc.paragraph(name, size=20, align="center")
        doc.paragraph(text)                           # start-aligned: right in Arabic
        doc.qr_code("https://…/verify/CODE/", x=170, y=250, size=25)
        pdf_bytes = doc.output()

Fonts: each paragraph is set in the family of the script it needs (Arabic, Chinese,
or Noto Sans for Latin, Cyrillic, Greek and Vietnamese), with the others as
per-character fallbacks; a run of Arabic is never split between fonts, which would
break its joining.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO, Literal

import qrcode
import qrcode.constants
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, translation
from fpdf import FPDF
from fpdf.enums import ResourceAccessPolicy, TextDirection
from PIL import Image

from gmc.dates import date_range

Align = Literal["start", "center", "end", "justify"]


@dataclass(frozen=True)
class FontFamily:
    """One family registered in every document: its name in the PDF, and its regular
    and bold files relative to ``settings.PDF_FONT_DIR``."""

    name: str
    regular: str
    bold: str


# Noto, from the npm registry (package.json: @expo-google-fonts/*, the only packages
# there shipping these as TTF; fpdf2 cannot embed WOFF). One weight of Chinese: its
# file is 10 MB and a bold one would double that.
LATIN = FontFamily(
    "NotoSans",
    "noto-sans/400Regular/NotoSans_400Regular.ttf",
    "noto-sans/700Bold/NotoSans_700Bold.ttf",
)
ARABIC = FontFamily(
    "NotoSansArabic",
    "noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf",
    "noto-sans-arabic/700Bold/NotoSansArabic_700Bold.ttf",
)
CHINESE = FontFamily(
    "NotoSansSC",
    "noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
    "noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
)
FAMILIES = (LATIN, ARABIC, CHINESE)

_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_HAN_SCRIPT = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def font_path(relative: str) -> Path:
    return Path(settings.PDF_FONT_DIR) / relative


def missing_fonts() -> list[Path]:
    """The font files the pipeline needs and cannot find (empty when all are there)."""
    paths = {font_path(f) for family in FAMILIES for f in (family.regular, family.bold)}
    return sorted(path for path in paths if not path.is_file())


def families_for(text: str) -> list[FontFamily]:
    """The families a paragraph needs, the one it is set in first: Arabic as soon as it
    holds Arabic script (a run of it must be shaped in one font), else Chinese when it
    holds Han characters, else Noto Sans; the others stand in, character by character,
    for what the first lacks (Latin letters in an Arabic sentence)."""
    arabic, han = bool(_ARABIC_SCRIPT.search(text)), bool(_HAN_SCRIPT.search(text))
    first = ARABIC if arabic else CHINESE if han else LATIN
    others = [LATIN] + ([ARABIC] if arabic else []) + ([CHINESE] if han else [])
    return [first] + [family for family in others if family is not first]


def starts_right_to_left(text: str) -> bool | None:
    """The direction of ``text``'s first strong character (as HTML's ``dir="auto"``):
    True for Arabic or Hebrew, False for Latin, Cyrillic, Han..., None when it has none
    (digits, punctuation)."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return None


def is_rtl(language: str) -> bool:
    return translation.get_language_info(language)["bidi"]


@contextmanager
def rendering_language(language: str) -> Iterator[None]:
    """Render in ``language``: its translations and the portal's date formats for it
    (``gmc/formats/<language>``). Wrap everything that builds a document's text."""
    with translation.override(language):
        yield


def format_date(day: date) -> str:
    """A day as the active language writes it (its ``DATE_FORMAT``)."""
    return formats.date_format(day, "DATE_FORMAT")


def format_date_range(start: date | None, end: date | None) -> str:
    """The days of an event as the active language writes a range."""
    return date_range(start, end)


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of a QR code of ``data`` (error correction M, no quiet zone)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def _image_bytes(source: bytes | BinaryIO) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if hasattr(source, "storage"):  # a FieldFile: read through its storage
        with source.open("rb") as handle:
            return handle.read()
    source.seek(0)
    return source.read()


class Document:
    """One PDF, A4 by default, in one language. Text goes through ``paragraph``; its
    alignment follows the language's direction ("start" is right in Arabic)."""

    def __init__(
        self,
        *,
        title: str,
        language: str,
        author: str = "",
        orientation: Literal["portrait", "landscape"] = "portrait",
        page_format: str | tuple[float, float] = "A4",
        margin: float = 20,
    ) -> None:
        missing = missing_fonts()
        if missing:
            raise ImproperlyConfigured(
                "The PDF fonts are missing (run `npm ci`, or set PDF_FONT_DIR): "
                + ", ".join(str(path) for path in missing)
            )
        self.language = language
        self.rtl = is_rtl(language)
        pdf = FPDF(orientation=orientation[0].upper(), unit="mm", format=page_format)
        # Images come in as bytes; nothing is ever fetched, not even a local path.
        pdf.resource_access_policy = ResourceAccessPolicy.NONE
        pdf.set_margins(margin, margin, margin)
        pdf.set_auto_page_break(auto=True, margin=margin)
        pdf.set_title(str(title))
        pdf.set_lang(language)
        pdf.set_creator("GMC portal")
        if author:
            pdf.set_author(str(author))
        pdf.set_text_color(20, 20, 20)
        self.pdf = pdf
        self._loaded: set[FontFamily] = set()

    def _use(self, families: list[FontFamily]) -> None:
        """Register the families a paragraph needs, once: a document in English never
        reads the 10 MB Chinese font."""
        for family in families:
            if family not in self._loaded:
                self.pdf.add_font(family.name, "", str(font_path(family.regular)))
                self.pdf.add_font(family.name, "B", str(font_path(family.bold)))
                self._loaded.add(family)

    # --- pages and positions ------------------------------------------------------

    @property
    def width(self) -> float:
        return self.pdf.w

    @property
    def height(self) -> float:
        return self.pdf.h

    @property
    def margin(self) -> float:
        return self.pdf.l_margin

    @property
    def y(self) -> float:
        return self.pdf.get_y()

    def add_page(self) -> None:
        self.pdf.add_page()

    def move_to(self, y: float) -> None:
        self.pdf.set_y(y)

    def space(self, height: float) -> None:
        self.pdf.ln(height)

    def mirror_x(self, x: float, width: float) -> float:
        """``x`` counted from the start edge of the page: from the right in Arabic."""
        return self.width - x - width if self.rtl else x

    def rule(self, *, width: float = 0.4, color: tuple[int, int, int] = (120, 120, 120)) -> None:
        """A horizontal line across the text width at the current position."""
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(width)
        y = self.y
        self.pdf.line(self.margin, y, self.width - self.pdf.r_margin, y)

    # --- text ------------------------------------------------------------------------

    def paragraph(
        self,
        text: str,
        *,
        size: float = 11,
        bold: bool = False,
        align: Align = "start",
        line_height: float = 1.35,
        color: tuple[int, int, int] | None = None,
        space_after: float = 2,
        x: float | None = None,
        width: float = 0,
    ) -> None:
        """Write ``text`` (lines split at "\\n", then wrapped) below the current position.
        ``align`` "start"/"end" follow the document's direction; ``x``/``width`` narrow
        the block (``x`` from the start edge); the font follows the text's script."""
        text = unicodedata.normalize("NFC", str(text))
        families = families_for(text)
        self._use(families)
        pdf = self.pdf
        pdf.set_font(families[0].name, "B" if bold else "", size)
        pdf.set_fallback_fonts([f.name for f in families[1:]], exact_match=False)
        # The paragraph's base direction is its first strong character's (an Arabic
        # sentence holding an English name reads right to left; an English wording or an
        # address in an Arabic document left to right, its full stop or slash at its
        # end); the document's when it has none. Bidi orders the runs within it.
        rtl = starts_right_to_left(text)
        pdf.set_text_shaping(
            use_shaping_engine=True,
            direction=TextDirection.RTL
            if (self.rtl if rtl is None else rtl)
            else TextDirection.LTR,
        )
        if color:
            pdf.set_text_color(*color)
        fpdf_align = {
            "start": "R" if self.rtl else "L",
            "end": "L" if self.rtl else "R",
            "center": "C",
            "justify": "J",
        }[align]
        if width and x is not None:
            pdf.set_x(self.mirror_x(x, width))
        elif x is not None:
            pdf.set_x(x)
        else:
            pdf.set_x(self.margin)
        pdf.multi_cell(
            width,
            size * line_height * 0.3528,  # points to millimetres
            text,
            align=fpdf_align,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        if color:
            pdf.set_text_color(20, 20, 20)
        if space_after:
            pdf.ln(space_after)

    # --- drawings and images ---------------------------------------------------------

    def qr_code(self, data: str, *, x: float, y: float, size: float) -> None:
        """A QR code of ``data`` drawn as vector squares, ``size`` mm wide, at (x, y)."""
        matrix = qr_matrix(data)
        module = size / len(matrix)
        pdf = self.pdf
        pdf.set_fill_color(0, 0, 0)
        for row, cells in enumerate(matrix):
            col = 0
            while col < len(cells):
                if not cells[col]:
                    col += 1
                    continue
                start = col
                while col < len(cells) and cells[col]:
                    col += 1
                # One rectangle per run of dark modules: fewer drawing operations.
                pdf.rect(x + start * module, y + row * module, (col - start) * module,
                         module, style="F")  # fmt: skip

    def image(
        self,
        source: bytes | BinaryIO,
        *,
        x: float,
        y: float,
        w: float = 0,
        h: float = 0,
        alt_text: str = "",
    ) -> None:
        """An image (PNG or JPEG: a logo, a signature) from bytes or an open file, such
        as a ``FieldFile`` of the private storage. Never a path or an address."""
        data = _image_bytes(source)
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # refuses what is not an image before fpdf2 reads it
        self.pdf.image(io.BytesIO(data), x=x, y=y, w=w, h=h, alt_text=alt_text or None,
                       keep_aspect_ratio=bool(w and h))  # fmt: skip

    # --- result ------------------------------------------------------------------------

    def output(self) -> bytes:
        return bytes(self.pdf.output())
