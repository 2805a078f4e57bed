# Dates and times in Simplified Chinese are Django's (django.conf.locale.zh_Hans): year,
# month, day, "2027年1月3日". This module adds the portal's own names in the same order.
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

WEEKDAY_DATE_FORMAT = "Y年n月j日 l"  # 2027年1月3日 星期日
WEEKDAY_DATETIME_FORMAT = "Y年n月j日 l H:i"  # 2027年1月3日 星期日 23:59
SHORT_WEEKDAY_DATE_FORMAT = "Y年n月j日 D"  # 2027年1月3日 周日
# A range is two full dates, year first: "2027年1月3日 – 2027年1月5日".
DATE_RANGE_SAME_MONTH_START_FORMAT = "Y年n月j日"
DATE_RANGE_SAME_YEAR_START_FORMAT = "Y年n月j日"
DATE_RANGE_SAME_MONTH_SEPARATOR = " \N{EN DASH} "
DATE_RANGE_SEPARATOR = " \N{EN DASH} "
