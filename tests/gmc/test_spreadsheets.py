"""The one writer of CSV and XLSX exports guards every cell, the header included."""

import csv
import io

import pytest
from openpyxl import load_workbook

from gmc import spreadsheets

HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "\n=1",
    "  =1+1",
    "\uff1d1+1",  # a full-width equals sign, read as "=" by some spreadsheet programs
]


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_cell_keeps_what_a_spreadsheet_would_run_as_text(value):
    assert spreadsheets.safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", "", "'quoted", "3 = 3", "e-mail"])
def test_safe_cell_leaves_plain_text_alone(value):
    assert spreadsheets.safe_cell(value) == value


def test_every_csv_cell_is_guarded_header_included():
    rows = read_csv(spreadsheets.to_csv(HOSTILE, [HOSTILE, ["ok", *HOSTILE[1:]]]))
    assert rows[0] == ["'" + value for value in HOSTILE]
    assert rows[1] == ["'" + value for value in HOSTILE]
    assert rows[2][0] == "ok"


def test_every_xlsx_cell_is_guarded_text_header_included():
    data = spreadsheets.to_xlsx(HOSTILE, [HOSTILE], sheet="Sheet")
    # XML reads a carriage return back as a line feed.
    expected = ["'" + value.replace("\r", "\n") for value in HOSTILE]
    values = read_xlsx(data)
    assert values[0] == expected
    assert values[1] == expected
    sheet = load_workbook(io.BytesIO(data)).active
    assert {cell.data_type for row in sheet.iter_rows() for cell in row} == {"s"}


def test_xlsx_drops_characters_a_workbook_cannot_hold():
    """Control characters (typed or pasted into an answer) would make the export fail."""
    values = read_xlsx(
        spreadsheets.to_xlsx(["Title\x07"], [["bell\x07 escape\x1b[31m"]], sheet="S")
    )
    assert values == [["Title"], ["bell escape[31m"]]


def test_non_text_values_are_written_as_text():
    assert read_csv(spreadsheets.to_csv(["n"], [[42]]))[1] == ["42"]
    assert read_xlsx(spreadsheets.to_xlsx(["n"], [[-42]], sheet="S"))[1] == ["'-42"]
