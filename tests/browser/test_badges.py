"""Name badges in a real browser, with JavaScript on and off: the organisers' badge
page, a run's page that shows when the PDF is ready, and the check-in desk's "Print
badge" button. Every page is held to every axe-core violation, whatever its impact
(axe is a script: it runs in the JavaScript-on browser; the markup is the same)."""

from __future__ import annotations

import pytest
from django.test import Client

from documents.badges import services
from documents.models import BadgePrint
from registration.accounts import services as account_services
from tests.factories import EditionFactory, UserFactory
from tests.registration.conftest import organiser_permissions
from tests.registration.factories import RegistrationFactory

from .test_accessibility import violations_here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(private_storage):
    edition = EditionFactory(is_current=True, title="GMC 2026", city="Hanoi")
    people = []
    for given, family, badge in [
        ("Thị Lan", "Nguyễn", "Nguyễn Thị Lan"),
        ("محمد", "الهاشمي", "محمد الهاشمي"),
        ("路明", "李", "李路明"),
    ]:
        user = UserFactory(full_name="")
        account_services.update_person(
            user.pk, given_name=given, family_name=family, badge_name=badge
        )
        people.append(RegistrationFactory(edition=edition, attendee=user))
    organiser = UserFactory(is_staff=True)
    organiser.user_permissions.set(organiser_permissions())
    return edition, people, organiser


def checked(page, name: str, javascript: bool) -> list[str]:
    """Every axe violation on the page as it is now (with JavaScript on)."""
    return violations_here(page, name, impacts=None) if javascript else []


def organiser_context(browser, live_server, organiser, *, javascript: bool):
    client = Client()
    client.force_login(organiser)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=javascript, accept_downloads=True
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_organiser_asks_for_badges_and_downloads_them(browser, live_server, scene, javascript):
    _edition, people, organiser = scene
    context = organiser_context(browser, live_server, organiser, javascript=javascript)
    page = context.new_page()
    page.goto("/organisers/badges/")
    problems = checked(page, "badge form", javascript)
    page.get_by_label("US Letter, 8 badges a page (90 × 55 mm)").check()  # noqa: RUF001
    page.get_by_role("button", name="Make the badges").click()
    page.wait_for_url("**/organisers/badges/*/")
    run = BadgePrint.objects.get()
    assert run.paper == "letter" and sorted(run.registration_ids) == sorted(p.pk for p in people)
    assert page.get_by_role("status").inner_text().startswith("The badges are being made")
    problems += checked(page, "badge run, being made", javascript)

    services.render_badge_print(run.pk)  # the worker
    download_link = page.get_by_role("link", name="Download the PDF")
    if javascript:
        # The page asks again by itself and shows the news in place, without reloading.
        page.evaluate("window.__samePage = true")
        download_link.wait_for(timeout=15_000)
        assert page.evaluate("window.__samePage") is True
    else:
        # Nothing happens by itself; the link checks again.
        page.wait_for_timeout(4_000)
        assert download_link.count() == 0
        page.get_by_role("link", name="Check again").click()
        download_link.wait_for(timeout=5_000)
    assert page.get_by_role("status").inner_text().startswith("The badges are ready.")
    problems += checked(page, "badge run, ready", javascript)
    with page.expect_download() as download:
        download_link.click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_check_in_desk_prints_a_badge_from_the_row(browser, live_server, scene, javascript):
    _edition, people, organiser = scene
    late = people[0]
    context = organiser_context(browser, live_server, organiser, javascript=javascript)
    page = context.new_page()
    page.goto(f"/checkin/?q={late.ticket_code}")
    problems = checked(page, "check-in results", javascript)
    button = page.get_by_role(
        "link", name="Print badge of Nguyễn Thị Lan (PDF, opens in a new tab)"
    )
    assert button.count() == 1
    href = button.get_attribute("href")
    assert href == f"/organisers/badges/registration/{late.pk}.pdf"
    # Followed with the organiser's session, the link answers with the badge.
    response = context.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    # Clicked, it opens in a new tab and leaves the check-in page where it was.
    with context.expect_page() as opened:
        button.click()
    opened.value.wait_for_load_state("commit")
    assert opened.value.url.endswith(href)
    assert page.url.endswith(f"/checkin/?q={late.ticket_code}")
    context.close()
    assert not problems, "\n".join(problems)
