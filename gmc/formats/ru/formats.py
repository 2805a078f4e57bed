# Dates and times in Russian are Django's (django.conf.locale.ru): "3 января 2027 г.".
# This module adds the portal's own names in the same order.
from django.conf.locale.ru.formats import *  # noqa: F403

WEEKDAY_DATE_FORMAT = "l, j E Y г."  # воскресенье, 3 января 2027 г.
WEEKDAY_DATETIME_FORMAT = "l, j E Y г., G:i"  # воскресенье, 3 января 2027 г., 23:59
SHORT_WEEKDAY_DATE_FORMAT = "D, d.m.Y"  # Вс, 03.01.2027
# "3-5 января 2027 г.", "30 ноября - 2 декабря 2026 г.".
DATE_RANGE_SAME_MONTH_START_FORMAT = "j"
DATE_RANGE_SAME_YEAR_START_FORMAT = "j E"
DATE_RANGE_SAME_MONTH_SEPARATOR = "\N{EN DASH}"
DATE_RANGE_SEPARATOR = " \N{EN DASH} "
