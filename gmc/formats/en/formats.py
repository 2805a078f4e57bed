# Dates and times in English as an international conference writes them: day, month,
# year and 24-hour times, on every page, email, calendar file and admin screen. This
# module replaces Django's English (US) display formats; its input formats still apply.
# The syntax is that of Django's ``date`` filter. The reference is CLDR's British
# English (en_GB), the portal's spelling: its dates, lists and numbers.

DATE_FORMAT = "j F Y"  # 3 January 2027
TIME_FORMAT = "H:i"  # 23:59
DATETIME_FORMAT = "j F Y, H:i"  # 3 January 2027, 23:59
YEAR_MONTH_FORMAT = "F Y"  # January 2027
MONTH_DAY_FORMAT = "j F"  # 3 January
SHORT_DATE_FORMAT = "j M Y"  # 3 Jan 2027
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 3 Jan 2027, 23:59
FIRST_DAY_OF_WEEK = 1  # Monday
# Numbers (CLDR, Western digits): 1,234,567.5.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

# The portal's own names (gmc/formats/__init__.py lists them).
WEEKDAY_DATE_FORMAT = "l j F Y"  # Sunday 3 January 2027
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"  # Sunday 3 January 2027, 23:59
SHORT_WEEKDAY_DATE_FORMAT = "D j M Y"  # Sun 3 Jan 2027
# Ranges of days (gmc.dates.date_range): the first day leaves out what it shares with
# the last, and an en dash joins them: "3-5 January 2027", "30 November - 2 December
# 2026", "30 December 2026 - 2 January 2027".
DATE_RANGE_SAME_MONTH_START_FORMAT = "j"
DATE_RANGE_SAME_MONTH_END_FORMAT = "j F Y"
DATE_RANGE_SAME_YEAR_START_FORMAT = "j F"
DATE_RANGE_SAME_YEAR_END_FORMAT = "j F Y"
DATE_RANGE_SAME_MONTH_SEPARATOR = "\N{EN DASH}"
DATE_RANGE_SEPARATOR = " \N{EN DASH} "
# A day and the times on it (gmc.dates): "Sunday 3 January 2027, 09:00-10:30".
DAY_AND_TIMES_FORMAT = "{day}, {times}"
# Lists in a sentence (gmc.lists): "a and b", "a, b and c".
LIST_PAIR_SEPARATOR = " and "
LIST_SEPARATOR = ", "
LIST_LAST_SEPARATOR = " and "
