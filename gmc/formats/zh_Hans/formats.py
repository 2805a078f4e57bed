# Dates and times in Simplified Chinese as CLDR writes them (zh): year, month, day,
# "2027年1月3日", the weekday right after the date, 24-hour times. Django's module
# (django.conf.locale.zh_Hans) gives the same order; this one corrects what differs
# from CLDR and adds the portal's own names.
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

MONTH_DAY_FORMAT = "n月j日"  # 1月3日 (Django's "01月3日" pads the month)
SHORT_DATE_FORMAT = "Y/n/j"  # 2027/1/3
SHORT_DATETIME_FORMAT = "Y/n/j H:i"  # 2027/1/3 23:59
# Numbers (CLDR, Western digits): 1,234,567.5, grouped by thousands (Django groups by
# ten thousands with no separator).
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

WEEKDAY_DATE_FORMAT = "Y年n月j日l"  # 2027年1月3日星期日
WEEKDAY_DATETIME_FORMAT = "Y年n月j日l H:i"  # 2027年1月3日星期日 23:59
SHORT_WEEKDAY_DATE_FORMAT = "Y/n/jD"  # 2027/1/3星期日
# The last day leaves out what it shares with the first (CLDR's intervals):
# "2027年1月3日 – 5日", "2026年11月30日 – 12月2日", "2026年12月30日 – 2027年1月2日".
DATE_RANGE_SAME_MONTH_START_FORMAT = "Y年n月j日"
DATE_RANGE_SAME_MONTH_END_FORMAT = "j日"
DATE_RANGE_SAME_YEAR_START_FORMAT = "Y年n月j日"
DATE_RANGE_SAME_YEAR_END_FORMAT = "n月j日"
DATE_RANGE_SAME_MONTH_SEPARATOR = " \N{EN DASH} "
DATE_RANGE_SEPARATOR = " \N{EN DASH} "
DAY_AND_TIMES_FORMAT = "{day} {times}"  # 2027年1月3日星期日 09:00–10:30
LIST_PAIR_SEPARATOR = "和"  # 甲和乙
LIST_SEPARATOR = "、"  # 甲、乙和丙
LIST_LAST_SEPARATOR = "和"
