"""Dates written the one way the language's format module says (gmc/formats/)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.formats import date_format, get_format
from django.utils.translation import ngettext_lazy


def date_range(start: date | None, end: date | None = None) -> str:
    """The days from ``start`` to ``end`` in the current language, one of them leaving
    out what it shares with the other. In English the first does, and an en dash joins
    them: "3-5 January 2027", "30 November - 2 December 2026", "30 December 2026 -
    2 January 2027"; in Chinese the last does: "2027年1月3日 - 5日". One day alone when
    they are the same or ``end`` is missing; empty without ``start``."""
    if start is None:
        return ""
    if end is None or end == start:
        return date_format(start, "DATE_FORMAT")
    if (start.year, start.month) == (end.year, end.month):
        first = get_format("DATE_RANGE_SAME_MONTH_START_FORMAT")
        last = get_format("DATE_RANGE_SAME_MONTH_END_FORMAT")
        separator = get_format("DATE_RANGE_SAME_MONTH_SEPARATOR")
    elif start.year == end.year:
        first = get_format("DATE_RANGE_SAME_YEAR_START_FORMAT")
        last = get_format("DATE_RANGE_SAME_YEAR_END_FORMAT")
        separator = get_format("DATE_RANGE_SEPARATOR")
    else:
        first = last = "DATE_FORMAT"
        separator = get_format("DATE_RANGE_SEPARATOR")
    return date_format(start, first) + separator + date_format(end, last)


def in_zone_of(start: datetime, end: datetime) -> datetime:
    """``end`` in the zone of ``start``: times are shown in the zone the start is in."""
    return end.astimezone(start.tzinfo) if start.tzinfo and end.tzinfo else end


def time_span(start: datetime, end: datetime) -> tuple[str, str]:
    """The times of ``start`` and ``end`` in the zone ``start`` is shown in, the end
    with its day when it falls on another day: ("23:30", "4 January, 01:00")."""
    end = in_zone_of(start, end)
    last = date_format(end, "TIME_FORMAT")
    if end.date() != start.date():
        last = day_and_times(date_format(end, "MONTH_DAY_FORMAT"), last)
    return date_format(start, "TIME_FORMAT"), last


def day_and_times(day: str, times: str) -> str:
    """A day and a time (or a span of times) on it, in the language's order: "Sunday
    3 January 2027, 09:00-10:30" in English, "09:00-10:30 Chủ nhật, 3 tháng 1, 2027"
    in Vietnamese. Both are text: a template joining HTML uses ``format_html`` with
    the same format."""
    return get_format("DAY_AND_TIMES_FORMAT").format(day=day, times=times)


def day_with_times(start: datetime, end: datetime | None = None) -> str:
    """The weekday and date of ``start`` with its time, or with the times from ``start``
    to ``end``: "Sunday 3 January 2027, 09:00-10:30", in the zone ``start`` is in."""
    if end is None:
        return date_format(start, "WEEKDAY_DATETIME_FORMAT")
    first, last = time_span(start, end)
    return day_and_times(date_format(start, "WEEKDAY_DATE_FORMAT"), f"{first}\N{EN DASH}{last}")


# The words of Django's ``timeuntil`` ("3 weeks left"), with Django's own msgids: marked
# here, they are in the portal's catalogues, which come before Django's (LOCALE_PATHS).
# Django's Vietnamese catalogue lacks them, and a Vietnamese page printed them in English.
TIMEUNTIL_WORDS = (
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)
