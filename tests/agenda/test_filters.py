# ruff: noqa: RUF001  searches in every script: full-width letters, Arabic, en dashes
"""The programme's filters and search: what each keeps, in every language, through the
form and the time zone, cached per filter in one spelling, at a fixed query count."""

import html as html_module
import random
import re
from datetime import timedelta
from types import SimpleNamespace

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agenda.filters import (
    MAX_SEARCH_LENGTH,
    PARAMETERS,
    ProgrammeFilter,
    day_parameter,
    fold,
    id_parameter,
    kind_parameter,
    search_parameter,
    theme_key,
    theme_parameter,
)
from agenda.models import Session, Star
from gmc.timezones import COOKIE_NAME
from tests.agenda.factories import (
    RoomFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    local,
)
from tests.agenda.test_queries import build_programme
from tests.factories import UserFactory

ETHICS = "Ethics, Governance, and Trust in AI-Empowered Education"


@pytest.fixture
def programme(edition):
    """Two days in Mexico City: an opening ceremony with two items, two plenaries (one
    with a talk), a workshop, and a draft in a room of its own."""
    hall = RoomFactory(edition=edition, name="Hall", order=1)
    studio = RoomFactory(edition=edition, name="Studio", order=2)
    back_room = RoomFactory(edition=edition, name="Back room", order=3)
    davila = SpeakerFactory(name="Patricia Dávila Aranda")
    nguyen = SpeakerFactory(name="Nguyễn Thị Lan")
    li = SpeakerFactory(name="Li Luming")
    hidden = SpeakerFactory(name="Hidden Person")

    def session(slug, kind, title, day, hour, minutes, **fields):
        start = local(edition, day, hour)
        return SessionFactory(
            edition=edition, slug=slug, kind=kind, title=title, starts_at=start,
            ends_at=start + timedelta(minutes=minutes), **fields,
        )  # fmt: skip

    opening = session("opening", Session.Kind.CEREMONY, "Opening ceremony", 0, 9, 180, room=hall)
    remarks = session(
        "remarks", Session.Kind.OPENING_ITEM, "Opening remarks", 0, 9, 30, parent=opening
    )
    SessionSpeakerFactory(session=remarks, speaker=davila)
    session("tea", Session.Kind.BREAK, "Tea break", 0, 10, 20, parent=opening)
    plenary_1 = session(
        "plenary-1", Session.Kind.PLENARY, "Plenary Session 1", 0, 14, 180, room=hall,
        plenary_number=1, theme=ETHICS,
        title_es="Sesión plenaria 1",
        theme_es="Ética, gobernanza y confianza en la educación impulsada por la IA",
        title_ar="الجلسة العامة 1",
        theme_ar="الأخلاقيات والحوكمة والثقة في التعليم المعزَّز بالذكاء الاصطناعي",
        title_zh_hans="全体大会 1",
    )  # fmt: skip
    talk = session(
        "trust-talk", Session.Kind.KEYNOTE, "Trust in practice", 0, 14, 30, parent=plenary_1
    )
    SessionSpeakerFactory(session=talk, speaker=li)
    plenary_2 = session(
        "plenary-2", Session.Kind.PLENARY, "Plenary Session 2", 1, 9, 180, room=studio,
        plenary_number=2, theme="Quality, Equity, and Inclusive Access",
        description="Open access for every learner.",
        description_vi="Tiếp cận mở cho mọi người học.",
    )  # fmt: skip
    SessionSpeakerFactory(session=plenary_2, speaker=nguyen)
    session(
        "workshop", Session.Kind.WORKSHOP, "Designing MOOCs", 1, 14, 60, room=studio,
        description="A hands-on café session.",
    )  # fmt: skip
    draft = session(
        "draft", Session.Kind.PANEL, "Secret draft", 1, 16, 60, room=back_room,
        is_published=False,
    )  # fmt: skip
    SessionSpeakerFactory(session=draft, speaker=hidden)
    return SimpleNamespace(
        edition=edition,
        hall=hall,
        studio=studio,
        back_room=back_room,
        davila=davila,
        nguyen=nguyen,
        li=li,
        hidden=hidden,
        day_0=local(edition, 0, 12).date().isoformat(),
        day_1=local(edition, 1, 12).date().isoformat(),
    )


EVERY_PUBLIC = ["opening", "remarks", "tea", "plenary-1", "trust-talk", "plenary-2", "workshop"]


def shown(page: str) -> list[str]:
    """The slugs of the sessions listed, in page order."""
    return re.findall(r'<li class="session [^"]*" id="session-([^"]+)"', page)


def count_line(page: str) -> str:
    return re.search(r'id="programme-count"[^>]*>([^<]*)<', page).group(1)


def get(path="/agenda/", client=None, **query):
    """The page as a visitor without a session asks for it, and the queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = (client or Client()).get(path, query)
    assert response.status_code == 200, (path, query)
    return response.content.decode(), len(queries)


def page(path="/agenda/", **query) -> str:
    return get(path, **query)[0]


# --- what each filter keeps ---------------------------------------------------------------


def test_without_a_filter_every_public_session_is_listed_and_counted(programme):
    html = page()
    assert shown(html) == EVERY_PUBLIC
    assert count_line(html) == "7 sessions in the programme"
    assert "Secret draft" not in html


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("day", "day_1", ["plenary-2", "workshop"]),
        ("day", "day_0", ["opening", "remarks", "tea", "plenary-1", "trust-talk"]),
        ("room", "studio", ["plenary-2", "workshop"]),
        # Items without a room of their own are in their block's.
        ("room", "hall", ["opening", "remarks", "tea", "plenary-1", "trust-talk"]),
        ("kind", "plenary", ["plenary-1", "plenary-2"]),
        ("kind", "break", ["tea"]),
        # A talk of a plenary is under the plenary's theme.
        ("theme", "ethics", ["plenary-1", "trust-talk"]),
        ("speaker", "davila", ["remarks"]),
        ("speaker", "nguyen", ["plenary-2"]),
    ],
)
def test_each_filter_keeps_only_its_sessions(programme, name, value, expected):
    values = {
        "day_0": programme.day_0,
        "day_1": programme.day_1,
        "studio": programme.studio.pk,
        "hall": programme.hall.pk,
        "ethics": theme_key(ETHICS),
        "davila": programme.davila.pk,
        "nguyen": programme.nguyen.pk,
    }
    html = page(**{name: values.get(value, value)})
    assert shown(html) == expected
    count = len(expected)
    assert count_line(html) == f"{count} session{' matches' if count == 1 else 's match'}"


def test_filters_combine(programme):
    assert shown(page(kind="plenary", day=programme.day_1)) == ["plenary-2"]
    assert shown(page(room=programme.hall.pk, kind="keynote")) == ["trust-talk"]
    assert shown(page(speaker=programme.li.pk, theme=theme_key(ETHICS))) == ["trust-talk"]
    assert shown(page(q="session", room=programme.studio.pk)) == ["plenary-2", "workshop"]
    assert shown(page(q="trust", day=programme.day_1)) == []


def test_an_item_without_its_block_names_the_block_and_one_with_it_is_nested(programme):
    html = page(speaker=programme.davila.pk)
    assert 'Part of <a href="/agenda/session/opening/">Opening ceremony</a>' in html
    html = page(room=programme.hall.pk)
    nested = html.index('<ol class="programme-children')
    assert html.index('id="session-opening"') < nested < html.index('id="session-remarks"')


def test_options_are_only_what_the_public_programme_holds(programme):
    html = page()
    room_select = re.search(r'<select name="room".*?</select>', html, re.S).group(0)
    assert ">Hall<" in room_select and ">Studio<" in room_select
    assert "Back room" not in html
    speaker_select = re.search(r'<select name="speaker".*?</select>', html, re.S).group(0)
    assert "Patricia Dávila Aranda" in speaker_select and "Hidden Person" not in html
    kind_select = re.search(r'<select name="kind".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\w*)"', kind_select) == [
        "", "ceremony", "opening_item", "keynote", "plenary", "workshop", "break"
    ]  # fmt: skip
    theme_select = re.search(r'<select name="theme".*?</select>', html, re.S).group(0)
    assert f'value="{theme_key(ETHICS)}"' in theme_select
    # A list with a single choice is no choice: left out.
    RoomFactory(edition=programme.edition)
    Session.objects.filter(room=programme.studio).update(room=programme.hall)
    assert '<select name="room"' not in page()


def test_a_value_naming_nothing_in_the_programme_is_left_out_and_said(programme):
    for query in (
        {"room": programme.back_room.pk},  # only a draft is there
        {"speaker": programme.hidden.pk},
        {"day": "1999-01-01"},
        {"room": "99999"},
        {"q": "!!!"},
    ):
        html = page(**query)
        assert shown(html) == EVERY_PUBLIC, query
        assert "were left out" in html, query


# --- search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("trust", ["plenary-1", "trust-talk"]),  # a theme, a title
        ("ETHICS governance", ["plenary-1"]),  # every word, any case
        ("governance ethics", ["plenary-1"]),
        ("ai-empowered", ["plenary-1"]),
        ("ai empowered", ["plenary-1"]),
        ("cafe", ["workshop"]),  # "café" in a description
        ("CAFÉ", ["workshop"]),
        ("davila", ["remarks"]),  # a speaker's name, without its accent
        ("Dávila aranda", ["remarks"]),
        ("nguyen thi", ["plenary-2"]),  # Vietnamese letters folded
        ("luming", ["trust-talk"]),
        ("ethics nowhere", []),
        ("secret", []),  # drafts are never found
    ],
)
def test_search_in_english_ignores_case_and_accents(programme, words, expected):
    assert shown(page(q=words)) == expected


@pytest.mark.usefixtures("language_formats", "english_afterwards")
@pytest.mark.parametrize(
    ("language", "words", "expected"),
    [
        ("es", "etica", ["plenary-1"]),  # "Ética" in the Spanish theme
        ("es", "SESION plenaria", ["plenary-1"]),
        # Plenary 2 has no Spanish title: its English one is what the page shows.
        ("es", "plenary", ["plenary-2"]),
        ("es", "trust", ["trust-talk"]),  # not plenary 1: its Spanish theme says "confianza"
        ("es", "davila", ["remarks"]),
        ("vi", "tiep can mo", ["plenary-2"]),  # "Tiếp cận mở" in the Vietnamese description
        ("vi", "Nguyễn", ["plenary-2"]),
        ("ar", "الأخلاقيات", ["plenary-1"]),
        ("ar", "المعزز", ["plenary-1"]),  # written with a shadda in the theme
        ("ar", "الجَلسة", ["plenary-1"]),  # a vowel mark in the search
        ("zh-hans", "全体大会", ["plenary-1"]),
        ("zh-hans", "ＰＬＥＮＡＲＹ", ["plenary-2"]),  # full-width letters, English fallback
        ("ru", "opening", ["opening", "remarks"]),
    ],
)
def test_search_in_every_language_reads_what_the_page_shows(programme, language, words, expected):
    assert shown(page(f"/{language}/agenda/", q=words)) == expected


def test_search_text_is_escaped_and_kept_in_the_form(programme):
    html = page(q="<script>alert(1)</script> trust")
    assert "<script>alert(1)" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt; trust"' in html


# --- the form -----------------------------------------------------------------------------


def test_the_form_is_a_labelled_get_form_with_a_button(programme):
    html = page()
    form = re.search(
        r'<form method="get" action="/agenda/" class="programme-filters.*?</form>', html, re.S
    ).group(0)
    assert 'role="search"' in form and "<fieldset>" in form
    assert re.search(r'<legend id="filters-legend"[^>]*>Find sessions</legend>', form)
    for name in ("q", "day", "room", "kind", "theme", "speaker"):
        assert re.search(rf'<label\s+for="filter-{name}"', form), name
        assert f'name="{name}"' in form
    assert '<input type="search" name="q"' in form
    assert '<button type="submit"' in form and "Show sessions" in form
    assert 'role="status"' in html
    assert "csrfmiddlewaretoken" not in form


def test_the_form_shows_the_filter_applied_and_each_can_be_removed(programme):
    html = page(kind="plenary", q="  Trust ", room=programme.hall.pk)
    assert shown(html) == ["plenary-1"]
    assert '<option value="plenary" selected>' in html
    assert f'<option value="{programme.hall.pk}" selected>' in html
    assert 'value="trust"' in html
    chips = dict(
        (html_module.unescape(text).split(": ", 1)[0], html_module.unescape(link))
        for link, text in re.findall(
            r'<a class="btn btn-sm btn-outline-secondary" href="([^"]+)">'
            r'<span class="visually-hidden">Remove the filter</span> ([^<]+) <span',
            html,
        )
    )
    assert chips == {
        "Search": f"/agenda/?room={programme.hall.pk}&kind=plenary",
        "Room": "/agenda/?q=trust&kind=plenary",
        "Kind": f"/agenda/?q=trust&room={programme.hall.pk}",
    }
    assert '<a href="/agenda/">Clear all filters</a>' in html
    assert "<title>1 session matches – Programme" in html


def test_the_time_zone_is_kept_through_the_form_and_its_links(programme):
    html = page(tz="Asia/Tokyo", kind="plenary")
    form = re.search(r'class="programme-filters.*?</form>', html, re.S).group(0)
    assert '<input type="hidden" name="tz" value="Asia/Tokyo">' in form
    assert 'href="/agenda/?tz=Asia%2FTokyo"><span class="visually-hidden">' in html
    assert '<a href="/agenda/?tz=Asia%2FTokyo">Clear all filters</a>' in html
    # Picking another zone keeps the filters.
    zone_form = re.search(r'class="zone-form">.*?</form>', html, re.S).group(0)
    assert '<input type="hidden" name="kind" value="plenary">' in zone_form
    assert 'href="/agenda/session/plenary-1/?tz=Asia%2FTokyo"' in html
    # A zone remembered in the cookie needs no field: the cookie keeps it.
    visitor = Client()
    visitor.cookies[COOKIE_NAME] = "Asia/Tokyo"
    html = visitor.get("/agenda/", {"kind": "plenary"}).content.decode()
    assert 'name="tz" value="Asia/Tokyo"' not in html
    assert "<strong>Tokyo time (UTC+9)</strong>" in html


def test_days_are_the_viewers_days(programme):
    """The first day's sessions, from 09:00 to 17:00 in Mexico City, are all on the next
    day in Tokyo (from 00:00 to 08:00), and the second day's on the day after."""
    html = page(tz="Asia/Tokyo", day=programme.day_1)
    assert shown(html) == ["opening", "remarks", "tea", "plenary-1", "trust-talk"]
    day_select = re.search(r'<select name="day".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([\d-]+)"', day_select) == [
        programme.day_1,
        local(programme.edition, 2, 12).date().isoformat(),
    ]
    assert shown(page(day=programme.day_1)) == ["plenary-2", "workshop"]
    assert "were left out" in page(tz="Asia/Tokyo", day=programme.day_0)


def test_nothing_found_says_what_to_try_and_how_to_see_everything(programme):
    html = page(q="quantum", tz="Asia/Tokyo")
    assert shown(html) == []
    assert count_line(html) == "0 sessions match"
    assert "No session matches" in html
    assert "try fewer words or other ones" in html
    assert '<a href="/agenda/?tz=Asia%2FTokyo">Show the whole programme</a>' in html
    assert "has not been published yet" not in html


def test_signed_in_people_filter_their_own_page(programme):
    person = UserFactory()
    Star.objects.create(user=person, session=Session.objects.get(slug="plenary-2"))
    browser = Client()
    browser.force_login(person)
    html = browser.get("/agenda/", {"kind": "plenary", "q": "Session"}).content.decode()
    assert shown(html) == ["plenary-1", "plenary-2"]
    assert html.count("Remove from my agenda") == 1 and html.count("Add to my agenda") == 1
    assert 'name="next" value="/agenda/?kind=plenary&amp;q=Session"' in html


# --- the calendar file --------------------------------------------------------------------


def summaries(content: bytes) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(content).walk("VEVENT"))


def test_the_page_links_the_calendar_file_of_what_matches(programme):
    year = programme.edition.year
    html = page(kind="plenary")
    link = re.search(r'<a href="([^"]+)" id="programme-ics"[^>]*>([^<]+)<', html)
    assert html_module.unescape(link.group(1)) == f"/agenda/{year}.ics?kind=plenary"
    assert link.group(2) == "These sessions in my calendar (.ics)"
    ics = Client().get(link.group(1))
    assert summaries(ics.content) == [
        "Plenary Session 1: " + ETHICS,
        "Plenary Session 2: Quality, Equity, and Inclusive Access",
    ]
    assert len(summaries(Client().get(f"/agenda/{year}.ics").content)) == 7
    # A day is the viewer's day: the link says in which zone.
    html = page(tz="Asia/Tokyo", day=programme.day_1)
    link = html_module.unescape(re.search(r'<a href="([^"]+)" id="programme-ics"', html).group(1))
    assert link == f"/agenda/{year}.ics?tz=Asia%2FTokyo&day={programme.day_1}"
    assert summaries(Client().get(link).content) == [
        "Opening ceremony",
        "Opening remarks",
        "Plenary Session 1: " + ETHICS,
        "Tea break",
        "Trust in practice",
    ]
    assert "programme-ics" in page() and f'href="/agenda/{year}.ics" id="programme-ics"' in page()


# --- one spelling per value ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("normalise", "raw", "spelled"),
    [
        (day_parameter, " 2025-12-03 ", "2025-12-03"),
        (day_parameter, "20251203", "2025-12-03"),
        (day_parameter, "2025-02-30", ""),
        (day_parameter, "yesterday", ""),
        (day_parameter, "9" * 100, ""),
        (id_parameter, "007", "7"),
        (id_parameter, " 12 ", "12"),
        (id_parameter, "0", ""),
        (id_parameter, "-3", ""),
        (id_parameter, "1.5", ""),
        (id_parameter, "٣", ""),
        (id_parameter, "99999999999999999999", ""),
        (kind_parameter, " PLENARY ", "plenary"),
        (kind_parameter, "nonsense", ""),
        (theme_parameter, "Ethics, Governance", "ethics-governance"),
        (theme_parameter, "ethics-governance", "ethics-governance"),
        (search_parameter, "  Trust \t IN\n practice ", "trust in practice"),
        (search_parameter, "ＴＲＵＳＴ", "trust"),
        (search_parameter, "Dávila", "dávila"),
        (search_parameter, "a\x00b\u200bc", "a bc"),
        (search_parameter, " \t ", ""),
        (search_parameter, "x" * 500, "x" * MAX_SEARCH_LENGTH),
    ],
)
def test_each_value_has_one_spelling(normalise, raw, spelled):
    assert normalise(raw) == spelled
    assert normalise(spelled) == spelled  # normalising twice changes nothing


def test_normalising_twice_changes_nothing_for_any_text():
    rng = random.Random(7)
    alphabet = "aZé Ёё ĐđÀ\t\n\x00\u200b\u0301,-_.!٣１ＡＢ全体ال" + "".join(
        map(chr, range(32, 127))
    )
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 140)))
        for normalise in set(PARAMETERS.values()):
            once = normalise(text)
            assert normalise(once) == once, (normalise.__name__, text)
            assert len(once) <= 200


def test_folding_makes_accents_marks_and_case_alike():
    assert fold("Patricia DÁVILA") == fold("patricia davila") == "patricia davila"
    assert fold("Đổi mới") == "doi moi"
    assert fold("ЁЛКА") == fold("елка")
    assert fold("التَّعْلِيم") == fold("التعليم")
    assert fold("أإآ") == "ااا"
    assert fold("AI-Empowered, education!") == "ai empowered education"


def test_a_filter_reads_the_last_of_repeated_values_and_spells_each_once(rf):
    request = rf.get("/agenda/?kind=panel&kind=PLENARY&room=007&q=%20A%20%20b&junk=1")
    assert ProgrammeFilter.from_query(request.GET) == ProgrammeFilter(
        q="a b", room="7", kind="plenary"
    )


# --- the cache ----------------------------------------------------------------------------


def test_variants_of_a_filter_are_one_cached_page(programme):
    _html, first = get(kind="plenary", q="trust in", room=programme.hall.pk)
    assert first
    for variant in (
        {"kind": "PLENARY", "q": "  TRUST   in ", "room": f"00{programme.hall.pk}"},
        {"kind": " plenary", "q": "Trust\tIn", "room": programme.hall.pk, "utm_source": "x"},
        {"kind": "plenary", "q": "ＴＲＵＳＴ in", "room": programme.hall.pk, "day": ""},
        {"kind": "plenary", "q": "trust in", "room": programme.hall.pk, "speaker": "abc"},
    ):
        html, queries = get(**variant)
        assert queries == 0, variant
        assert shown(html) == ["plenary-1"]
    _html, first = get(day=programme.day_1)
    assert first
    assert get(day=programme.day_1.replace("-", ""))[1] == 0


def test_junk_parameters_are_dropped_to_the_unfiltered_page(programme):
    get()
    html, queries = get(
        room="abc", speaker="-1", day="yesterday", kind="nonsense", theme="", q="  ", junk="1"
    )
    assert queries == 0
    assert shown(html) == EVERY_PUBLIC
    assert "nonsense" not in html and "yesterday" not in html


def test_an_overlong_search_is_cut_and_cached_as_cut(programme):
    overlong = "trust " * 50  # every word, even the last one cut, is in "Trust in practice"
    html, first = get(q=overlong)
    cut = overlong.strip()[:MAX_SEARCH_LENGTH].rstrip()
    assert len(cut) == MAX_SEARCH_LENGTH
    assert f'value="{cut}"' in html
    assert first and shown(html) == ["plenary-1", "trust-talk"]
    assert get(q=cut)[1] == 0
    assert get(q=cut + " trust trust")[1] == 0


def test_pages_that_would_be_one_copy_per_number_or_word_are_never_stored(programme):
    for query in (
        {"room": "99999"},
        {"speaker": str(programme.hidden.pk)},
        {"day": "1999-01-01"},
        {"q": "quantum"},
        {"q": "trust", "day": programme.day_1},
    ):
        for _ in range(2):
            assert get(**query)[1] > 0, query


def test_a_filtered_page_is_served_from_the_cache_without_a_query(programme):
    for path in ("/agenda/", f"/agenda/{programme.edition.year}/", "/es/agenda/"):
        query = {"kind": "plenary", "q": "plenar", "tz": "Asia/Tokyo"}
        html, first = get(path, **query)
        assert first and shown(html)
        again, queries = get(path, **query)
        assert queries == 0 and again == html
    # The calendar file too.
    address = f"/agenda/{programme.edition.year}.ics?kind=plenary"
    Client().get(address)
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(address).status_code == 200
    assert len(queries) == 0


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_query_count_is_the_same_whatever_the_filter_and_the_results(
    programme, settings, logged_in
):
    # Every request renders: the count is that of a cold cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    browser = Client()
    if logged_in:
        person = UserFactory()
        Star.objects.create(user=person, session=Session.objects.get(slug="plenary-1"))
        browser.force_login(person)
    queries = [
        {},
        {"q": "trust"},
        {"q": "quantum"},  # nothing
        {"day": programme.day_1},
        {"room": programme.hall.pk},
        {"kind": "break"},
        {"theme": theme_key(ETHICS)},
        {"speaker": programme.davila.pk},
        {"kind": "plenary", "day": programme.day_1, "q": "access", "tz": "Asia/Tokyo"},
        {"room": "99999"},  # names nothing here
        {"room": "abc", "q": "\x00"},  # junk
    ]
    counts = {}
    for query in queries:
        html, counts[str(query)] = get("/agenda/", browser, **query)
    build_programme(programme.edition, 60)  # many more sessions, many more matches
    for query in queries[:3]:
        html, counts[f"larger {query}"] = get("/agenda/", browser, **query)
    assert len(shown(html)) == 0
    assert len(set(counts.values())) == 1, counts
    # Sessions with rooms, speakers, recordings and materials, and the filters' options.
    assert max(counts.values()) <= (11 if logged_in else 6)


# --- junk never fails ---------------------------------------------------------------------


def test_no_junk_input_fails(programme):
    rng = random.Random(20261202)
    pool = [
        "", " ", "\x00", "%00", "-1", "0", "1e9", "99999999999999999999", "٣", "２", "NaN",
        "2025-13-45", "2025-02-29", "0000-00-00", "<script>", "'; DROP TABLE x; --",
        "ü" * 300, "x" * 5000, "../..", "\u202e\u200b", "🙂", "Asia/Tokyo",
    ]  # fmt: skip
    year = programme.edition.year
    paths = ["/agenda/", f"/agenda/{year}/", "/ar/agenda/", f"/agenda/{year}.ics"]
    visitor, person = Client(), Client()
    person.force_login(UserFactory())
    for round_number in range(60):
        query = {name: rng.choice(pool) for name in [*PARAMETERS, "tz"] if rng.random() < 0.6}
        path = paths[round_number % len(paths)]
        for browser in (visitor, person):
            response = browser.get(path, query)
            assert response.status_code == 200, (path, query)
    # Bytes that are not UTF-8, and repeated parameters, straight in the query string.
    for raw in ("q=%ff%fe%00&q=%c3", "room=1&room=x&room=", "day=%e2%80%ae2025", "kind=%00" * 40):
        assert visitor.get(f"/agenda/?{raw}").status_code == 200, raw
        assert person.get(f"/agenda/{year}.ics?{raw}").status_code == 200, raw
