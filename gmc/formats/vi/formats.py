# Dates and times in Vietnamese are Django's (django.conf.locale.vi): day, month, year,
# "Ngày 03 tháng 1 năm 2027". This module adds the portal's own names in the same order.
from django.conf.locale.vi.formats import *  # noqa: F403

WEEKDAY_DATE_FORMAT = r"l, \N\gà\y d \t\há\n\g n \nă\m Y"  # Chủ nhật, Ngày 03 tháng 1 năm 2027
WEEKDAY_DATETIME_FORMAT = r"H:i l, \N\gà\y d \t\há\n\g n \nă\m Y"
SHORT_WEEKDAY_DATE_FORMAT = "D d-m-Y"  # CN 03-01-2027
# A range is two full dates: "Ngày 03 tháng 1 năm 2027 – Ngày 05 tháng 1 năm 2027".
DATE_RANGE_SAME_MONTH_START_FORMAT = r"\N\gà\y d \t\há\n\g n \nă\m Y"
DATE_RANGE_SAME_YEAR_START_FORMAT = r"\N\gà\y d \t\há\n\g n \nă\m Y"
DATE_RANGE_SAME_MONTH_SEPARATOR = " \N{EN DASH} "
DATE_RANGE_SEPARATOR = " \N{EN DASH} "
