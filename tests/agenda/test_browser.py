"""The device's time zone offered by the programme's small script, in a real browser."""

import shutil
import threading

import pytest

from tests.agenda.factories import SessionFactory, local
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import EditionFactory
from tests.services import in_ci

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def drive(base_url: str, results: dict) -> None:
    """Runs in a thread of its own: the browser tests' session-wide Playwright keeps an
    event loop in the main thread, and the sync API refuses to start a second one there."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(base_url=base_url, timezone_id="Asia/Tokyo")
            page = context.new_page()
            page.goto("/agenda/")
            offer = page.locator("#browser-zone a")
            results["offer"] = offer.text_content()
            offer.click()
            page.wait_for_url("**/agenda/?tz=Asia%2FTokyo")
            results["time"] = page.locator(".session-time time").first.text_content()
            results["label"] = page.locator(".zone-picker strong").first.text_content()
            # The same page with scripts off: complete, with no offer.
            plain = browser.new_context(
                base_url=base_url, timezone_id="Asia/Tokyo", java_script_enabled=False
            ).new_page()
            plain.goto("/agenda/")
            results["plain_time"] = plain.locator(".session-time time").first.text_content()
            results["plain_offer_visible"] = plain.locator("#browser-zone").is_visible()
            browser.close()
    except Exception as error:  # reported in the test's thread
        results["error"] = error


def test_device_zone_is_offered_and_the_page_works_without_script(live_server):
    if not shutil.which(CHROMIUM):
        if in_ci():
            pytest.fail(f"{CHROMIUM} is not installed")
        pytest.skip(f"{CHROMIUM} is not installed")
    edition = EditionFactory(is_current=True, time_zone="America/Mexico_City")
    SessionFactory(edition=edition, starts_at=local(edition, 0, 9, 20))
    results: dict = {}
    worker = threading.Thread(target=drive, args=(live_server.url, results))
    worker.start()
    worker.join(timeout=120)
    assert "error" not in results, results.get("error")
    assert "Asia/Tokyo" in results["offer"]
    # 09:20 in Mexico City (UTC-6) is 00:20 the next day in Tokyo (UTC+9).
    assert results["time"] == "00:20"
    assert results["label"] == "Tokyo time (UTC+9)"
    assert results["plain_time"] == "09:20"
    assert results["plain_offer_visible"] is False
