# Dates and times in Vietnamese as CLDR writes them (vi): day, month, year,
# "3 tháng 1, 2027", 24-hour times, and the time before the date: "23:59 3 tháng 1,
# 2027". Django's module (django.conf.locale.vi) has the same order in an older form
# ("Ngày 03 tháng 1 năm 2027"); its other formats (input, first day of the week) apply.
from django.conf.locale.vi.formats import *  # noqa: F403

DATE_FORMAT = r"j \t\há\n\g n, Y"  # 3 tháng 1, 2027
TIME_FORMAT = "H:i"  # 23:59
DATETIME_FORMAT = r"H:i j \t\há\n\g n, Y"  # 23:59 3 tháng 1, 2027
YEAR_MONTH_FORMAT = r"\t\há\n\g n \nă\m Y"  # tháng 1 năm 2027
MONTH_DAY_FORMAT = r"j \t\há\n\g n"  # 3 tháng 1
SHORT_DATE_FORMAT = "j/n/Y"  # 3/1/2027
SHORT_DATETIME_FORMAT = "H:i j/n/Y"  # 23:59 3/1/2027
# Numbers (CLDR, Western digits): 1.234.567,5.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3

WEEKDAY_DATE_FORMAT = r"l, j \t\há\n\g n, Y"  # Chủ nhật, 3 tháng 1, 2027
WEEKDAY_DATETIME_FORMAT = r"H:i l, j \t\há\n\g n, Y"  # 23:59 Chủ nhật, 3 tháng 1, 2027
SHORT_WEEKDAY_DATE_FORMAT = "D, j/n/Y"  # Chủ nhật, 3/1/2027
# The first day leaves out what it shares with the last (CLDR's intervals):
# "3 – 5 tháng 1, 2027", "30 tháng 11 – 2 tháng 12, 2026".
DATE_RANGE_SAME_MONTH_START_FORMAT = "j"
DATE_RANGE_SAME_MONTH_END_FORMAT = r"j \t\há\n\g n, Y"
DATE_RANGE_SAME_YEAR_START_FORMAT = r"j \t\há\n\g n"
DATE_RANGE_SAME_YEAR_END_FORMAT = r"j \t\há\n\g n, Y"
DATE_RANGE_SAME_MONTH_SEPARATOR = " \N{EN DASH} "
DATE_RANGE_SEPARATOR = " \N{EN DASH} "
DAY_AND_TIMES_FORMAT = "{times} {day}"  # 09:00–10:30 Chủ nhật, 3 tháng 1, 2027
LIST_PAIR_SEPARATOR = " và "  # a và b
LIST_SEPARATOR = ", "  # a, b và c
LIST_LAST_SEPARATOR = " và "
