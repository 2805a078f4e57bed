"""Date, time, number and list formats of the portal, one module per language
(``gmc/formats/<language>/formats.py``, found through ``FORMAT_MODULE_PATH``), with
CLDR as the reference.

Pages, emails, calendar descriptions and our admin screens write dates and times only
through the names defined there (``DATE_FORMAT``, ``TIME_FORMAT``, ...), never with a
pattern of their own, lists in a sentence only through ``gmc.lists`` and grouped
numbers only through Django's number formatting, so that one module decides how a
language writes them. Besides
Django's names, each module defines the portal's own (``PORTAL_FORMATS``); a language
offered without them would print the names themselves (tests/gmc/test_formats.py
keeps every offered language complete).
"""

# The names a module of this package defines beyond Django's, with what they are for.
PORTAL_FORMATS = {
    "WEEKDAY_DATE_FORMAT": "a day with its weekday (programme days)",
    "WEEKDAY_DATETIME_FORMAT": "a moment with its weekday (one's own agenda)",
    "SHORT_WEEKDAY_DATE_FORMAT": "a day with its weekday, abbreviated (admin filters)",
    "DATE_RANGE_SAME_MONTH_START_FORMAT": "first day of a range within one month",
    "DATE_RANGE_SAME_MONTH_END_FORMAT": "last day of a range within one month",
    "DATE_RANGE_SAME_YEAR_START_FORMAT": "first day of a range within one year",
    "DATE_RANGE_SAME_YEAR_END_FORMAT": "last day of a range within one year",
    "DATE_RANGE_SAME_MONTH_SEPARATOR": "between the days of a range within one month",
    "DATE_RANGE_SEPARATOR": "between the days of any other range",
    "DAY_AND_TIMES_FORMAT": "a day and a time or times on it: {day} and {times}",
    "LIST_PAIR_SEPARATOR": "between the two items of a list of two",
    "LIST_SEPARATOR": "between items of a longer list, but the last two",
    "LIST_LAST_SEPARATOR": "between the last two items of a longer list",
}
