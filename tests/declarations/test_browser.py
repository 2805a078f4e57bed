"""The live word counter, in a real browser (the limits themselves are the server's)."""

import shutil
import threading

import pytest
from django.test import Client

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.declarations.factories import call_with_topics
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory
from tests.services import in_ci

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def drive(base_url: str, session: str, topic_id: int, results: dict) -> None:
    """Runs in a thread of its own: the browser tests' session-wide Playwright keeps an
    event loop in the main thread, and the sync API refuses to start a second one there."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(base_url=base_url)
            context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
            page = context.new_page()
            page.goto("/declaration/")
            box = page.locator(f"#id_topic_{topic_id}")
            counter = page.locator(f"#id_topic_{topic_id}-count")
            results["empty"] = counter.text_content()
            box.fill("Open  courses\nfor all")
            results["typed"] = counter.text_content()
            results["class"] = counter.get_attribute("class")
            results["describedby"] = box.get_attribute("aria-describedby")
            browser.close()
    except Exception as error:  # reported in the test's thread
        results["error"] = error


def test_word_count_follows_typing_and_flags_a_long_answer(live_server):
    if not shutil.which(CHROMIUM):
        if in_ci():
            pytest.fail(f"{CHROMIUM} is not installed")
        pytest.skip(f"{CHROMIUM} is not installed")
    call = call_with_topics(edition=EditionFactory(is_current=True))
    topic = call.topics.first()
    topic.word_limit = 3
    topic.save()
    person = UserFactory()
    RegistrationFactory(edition=call.edition, attendee=person)
    client = Client()
    client.force_login(person)
    results: dict = {}
    thread = threading.Thread(
        target=drive,
        args=(live_server.url, client.cookies["sessionid"].value, topic.pk, results),
    )
    thread.start()
    thread.join(timeout=120)
    assert "error" not in results, results.get("error")
    assert results["empty"] == "0 of 3 words"
    assert results["typed"] == "4 of 3 words"
    assert "text-danger" in results["class"]
    assert f"id_topic_{topic.pk}-count" in results["describedby"]
