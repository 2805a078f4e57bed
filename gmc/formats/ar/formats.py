# Dates and times in Arabic are Django's (django.conf.locale.ar): "3 يناير، 2027" and
# 12-hour times with ص/م. Django gives no date-and-time formats for Arabic (it would fall
# back to the US ones): they are its date and time joined here.
#
# Digits are Western (0-9), CLDR's default numbering system for plain "ar" ("latn"
# since CLDR 46; "arab" digits are the default only in some regions' locales, such as
# ar-EG or ar-SA): see "Digits in Arabic" in docs/architecture.md.
from django.conf.locale.ar.formats import *  # noqa: F403

DATETIME_FORMAT = "j F، Y، g:i A"  # 3 يناير، 2027، 11:59 م
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y، g:i A"  # 03/01/2027، 11:59 م
# Numbers as CLDR writes them with Western digits in Arabic: 1,234,567.5 (Django's
# "1.234.567,5" is the Maghreb's way).
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

WEEKDAY_DATE_FORMAT = "l، j F، Y"  # الأحد، 3 يناير، 2027
WEEKDAY_DATETIME_FORMAT = "l، j F، Y، g:i A"  # الأحد، 3 يناير، 2027، 11:59 م
SHORT_WEEKDAY_DATE_FORMAT = "D، d\u200f/m\u200f/Y"  # أحد، 03/01/2027
# "3–5 يناير، 2027", "30 نوفمبر – 2 ديسمبر، 2026".
DATE_RANGE_SAME_MONTH_START_FORMAT = "j"
DATE_RANGE_SAME_MONTH_END_FORMAT = "j F، Y"
DATE_RANGE_SAME_YEAR_START_FORMAT = "j F"
DATE_RANGE_SAME_YEAR_END_FORMAT = "j F، Y"
DATE_RANGE_SAME_MONTH_SEPARATOR = "\N{EN DASH}"
DATE_RANGE_SEPARATOR = " \N{EN DASH} "
DAY_AND_TIMES_FORMAT = "{day}، {times}"  # الأحد، 3 يناير، 2027، 9:00 ص–10:30 ص
# Every item after the first is joined by "و" (CLDR): "أ وب وج".
LIST_PAIR_SEPARATOR = " و"
LIST_SEPARATOR = " و"
LIST_LAST_SEPARATOR = " و"
