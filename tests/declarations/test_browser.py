"""The live word counter, in a real browser (the limits themselves are the server's)."""

import pytest
from django.test import Client

from tests.browser.conftest import browser  # noqa: F401  the session's chromium
from tests.declarations.factories import call_with_topics
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_word_count_follows_typing_and_flags_a_long_answer(browser, live_server):  # noqa: F811
    call = call_with_topics(edition=EditionFactory(is_current=True))
    topic = call.topics.first()
    topic.word_limit = 3
    topic.save()
    person = UserFactory()
    RegistrationFactory(edition=call.edition, attendee=person)
    client = Client()
    client.force_login(person)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto("/declaration/")
    box = page.locator(f"#id_topic_{topic.pk}")
    counter = page.locator(f"#id_topic_{topic.pk}-count")
    assert counter.text_content() == "0 of 3 words"
    box.fill("Open  courses\nfor all")
    assert counter.text_content() == "4 of 3 words"
    assert "text-danger" in counter.get_attribute("class")
    assert f"id_topic_{topic.pk}-count" in box.get_attribute("aria-describedby")
    context.close()
