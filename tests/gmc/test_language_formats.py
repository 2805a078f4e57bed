# ruff: noqa: RUF001  each language's text in its own script, en dashes included
"""Each language writes dates, times, numbers and lists as CLDR does for it
(gmc/formats/, docs/architecture.md "Dates, numbers and lists in each language"): Chinese
and Vietnamese dates in their order, lists joined with the language's words, numbers
with Western digits in every language, Arabic included."""

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.safestring import mark_safe

from gmc import dates, lists

# Arabic-Indic and Eastern Arabic-Indic digits, and the Arabic decimal and group signs.
ARABIC_INDIC = re.compile("[\u0660-\u0669\u06f0-\u06f9\u066b\u066c]")
LANGUAGES = [code for code, _name in settings.LANGUAGES]
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# Sunday 3 January 2027, 09:00-10:30 in Hanoi.
START = datetime(2027, 1, 3, 2, 0, tzinfo=UTC).astimezone(HANOI)
END = datetime(2027, 1, 3, 3, 30, tzinfo=UTC)


def written(code, function, *args, **kwargs):
    with translation.override(code):
        return function(*args, **kwargs)


# CLDR 49's patterns for zh and vi (long date, date with weekday, times, day and month).
@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        ("zh-hans", "DATE_FORMAT", "2027年1月3日"),
        ("zh-hans", "WEEKDAY_DATE_FORMAT", "2027年1月3日星期日"),
        ("zh-hans", "DATETIME_FORMAT", "2027年1月3日 09:00"),
        ("zh-hans", "MONTH_DAY_FORMAT", "1月3日"),
        ("zh-hans", "YEAR_MONTH_FORMAT", "2027年1月"),
        ("zh-hans", "SHORT_DATE_FORMAT", "2027/1/3"),
        ("vi", "DATE_FORMAT", "3 tháng 1, 2027"),
        ("vi", "DATETIME_FORMAT", "09:00 3 tháng 1, 2027"),
        ("vi", "MONTH_DAY_FORMAT", "3 tháng 1"),
        ("vi", "YEAR_MONTH_FORMAT", "tháng 1 năm 2027"),
        ("vi", "SHORT_DATE_FORMAT", "3/1/2027"),
        ("ru", "MONTH_DAY_FORMAT", "3 января"),
    ],
)
def test_dates_follow_cldr(code, name, expected):
    assert written(code, date_format, START, name) == expected


@pytest.mark.parametrize(
    ("code", "morning", "evening"),
    [
        ("zh-hans", "09:00", "21:05"),
        ("vi", "09:00", "21:05"),
        ("ar", "9:00 ص", "9:05 م"),
        ("en", "09:00", "21:05"),
    ],
)
def test_chinese_and_vietnamese_use_the_24_hour_clock_arabic_the_12_hour(code, morning, evening):
    assert written(code, date_format, START, "TIME_FORMAT") == morning
    later = START.replace(hour=21, minute=5)
    assert written(code, date_format, later, "TIME_FORMAT") == evening


@pytest.mark.parametrize(
    ("code", "start", "end", "expected"),
    [
        ("zh-hans", date(2027, 1, 3), date(2027, 1, 5), "2027年1月3日 – 5日"),
        ("zh-hans", date(2026, 11, 30), date(2026, 12, 2), "2026年11月30日 – 12月2日"),
        ("zh-hans", date(2026, 12, 30), date(2027, 1, 2), "2026年12月30日 – 2027年1月2日"),
        ("vi", date(2027, 1, 3), date(2027, 1, 5), "3 – 5 tháng 1, 2027"),
        ("vi", date(2026, 11, 30), date(2026, 12, 2), "30 tháng 11 – 2 tháng 12, 2026"),
        ("vi", date(2026, 12, 30), date(2027, 1, 2), "30 tháng 12, 2026 – 2 tháng 1, 2027"),
        ("ar", date(2027, 1, 3), date(2027, 1, 5), "3–5 يناير، 2027"),
        ("ru", date(2026, 11, 30), date(2026, 12, 2), "30 ноября – 2 декабря 2026 г."),
    ],
)
def test_ranges_of_days_leave_out_what_the_language_leaves_out(code, start, end, expected):
    assert written(code, dates.date_range, start, end) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", "Sunday 3 January 2027, 09:00–10:30"),
        ("zh-hans", "2027年1月3日星期日 09:00–10:30"),
        ("vi", "09:00–10:30 Chủ nhật, 3 tháng 1, 2027"),
        ("ar", "الأحد، 3 يناير، 2027، 9:00 ص–10:30 ص"),
    ],
)
def test_a_day_and_its_times_come_in_the_languages_order(code, expected):
    assert written(code, dates.day_with_times, START, END) == expected


def test_a_session_past_midnight_names_the_day_it_ends_on_in_the_languages_order():
    late = START.replace(hour=23, minute=30)
    after_midnight = datetime(2027, 1, 3, 18, 0, tzinfo=UTC)  # 01:00 on the 4th in Hanoi
    assert written("en", dates.time_span, late, after_midnight) == ("23:30", "4 January, 01:00")
    assert written("vi", dates.time_span, late, after_midnight) == ("23:30", "01:00 4 tháng 1")
    assert written("zh-hans", dates.time_span, late, after_midnight) == ("23:30", "1月4日 01:00")


def test_the_session_tags_write_the_day_and_times_in_the_zone_given():
    template = Template(
        "{% load tz gmc_extras %}{% with start=start|timezone:'Asia/Ho_Chi_Minh' %}"
        "{% session_when start end %}{% endwith %}"
    )
    with translation.override("vi"):
        html = template.render(Context({"start": START.astimezone(UTC), "end": END}))
    assert html == (
        '<time datetime="2027-01-03T09:00:00+07:00">09:00</time>–'
        '<time datetime="2027-01-03T10:30:00+07:00">10:30</time> Chủ nhật, 3 tháng 1, 2027'
    )


# CLDR 49's list patterns; English as CLDR's British English (no comma before "and").
@pytest.mark.parametrize(
    ("code", "two", "four"),
    [
        ("en", "A and B", "A, B, C and D"),
        ("es", "A y B", "A, B, C y D"),
        ("fr", "A et B", "A, B, C et D"),
        ("zh-hans", "A和B", "A、B、C和D"),
        ("ru", "A и B", "A, B, C и D"),
        ("ar", "A وB", "A وB وC وD"),
        ("vi", "A và B", "A, B, C và D"),
    ],
)
def test_lists_are_joined_the_languages_way(code, two, four):
    assert written(code, lists.join_list, ["A"]) == "A"
    assert written(code, lists.join_list, ["A", "B"]) == two
    assert written(code, lists.join_list, ["A", "B", "C", "D"]) == four
    # The same text between the items of a template's loop.
    template = Template(
        "{% load gmc_extras %}{% for name in names %}{{ name }}{{ forloop|list_separator }}"
        "{% endfor %}|{{ names|join_list }}"
    )
    with translation.override(code):
        rendered = template.render(Context({"names": ["A", "B", "C", "D"]}))
    assert rendered == f"{four}|{four}"


def test_every_offered_language_joins_lists():
    for code in LANGUAGES:
        joined = written(code, lists.join_list, ["A", "B", "C"])
        assert joined.startswith("A") and joined.endswith("C") and "LIST_" not in joined, code


def test_a_joined_list_escapes_text_and_keeps_links():
    link = mark_safe('<a href="/x/">X</a>')
    assert written("en", lists.join_list, [link, "<b>"]) == '<a href="/x/">X</a> and &lt;b&gt;'
    template = Template("{% load gmc_extras %}{{ names|join_list }}")
    assert template.render(Context({"names": ["<i>", "R&D"]})) == "&lt;i&gt; and R&amp;D"


# Numbers with Western digits everywhere, and CLDR's signs for them in each language.
@pytest.mark.parametrize(
    ("code", "grouped", "size"),
    [
        ("en", "1,234,567.5", "1.5"),
        ("es", "1.234.567,5", "1,5"),
        ("fr", "1\u202f234\u202f567,5", "1,5"),
        ("ru", "1\xa0234\xa0567,5", "1,5"),
        ("zh-hans", "1,234,567.5", "1.5"),
        ("ar", "1,234,567.5", "1.5"),
        ("vi", "1.234.567,5", "1,5"),
    ],
)
def test_numbers_use_western_digits_with_the_languages_signs(code, grouped, size):
    assert written(code, number_format, 1234567.5, force_grouping=True) == grouped
    assert written(code, filesizeformat, 1536 * 1024).startswith(size + "\xa0")


def test_no_arabic_translation_writes_arabic_indic_digits():
    """A translator typing ٣ in a sentence would break the one way Arabic writes numbers
    (docs/architecture.md, "Digits in Arabic")."""
    catalogue = Path(settings.BASE_DIR, "locale", "ar", "LC_MESSAGES", "django.po")
    found = [line for line in catalogue.read_text().splitlines() if ARABIC_INDIC.search(line)]
    assert not found, found


# --- pages and emails of the demo in Arabic, Chinese and Vietnamese ------------------

ENGLISH_DATE_WORDS = re.compile(
    r"\b(?:January|February|March|April|June|July|August|September|October|November|"
    r"December|weeks?|days?|hours?|minutes?|months?)\b"
)


def visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", page)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def demo_pages(client, demo):
    """The public pages with dates, times, counts and lists, in one language."""
    from agenda.models import Session

    session = Session.objects.filter(edition__year=2025, session_speakers__isnull=False).first()

    def pages(code: str) -> dict[str, str]:
        paths = ["/", "/editions/2025/", "/agenda/2025/", f"/agenda/session/{session.slug}/"]
        return {path: client.get(f"/{code}{path}").content.decode() for path in paths}

    return pages


@pytest.mark.parametrize(
    ("code", "hosts", "range_2025", "time_left"),
    [
        ("ar", "National Autonomous University of Mexico</a> و<a", "2–4 ديسمبر، 2025", "أسابيع"),
        (
            "zh-hans",
            "National Autonomous University of Mexico</a>和<a",
            "2025年12月2日 – 4日",
            "周",
        ),
        (
            "vi",
            "National Autonomous University of Mexico</a> và <a",
            "2 – 4 tháng 12, 2025",
            "tuần",
        ),
    ],
)
def test_demo_pages_write_dates_numbers_and_lists_in_the_language(
    demo_pages, code, hosts, range_2025, time_left
):
    pages = demo_pages(code)
    for path, page in pages.items():
        text = visible_text(page)
        assert not ARABIC_INDIC.findall(text), (path, ARABIC_INDIC.findall(text))
        # Dates, durations and lists in the language: no English words for them (the
        # organisers' own texts, such as the editions' summaries, are in English).
        stray = [
            word
            for word in ENGLISH_DATE_WORDS.findall(text)
            if not re.search(rf"(?:[Ff]rom|on|before|of|evening of) \d+ (?:to \d+ )?{word}", text)
        ]
        assert not stray, (path, stray)
    assert hosts in pages["/editions/2025/"]
    assert range_2025 in pages["/editions/2025/"]
    assert time_left in visible_text(pages["/"])


def test_an_email_writes_its_dates_in_the_language_it_is_written_in(db):
    """Someone without a profile language gets the email in the page's language: its
    dates too, not English ones."""
    from django.core import mail

    from gmc.models import OutboxMessage
    from tests.factories import EditionFactory, UserFactory
    from tests.registration.helpers import deliver_pending, register

    edition = EditionFactory(
        is_current=True, start_date=date(2027, 1, 3), end_date=date(2027, 1, 5)
    )
    with translation.override("fr"):
        register(edition, UserFactory(language=""))
    deliver_pending()
    [email] = mail.outbox
    assert OutboxMessage.objects.get().language == "fr"
    assert "3–5 janvier 2027" in email.body
    assert "January" not in email.body


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("en", "Interpretation: Spanish, French and Arabic."),
        ("zh-hans", "同声传译：西班牙语、法语和阿拉伯语。"),
        ("ru", "Перевод: Испанский, Французский и Арабский."),
    ],
)
def test_interpretation_languages_are_one_sentence_in_the_language(client, db, code, sentence):
    from tests.factories import EditionFactory

    edition = EditionFactory(working_language="en", interpretation_languages=["es", "fr", "ar"])
    prefix = "" if code == "en" else f"/{code}"
    page = client.get(f"{prefix}/editions/{edition.year}/").content.decode()
    assert sentence in page


@pytest.mark.parametrize(
    ("code", "people", "expected"),
    [
        ("en", 1234, "1,230+"),
        ("fr", 1234, "1\u202f230+"),
        ("vi", 1234, "1.230+"),
        ("ar", 1234, "1,230+"),
        ("en", 187, "180+"),
        ("en", 12, "12"),
    ],
)
def test_the_statistics_headline_groups_thousands_in_the_language(code, people, expected):
    from registration.selectors import Headline

    headline = Headline(people=people, in_person=0, online=0, institutions=0, countries=0)
    assert written(code, lambda: headline.people_rounded) == expected
