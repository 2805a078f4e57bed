"""Dates written the one way the language's format module says (gmc/formats/)."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format, get_format


def date_range(start: date | None, end: date | None = None) -> str:
    """The days from ``start`` to ``end`` in the current language, the first leaving out
    what it shares with the last. In English, joined by an en dash: "3-5 January 2027",
    "30 November - 2 December 2026", "30 December 2026 - 2 January 2027". One day alone
    when they are the same or ``end`` is missing; empty without ``start``."""
    if start is None:
        return ""
    if end is None or end == start:
        return date_format(start, "DATE_FORMAT")
    last = date_format(end, "DATE_FORMAT")
    if (start.year, start.month) == (end.year, end.month):
        first = date_format(start, get_format("DATE_RANGE_SAME_MONTH_START_FORMAT"))
        return first + get_format("DATE_RANGE_SAME_MONTH_SEPARATOR") + last
    if start.year == end.year:
        first = date_format(start, get_format("DATE_RANGE_SAME_YEAR_START_FORMAT"))
    else:
        first = date_format(start, "DATE_FORMAT")
    return first + get_format("DATE_RANGE_SEPARATOR") + last
