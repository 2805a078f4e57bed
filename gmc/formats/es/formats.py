# Dates and times in Spanish are Django's (django.conf.locale.es): "3 de enero de 2027".
# This module adds the portal's own names in the same order, and CLDR's numbers and lists.
from django.conf.locale.es.formats import *  # noqa: F403

# Numbers (CLDR, Western digits): 1.234.567,5.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3

WEEKDAY_DATE_FORMAT = r"l, j \d\e F \d\e Y"  # domingo, 3 de enero de 2027
WEEKDAY_DATETIME_FORMAT = r"l, j \d\e F \d\e Y, H:i"  # domingo, 3 de enero de 2027, 23:59
SHORT_WEEKDAY_DATE_FORMAT = "D d/m/Y"  # dom 03/01/2027
# "3-5 de enero de 2027", "30 de noviembre - 2 de diciembre de 2026".
DATE_RANGE_SAME_MONTH_START_FORMAT = "j"
DATE_RANGE_SAME_MONTH_END_FORMAT = r"j \d\e F \d\e Y"
DATE_RANGE_SAME_YEAR_START_FORMAT = r"j \d\e F"
DATE_RANGE_SAME_YEAR_END_FORMAT = r"j \d\e F \d\e Y"
DATE_RANGE_SAME_MONTH_SEPARATOR = "\N{EN DASH}"
DATE_RANGE_SEPARATOR = " \N{EN DASH} "
DAY_AND_TIMES_FORMAT = "{day}, {times}"  # domingo, 3 de enero de 2027, 09:00-10:30
LIST_PAIR_SEPARATOR = " y "  # a y b
LIST_SEPARATOR = ", "  # a, b y c
LIST_LAST_SEPARATOR = " y "
