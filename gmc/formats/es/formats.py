# Dates and times in Spanish are Django's (django.conf.locale.es): "3 de enero de 2027".
# This module adds the portal's own names in the same order.
from django.conf.locale.es.formats import *  # noqa: F403

WEEKDAY_DATE_FORMAT = r"l, j \d\e F \d\e Y"  # domingo, 3 de enero de 2027
WEEKDAY_DATETIME_FORMAT = r"l, j \d\e F \d\e Y, H:i"  # domingo, 3 de enero de 2027, 23:59
SHORT_WEEKDAY_DATE_FORMAT = "D d/m/Y"  # dom 03/01/2027
# "3-5 de enero de 2027", "30 de noviembre - 2 de diciembre de 2026".
DATE_RANGE_SAME_MONTH_START_FORMAT = "j"
DATE_RANGE_SAME_YEAR_START_FORMAT = r"j \d\e F"
DATE_RANGE_SAME_MONTH_SEPARATOR = "\N{EN DASH}"
DATE_RANGE_SEPARATOR = " \N{EN DASH} "
