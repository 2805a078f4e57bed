"""Tabular exports shared by the apps: CSV and XLSX from a header and rows.

Every cell goes through ``safe_cell`` here, the header included (question labels and
topic titles are typed by people too), so that no export can forget it.
"""

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

# A cell starting with one of these is run as a formula by some spreadsheet program
# (full-width signs by Excel with East Asian input; tab, CR and LF by importers that
# strip them). Leading spaces are looked through: some programs trim them first.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: object) -> str:
    """The value as text a spreadsheet will not run as a formula (CSV injection): an
    apostrophe before any that starts like one."""
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip(" ").startswith(FORMULA_START) else text


def _safe_row(row: Iterable[object]) -> list[str]:
    return [safe_cell(value) for value in row]


def to_csv(header: Iterable[object], rows: Iterable[Iterable[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_safe_row(header))
    writer.writerows(_safe_row(row) for row in rows)
    # A byte-order mark so that spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(
    header: Iterable[object],
    rows: Iterable[Iterable[object]],
    *,
    sheet: str,
    column_width: int = 22,
) -> bytes:
    """An XLSX workbook whose every cell is a text cell, never a formula. Characters an
    XLSX file cannot hold (control characters typed or pasted into an answer) are left
    out rather than failing the whole export."""
    header = list(header)
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])  # Excel's limit on sheet names
    for index in range(1, len(header) + 1):
        worksheet.column_dimensions[get_column_letter(index)].width = column_width

    def text_cells(row: Iterable[object]) -> list[WriteOnlyCell]:
        cells = []
        for value in _safe_row(row):
            cell = WriteOnlyCell(worksheet, ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"
            cells.append(cell)
        return cells

    worksheet.append(text_cells(header))
    for row in rows:
        worksheet.append(text_cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
