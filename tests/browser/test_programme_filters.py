"""The programme's filters in a real browser over the demo data: the form without
JavaScript (a new page per choice), with JavaScript (the results refreshed in place,
focus kept, the count announced), the time zone kept either way, and the filtered page
and its empty state clean for axe-core in English and, right to left, in Arabic."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.test_accessibility import violations_here
from tests.browser.test_arabic import WIDTHS, check_here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROGRAMME = "/agenda/2025/"
# The 2025 demo programme: the opening ceremony (13 sessions) and four plenaries.
PLENARIES = [
    "session-2025-plenary-1",
    "session-2025-plenary-2",
    "session-2025-plenary-3",
    "session-2025-plenary-4",
]


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def listed(page) -> list[str]:
    return page.eval_on_selector_all("li.session", "items => items.map(i => i.id)")


def count(page) -> str:
    return page.locator("#programme-count").text_content().strip()


def test_the_filters_work_without_javascript(page_without_js, demo):
    page = page_without_js
    page.goto(f"{PROGRAMME}?tz=Asia/Tokyo")
    form = page.get_by_role("search", name="Find sessions")
    form.get_by_label("Kind").select_option("plenary")
    with page.expect_navigation():
        form.get_by_role("button", name="Show sessions").click()
    assert "kind=plenary" in page.url and "tz=Asia%2FTokyo" in page.url
    assert listed(page) == PLENARIES
    assert count(page) == "4 sessions match"
    assert page.title().startswith("4 sessions match")
    # Times still in the zone asked for: Plenary 1 is at 14:00 in Mexico City.
    assert page.locator("#session-2025-plenary-1 .session-time time").first.text_content() == (
        "05:00"
    )

    # Words as well: a speaker's name, typed without its accent.
    form = page.get_by_role("search", name="Find sessions")
    form.get_by_label("Kind").select_option("")
    form.get_by_label("Search").fill("Davila")
    with page.expect_navigation():
        form.get_by_label("Search").press("Enter")
    assert listed(page) == ["session-2025-opening-remarks", "session-2025-report-release"]
    assert "tz=Asia%2FTokyo" in page.url

    # Each filter in use can be removed, and all at once.
    with page.expect_navigation():
        page.get_by_role("link", name="Remove the filter Search: davila").click()
    assert "q=" not in page.url and "tz=Asia%2FTokyo" in page.url
    assert count(page) == "17 sessions in the programme"

    page.goto(f"{PROGRAMME}?q=quantum")
    assert listed(page) == []
    assert page.get_by_role("heading", name="No session matches").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Show the whole programme").click()
    assert len(listed(page)) == 17


def test_with_javascript_the_results_change_in_place(page, demo):
    page.goto(f"{PROGRAMME}?tz=Asia/Tokyo")
    page.evaluate("window.sameDocument = true")
    form = page.get_by_role("search", name="Find sessions")

    kind = form.get_by_label("Kind")
    kind.focus()
    kind.select_option("plenary")
    expect(page.locator("#programme-count")).to_have_text("4 sessions match")
    assert listed(page) == PLENARIES
    assert page.evaluate("window.sameDocument") is True  # no new page
    assert page.evaluate("document.activeElement.id") == "filter-kind"
    assert "kind=plenary" in page.url and "tz=Asia%2FTokyo" in page.url
    assert page.title().startswith("4 sessions match")
    assert page.get_by_role("status").text_content().strip() == "4 sessions match"
    # The calendar link and the zone form follow.
    assert "kind=plenary" in page.get_by_role("link", name="These sessions in my calendar (.ics)")\
        .get_attribute("href")  # fmt: skip
    assert page.locator(".zone-form input[type=hidden][name=kind]").get_attribute("value") == (
        "plenary"
    )

    # Words, sent with Enter: the page stays, the list narrows.
    form.get_by_label("Search").fill("ethics")
    form.get_by_label("Search").press("Enter")
    expect(page.locator("#programme-count")).to_have_text("1 session matches")
    assert listed(page) == ["session-2025-plenary-3"]
    assert page.evaluate("window.sameDocument") is True

    # The address it shows is a page of its own.
    address = page.url
    page.goto(address)
    assert listed(page) == ["session-2025-plenary-3"]
    assert page.get_by_label("Kind").input_value() == "plenary"


def test_filtered_pages_are_accessible(browser, live_server, demo):
    problems: list[str] = []
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    for query in ("?kind=plenary&q=trust", "?q=quantum", "?room=99999"):
        page.goto(PROGRAMME + query)
        problems += violations_here(page, f"programme{query}")
    # After a change made in place.
    page.goto(PROGRAMME)
    page.locator("#filter-day").select_option(index=2)
    expect(page.locator("#programme-count")).to_have_text("2 sessions match")
    problems += violations_here(page, "programme after a change in place")
    context.close()
    assert not problems, "\n".join(["Accessibility violations:", *problems])


@pytest.mark.parametrize("width", WIDTHS)
def test_the_filters_in_arabic_are_right_to_left_and_accessible(browser, live_server, demo, width):
    problems: list[str] = []
    context = browser.new_context(base_url=live_server.url, viewport=WIDTHS[width])
    page = context.new_page()
    # The Arabic theme of Plenary 3, searched without its shadda.
    page.goto("/ar/agenda/2025/?q=المعزز")
    assert listed(page) == ["session-2025-plenary-3"]
    problems += check_here(page, "programme-search", width)
    page.goto("/ar/agenda/2025/")
    form = page.locator("form.programme-filters")
    legend, box = form.locator("legend").bounding_box(), form.bounding_box()
    if box["x"] + box["width"] - (legend["x"] + legend["width"]) > 48:
        problems.append(f"programme-filters [{width}]: the legend does not start on the right")
    page.locator("#filter-kind").select_option("plenary")
    expect(page.locator("#programme-count")).to_have_text("4 جلسات مطابقة")
    assert listed(page) == PLENARIES
    problems += check_here(page, "programme-filters", width)
    page.goto("/ar/agenda/2025/?q=quantum")
    problems += check_here(page, "programme-nothing-found", width)
    context.close()
    assert not problems, "\n".join(problems)
