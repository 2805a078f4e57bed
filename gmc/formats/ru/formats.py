# Dates and times in Russian are Django's (django.conf.locale.ru): "3 января 2027 г.".
# This module adds the portal's own names in the same order, and CLDR's lists.
from django.conf.locale.ru.formats import *  # noqa: F403

# A day of a month is in the genitive, as in the full date: "3 января" (Django's "j F"
# gives the nominative, "3 Январь").
MONTH_DAY_FORMAT = "j E"
# Numbers are Django's, as CLDR writes them: 1 234 567,5 with no-break spaces.

WEEKDAY_DATE_FORMAT = "l, j E Y г."  # воскресенье, 3 января 2027 г.
WEEKDAY_DATETIME_FORMAT = "l, j E Y г., G:i"  # воскресенье, 3 января 2027 г., 23:59
SHORT_WEEKDAY_DATE_FORMAT = "D, d.m.Y"  # Вс, 03.01.2027
# "3-5 января 2027 г.", "30 ноября - 2 декабря 2026 г.".
DATE_RANGE_SAME_MONTH_START_FORMAT = "j"
DATE_RANGE_SAME_MONTH_END_FORMAT = "j E Y г."
DATE_RANGE_SAME_YEAR_START_FORMAT = "j E"
DATE_RANGE_SAME_YEAR_END_FORMAT = "j E Y г."
DATE_RANGE_SAME_MONTH_SEPARATOR = "\N{EN DASH}"
DATE_RANGE_SEPARATOR = " \N{EN DASH} "
DAY_AND_TIMES_FORMAT = "{day}, {times}"  # воскресенье, 3 января 2027 г., 9:00-10:30
LIST_PAIR_SEPARATOR = " и "  # а и б
LIST_SEPARATOR = ", "  # а, б и в
LIST_LAST_SEPARATOR = " и "
