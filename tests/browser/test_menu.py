"""The header's navigation: on a phone one line (the logo and a menu button) that opens,
with or without JavaScript, by keyboard or by touch, into a list whose every link can be
reached; on a desktop a horizontal bar; right to left in Arabic."""

import pytest

from tests.browser.test_accessibility import violations_here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
MENU = "details.site-menu"
# What the focused element is, and whether a ring of at least 2 px is drawn around it.
FOCUSED = """
() => {
    const el = document.activeElement, style = getComputedStyle(el);
    return {
        text: el.textContent.trim(),
        inMenu: el.closest("details.site-menu") !== null,
        ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    };
}
"""


@pytest.fixture
def phone(browser, live_server, request):
    """A phone, with JavaScript on or off as the test's parameter says."""
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=request.param == "js-on", **PHONE
    )
    yield context.new_page()
    context.close()


def menu_links(page) -> list[str]:
    return [
        link.strip() for link in page.locator(f"{MENU} nav").get_by_role("link").all_inner_texts()
    ]


@pytest.mark.parametrize("phone", ["js-off", "js-on"], indirect=True)
def test_phone_header_is_one_line_and_its_menu_opens_from_the_keyboard(phone, request):
    page = phone
    page.goto("/")
    logo = page.locator(".site-name img").bounding_box()
    button = page.locator(f"{MENU} > summary").bounding_box()
    header = page.locator("header.site-header").bounding_box()
    # One line: the button beside the logo, and the header no taller than it needs.
    assert abs((logo["y"] + logo["height"] / 2) - (button["y"] + button["height"] / 2)) < 4
    assert header["height"] < 90, header
    # The full name is hidden from sight on a phone, not from a screen reader.
    name = "GMC Global MOOC and Online Education Conference"
    assert page.get_by_role("link", name=name, exact=True).count() == 1
    assert button["height"] >= 44 and button["x"] + button["width"] <= 390
    assert page.locator(".main-nav").is_hidden()
    assert not page.get_by_role("link", name="Publications").is_visible()

    # Tab to the menu button (after the skip link and the logo), open it with Enter.
    for _press in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    focused = page.evaluate(FOCUSED)
    assert focused["text"] == "Menu" and focused["ring"], focused
    page.keyboard.press("Enter")
    assert page.locator(MENU).get_attribute("open") is not None

    # Every link of the menu is reached by Tab, in order, each with its focus ring.
    expected = menu_links(page)
    assert expected[:3] == ["Home", "About", "Editions"] and expected[-1] == "Sign up"
    reached = []
    for _link in expected:
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["inMenu"] and focused["ring"], focused
        reached.append(focused["text"])
    assert reached == expected
    assert page.get_by_role("link", name="Publications").is_visible()
    if request.node.callspec.params["phone"] == "js-on":  # axe runs as a script in the page
        assert violations_here(page, "the open menu", impacts=None) == []

    # Back to "News" with Shift+Tab; Enter follows it, and the next page's menu is closed.
    for _link in range(len(expected) - 1 - expected.index("News")):
        page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED)["text"] == "News"
    page.keyboard.press("Enter")
    page.wait_for_url("**/news/")
    assert page.locator(MENU).get_attribute("open") is None


@pytest.mark.parametrize("phone", ["js-off", "js-on"], indirect=True)
def test_phone_menu_opens_and_closes_by_touch(phone):
    page = phone
    page.goto("/about/")
    page.locator(f"{MENU} > summary").tap()
    assert page.get_by_role("link", name="Contact").is_visible()
    current = page.locator(f"{MENU} nav a[aria-current=page]")
    assert current.inner_text().strip() == "About"
    page.locator(f"{MENU} > summary").tap()
    assert not page.get_by_role("link", name="Contact").is_visible()
    page.locator(f"{MENU} > summary").tap()
    page.get_by_role("link", name="Contact").tap()
    page.wait_for_url("**/contact/")


def test_desktop_has_a_horizontal_bar_and_no_menu_button(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    page = context.new_page()
    page.goto("/")
    assert page.locator(MENU).is_hidden()
    bar = page.locator(".main-nav")
    boxes = [link.bounding_box() for link in bar.locator("a").all()]
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) < 2, middles  # one row
    assert [t.strip() for t in bar.locator("a").all_inner_texts()][:2] == ["Home", "About"]
    assert page.locator(".account-nav").get_by_role("link", name="Sign in").is_visible()
    # The logo says what it is: its text alternative, and the full name beside it.
    name = "GMC Global MOOC and Online Education Conference"
    home = page.get_by_role("link", name=name, exact=True)
    assert home.get_by_role("img", name="GMC").is_visible()
    # One navigation named "Main" is shown, so assistive technology announces one.
    assert page.get_by_role("navigation", name="Main").count() == 1
    context.close()


def test_phone_menu_is_mirrored_in_arabic(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    page.goto("/ar/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    logo = page.locator(".site-name img").bounding_box()
    button = page.locator(f"{MENU} > summary").bounding_box()
    assert button["x"] + button["width"] < logo["x"], (button, logo)  # the button on the left
    page.locator(f"{MENU} > summary").tap()
    first = page.locator(f"{MENU} nav a").first
    text_right = first.evaluate(
        "(a) => { const r = document.createRange(); r.selectNodeContents(a);"
        " return r.getBoundingClientRect().right; }"
    )
    box = first.bounding_box()
    assert box["x"] + box["width"] - text_right < 24  # the words start on the right
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations_here(page, "the open menu (ar)", impacts=None) == []
    context.close()
