"""Badges drawn with the shared PDF pipeline (``gmc.pdf``): a sheet of them with crop
marks, or one a page for a label printer.

Every text is fitted, never clipped and never overflowing: the name is set as large as
its box allows (``NAME_MAX``), on one line or, when that gives it a larger size, on two
lines split between words; the other lines shrink the same way. Widths are measured
by the pipeline after shaping, so an Arabic name is measured joined, as it is drawn.

The output depends only on the badges and the sheet: no clock, no random name inside
the file (its creation date is fixed), so the same badges give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import translation
from fpdf.enums import TextDirection

from gmc import pdf as pipeline
from gmc.models import Edition
from registration.models import Registration

from .layout import LABEL, MARK_WIDTH, Sheet
from .selectors import Badge, badges

PT = 25.4 / 72  # one point in millimetres
LINE = 1.2  # line height, times the font size
NAME_MAX = 22.0  # points, on a 55 mm high badge; scaled with the badge
TWO_LINES_GAIN = 1.15  # two lines only when they give the name a size this much larger
INK = (20, 20, 20)
ACCENT = (0, 84, 110)  # dark teal: reads on white, prints as a dark grey in black and white
MUTED = (70, 70, 70)
# The files' creation date, the same for every file: nothing in a file depends on when
# it was made.
FIXED_DATE = datetime(2020, 12, 11, tzinfo=UTC)


@dataclass(frozen=True)
class TextBox:
    """A line of text as placed on the page: its box (mm, from the page's top left) and
    its size in points; ``width`` is the text's measured width."""

    text: str
    x: float
    y: float
    box_width: float
    size: float
    bold: bool
    width: float


class BadgeDocument:
    """One PDF of badges on ``sheet``, in the badge language ``language``."""

    def __init__(self, sheet: Sheet, *, language: str, title: str) -> None:
        self.sheet = sheet
        self.doc = pipeline.Document(
            title=title,
            language=language,
            page_format=(sheet.page_width, sheet.page_height),
            margin=0,
        )
        self.pdf = self.doc.pdf
        self.pdf.set_auto_page_break(False)
        self.pdf.c_margin = 0
        self.pdf.set_creation_date(FIXED_DATE)
        self.rtl = self.doc.rtl
        self.placed: list[TextBox] = []
        self.scale = sheet.badge_height / 55

    # --- text -------------------------------------------------------------------------

    def _font(self, text: str, size: float, bold: bool) -> None:
        families = pipeline.families_for(text)
        self.doc._use(families)
        self.pdf.set_font(families[0].name, "B" if bold else "", size)
        self.pdf.set_fallback_fonts([f.name for f in families[1:]], exact_match=False)
        # A line's direction is its own first letter's (an Arabic name reads right to
        # left on an English badge), the badge language's when it has none.
        rtl = pipeline.starts_right_to_left(text)
        if rtl is None:
            rtl = self.rtl
        direction = TextDirection.RTL if rtl else TextDirection.LTR
        self.pdf.set_text_shaping(use_shaping_engine=True, direction=direction)

    def measure(self, text: str, size: float, bold: bool = False) -> float:
        """The width of ``text`` in mm at ``size`` points, shaped."""
        self._font(text, size, bold)
        return self.pdf.get_string_width(text)

    def fitted_size(self, text: str, most: float, width: float, bold: bool = False) -> float:
        """The largest size up to ``most`` at which ``text`` fits ``width``. Width grows
        in proportion to the size, so one measure gives it; a hair under it is taken so
        that rounding in the file never makes it overflow."""
        measured = self.measure(text, most, bold)
        if measured <= width:
            return most
        return most * width / measured * 0.995

    def line(self, text: str, *, x: float, y: float, width: float, size: float,
             bold: bool = False, align: str = "start", color=INK) -> None:  # fmt: skip
        """Draw one line with the top of its box at ``y``; ``align`` "start"/"end"
        follow the badge language's direction."""
        if not text:
            return
        self._font(text, size, bold)
        self.pdf.set_text_color(*color)
        fpdf_align = {
            "start": "R" if self.rtl else "L",
            "end": "L" if self.rtl else "R",
            "center": "C",
        }[align]
        self.pdf.set_xy(x, y)
        self.pdf.cell(width, size * PT * LINE, text, align=fpdf_align)
        self.placed.append(TextBox(text, x, y, width, size, bold, self.pdf.get_string_width(text)))

    def fitted_lines(self, text: str, most: float, width: float, height: float,
                     bold: bool = False) -> tuple[list[str], float]:  # fmt: skip
        """``text`` on one line, or on two split between words when that gives a size
        ``TWO_LINES_GAIN`` times larger, at the largest size that fits ``width`` and
        ``height``."""
        one = min(self.fitted_size(text, most, width, bold), height / (PT * LINE))
        words = text.split()
        best: tuple[list[str], float] = ([text], one)
        two_most = min(most, height / 2 / (PT * LINE))
        for cut in range(1, len(words)):
            lines = [" ".join(words[:cut]), " ".join(words[cut:])]
            size = min(self.fitted_size(part, two_most, width, bold) for part in lines)
            if size > best[1] * TWO_LINES_GAIN and size > one * TWO_LINES_GAIN:
                best = (lines, size)
        return best

    # --- one badge --------------------------------------------------------------------

    def badge(self, badge: Badge, *, left: float, top: float, header: str) -> None:
        """One badge with its top-left corner at (``left``, ``top``); the layout of a
        90 x 55 mm badge, scaled to the sheet's badge height."""
        sheet, s = self.sheet, self.scale
        width, height = sheet.badge_width, sheet.badge_height
        pad = 4 * s
        inner = width - 2 * pad

        def mirrored(x: float, w: float) -> float:
            """``x`` from the badge's start edge: from its right in a right-to-left
            language."""
            return left + (width - x - w if self.rtl else x)

        # The conference, small, at the top, over a thin rule.
        size = self.fitted_size(header, 7.5 * s, inner)
        self.line(header, x=left + pad, y=top + pad, width=inner, size=size, color=ACCENT)
        rule_y = top + pad + 7.5 * s * PT * LINE + 0.8 * s
        self.pdf.set_draw_color(*ACCENT)
        self.pdf.set_line_width(0.4 * s)
        self.pdf.line(left + pad, rule_y, left + width - pad, rule_y)

        # The name, as large as it fits, centred in its box.
        name_top, name_bottom = rule_y + 1.5 * s, top + height * 0.58
        lines, size = self.fitted_lines(
            badge.name, NAME_MAX * s, inner, name_bottom - name_top, bold=True
        )
        line_height = size * PT * LINE
        y = name_top + (name_bottom - name_top - line_height * len(lines)) / 2
        for text in lines:
            self.line(text, x=left + pad, y=y, width=inner, size=size, bold=True,
                      align="center")  # fmt: skip
            y += line_height

        # The QR code in the bottom corner at the end side; beside it, from the bottom
        # up: the role, the country, the organisation (two lines at most).
        qr = min(height - pad - (name_bottom - top) - 1 * s, 26.0)
        qr_x = mirrored(width - pad - qr, qr)
        self.doc.qr_code(badge.checkin_url, x=qr_x, y=top + height - pad - qr, size=qr)
        column = inner - qr - 3 * s
        x = mirrored(pad, column)
        y = top + height - pad
        role_size = self.fitted_size(badge.role_label, 10 * s, column, bold=True)
        y -= role_size * PT * LINE
        self.line(badge.role_label, x=x, y=y, width=column, size=role_size, bold=True,
                  color=ACCENT)  # fmt: skip
        if badge.country:
            country_size = self.fitted_size(badge.country, 8 * s, column)
            y -= country_size * PT * LINE + 0.6 * s
            self.line(badge.country, x=x, y=y, width=column, size=country_size, color=MUTED)
        if badge.organisation:
            room = y - (name_bottom + 1 * s)
            org_lines, org_size = self.fitted_lines(
                badge.organisation, 8.5 * s, column, min(room, 2 * 8.5 * s * PT * LINE)
            )
            y -= org_size * PT * LINE * len(org_lines) + 0.6 * s
            for offset, text in enumerate(org_lines):
                self.line(text, x=x, y=y + offset * org_size * PT * LINE, width=column,
                          size=org_size)  # fmt: skip

    # --- pages --------------------------------------------------------------------------

    def crop_marks(self) -> None:
        self.pdf.set_draw_color(0, 0, 0)
        self.pdf.set_line_width(MARK_WIDTH)
        for mark in self.sheet.marks():
            self.pdf.line(mark.x1, mark.y1, mark.x2, mark.y2)

    def render(self, items: list[Badge], *, header: str) -> bytes:
        """Every badge in ``items`` in its order, page after page; the crop marks on
        every page of a sheet, even one with a single badge."""
        sheet = self.sheet
        for page in range(sheet.pages_for(len(items))):
            self.pdf.add_page()
            self.crop_marks()
            for index, badge in enumerate(
                items[page * sheet.per_page : (page + 1) * sheet.per_page]
            ):
                left, top = sheet.slot(index)
                self.badge(badge, left=left, top=top, header=header)
        return self.doc.output()


def header_of(edition: Edition) -> str:
    """The line at the top of each badge: the edition's title, and its city."""
    return " · ".join(part for part in (edition.title, edition.city) if part)


def render_badges(edition: Edition, items: list[Badge], sheet: Sheet) -> bytes:
    """The PDF of ``items`` (badges already in their order) on ``sheet``, in the edition's
    working language (call inside ``translation.override`` of it: the edition's title
    is read in the active language)."""
    document = BadgeDocument(
        sheet, language=edition.working_language or "en", title=header_of(edition)
    )
    return document.render(items, header=header_of(edition))


def single_badge_pdf(registration: Registration) -> bytes:
    """One person's badge on a label (``LABEL``), e.g. printed at the check-in desk."""
    edition = registration.edition
    chosen = Registration.objects.filter(pk=registration.pk)
    with translation.override(edition.working_language or "en"):
        return render_badges(edition, badges(edition, chosen), LABEL)
