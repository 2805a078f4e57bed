"""Tabular exports shared by the apps: CSV and XLSX from a header and rows of strings."""

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """The value as text a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def to_csv(header: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    # A byte-order mark so that spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(
    header: list[str], rows: Iterable[list[str]], *, sheet: str, column_width: int = 22
) -> bytes:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])  # Excel's limit on sheet names
    for index in range(1, len(header) + 1):
        worksheet.column_dimensions[get_column_letter(index)].width = column_width
    worksheet.append(header)
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
