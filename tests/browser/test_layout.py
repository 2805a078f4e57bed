import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.locator(".skip-link").is_visible()  # visible once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_site_works_without_javascript(page_without_js):
    page_without_js.goto("/")
    assert page_without_js.locator("h1").is_visible()
    page_without_js.get_by_role("link", name="Sign in").click()
    assert page_without_js.locator("input[type=email], input[name=login]").first.is_visible()


def test_layout_fits_a_phone_screen_without_sideways_scrolling(phone_page):
    phone_page.goto("/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    # The navigation is behind the menu button (tests/browser/test_menu.py opens it).
    assert phone_page.locator("header details.site-menu > summary").is_visible()


def test_arabic_page_is_mirrored(page):
    page.goto("/ar/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The mirrored build is the one loaded: the skip link and the header's name sit on
    # the right.
    name = page.locator(".site-name").bounding_box()
    width = page.viewport_size["width"]
    assert name["x"] + name["width"] > width / 2
    assert page.evaluate(
        "[...document.styleSheets].some(s => (s.href || '').endsWith('bootstrap.rtl.min.css'))"
    )
