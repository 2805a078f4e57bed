# Dates and times in French are Django's (django.conf.locale.fr): "3 janvier 2027".
# This module adds the portal's own names in the same order, and CLDR's numbers and lists.
from django.conf.locale.fr.formats import *  # noqa: F403

# Numbers (CLDR, Western digits): 1 234 567,5 with narrow no-break spaces.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\N{NARROW NO-BREAK SPACE}"
NUMBER_GROUPING = 3

WEEKDAY_DATE_FORMAT = "l j F Y"  # dimanche 3 janvier 2027
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"  # dimanche 3 janvier 2027, 23:59
SHORT_WEEKDAY_DATE_FORMAT = "D d/m/Y"  # dim 03/01/2027
# "3-5 janvier 2027", "30 novembre - 2 décembre 2026".
DATE_RANGE_SAME_MONTH_START_FORMAT = "j"
DATE_RANGE_SAME_MONTH_END_FORMAT = "j F Y"
DATE_RANGE_SAME_YEAR_START_FORMAT = "j F"
DATE_RANGE_SAME_YEAR_END_FORMAT = "j F Y"
DATE_RANGE_SAME_MONTH_SEPARATOR = "\N{EN DASH}"
DATE_RANGE_SEPARATOR = " \N{EN DASH} "
DAY_AND_TIMES_FORMAT = "{day}, {times}"  # dimanche 3 janvier 2027, 09:00-10:30
LIST_PAIR_SEPARATOR = " et "  # a et b
LIST_SEPARATOR = ", "  # a, b et c
LIST_LAST_SEPARATOR = " et "
