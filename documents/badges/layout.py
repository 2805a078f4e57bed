"""Where badges go on paper: the sheets organisers print on, the grid of badges on a
page and the crop marks that show where to cut. Pure arithmetic in millimetres, from
the top-left corner of the page (the unit and origin of ``gmc.pdf``).

A sheet of several badges puts them edge to edge, centred on the page, so one cut of
the guillotine separates two badges; the crop marks stand outside the grid, in the
margin, in line with every cut, and never reach into a badge. Badges keep their text
``padding`` away from their edges, so a cut a millimetre off clips nothing.

Both office papers take the same grid: eight badges of 90 x 55 mm (the business-card
size of badge holders) in 2 columns and 4 rows, 180 x 220 mm, leave at least 15 mm
of margin on A4 (210 x 297) and on US Letter (215.9 x 279.4), more than any office
printer needs, with room for the marks. Label printers print one badge a page, on
4 x 3 in labels (101.6 x 76.2 mm), with no marks: the printer cuts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

INCH = 25.4

# Crop marks: how far from the grid they start, how long they are, how thick.
MARK_GAP = 2.0
MARK_LENGTH = 5.0
MARK_WIDTH = 0.25


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Sheet:
    """One paper format: its page, the badge size, and how many badges a page holds."""

    key: str
    label: str
    page_width: float
    page_height: float
    badge_width: float
    badge_height: float
    columns: int = 1
    rows: int = 1
    crop_marks: bool = True

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def grid_width(self) -> float:
        return self.columns * self.badge_width

    @property
    def grid_height(self) -> float:
        return self.rows * self.badge_height

    @property
    def left(self) -> float:
        return (self.page_width - self.grid_width) / 2

    @property
    def top(self) -> float:
        return (self.page_height - self.grid_height) / 2

    def pages_for(self, badges: int) -> int:
        """Pages needed for ``badges`` badges (one, empty of badges, for none)."""
        return max(1, -(-badges // self.per_page))

    def slot(self, index: int) -> tuple[float, float]:
        """The top-left corner of the ``index``-th badge of a page (0 first), filled row
        by row from the top left: the order the badges were sorted in reads down the
        page. The same on a right-to-left page: the sheet is cut, not read."""
        row, column = divmod(index % self.per_page, self.columns)
        return self.left + column * self.badge_width, self.top + row * self.badge_height

    def cuts(self) -> tuple[list[float], list[float]]:
        """The x of every vertical cut and the y of every horizontal one."""
        xs = [self.left + column * self.badge_width for column in range(self.columns + 1)]
        ys = [self.top + row * self.badge_height for row in range(self.rows + 1)]
        return xs, ys

    def marks(self) -> list[Line]:
        """The crop marks of a page: at each end of every cut, outside the grid."""
        if not self.crop_marks:
            return []
        xs, ys = self.cuts()
        right, bottom = self.left + self.grid_width, self.top + self.grid_height
        lines = []
        for x in xs:
            lines.append(Line(x, self.top - MARK_GAP - MARK_LENGTH, x, self.top - MARK_GAP))
            lines.append(Line(x, bottom + MARK_GAP, x, bottom + MARK_GAP + MARK_LENGTH))
        for y in ys:
            lines.append(Line(self.left - MARK_GAP - MARK_LENGTH, y, self.left - MARK_GAP, y))
            lines.append(Line(right + MARK_GAP, y, right + MARK_GAP + MARK_LENGTH, y))
        return lines


# The labels write sizes with the multiplication sign, as printers' catalogues do.
A4 = Sheet("a4", _("A4, 8 badges a page (90 × 55 mm)"), 210, 297, 90, 55, 2, 4)  # noqa: RUF001
LETTER = Sheet(
    "letter",
    _("US Letter, 8 badges a page (90 × 55 mm)"),  # noqa: RUF001
    215.9,
    279.4,
    90,
    55,
    2,
    4,
)
LABEL = Sheet(
    "label",
    _("Label printer, one badge a page (4 × 3 in)"),  # noqa: RUF001
    4 * INCH,
    3 * INCH,
    4 * INCH,
    3 * INCH,
    crop_marks=False,
)
SHEETS = {sheet.key: sheet for sheet in (A4, LETTER, LABEL)}
