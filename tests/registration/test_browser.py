"""The registration pages in a real browser (Debian's chromium through Playwright)."""

import os
import shutil

import pytest
from django.test import Client

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import UserFactory
from tests.services import in_ci

from .helpers import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in the test thread; the ORM calls are still
# synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The camera and the QR decoder are the device's: a fake camera from chromium, and a
# BarcodeDetector that "reads" the address a ticket's QR code holds.
FAKE_DETECTOR = """
window.BarcodeDetector = class {
  constructor(options) { this.options = options; }
  detect() { return Promise.resolve([{ rawValue: window.__ticketAddress }]); }
};
"""


@pytest.fixture(scope="session")
def camera_browser():
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} is not installed (Debian package chromium)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def logged_in_page(camera_browser, live_server):
    """Open a page as a person; every context is closed when the test ends, so the
    browser holds no connection to the live server once the test is over."""
    contexts = []

    def open_page(user, **options):
        client = Client()
        client.force_login(user)
        context = camera_browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_check_in_reads_the_ticket_with_the_camera(logged_in_page, edition):
    from tests.registration.conftest import organiser_permissions

    person = UserFactory(full_name="Tran Van Binh")
    registration = register(edition, person)
    organiser = UserFactory(is_staff=True)
    organiser.user_permissions.set(organiser_permissions())
    page = logged_in_page(organiser, permissions=["camera"])
    page.add_init_script(FAKE_DETECTOR)
    page.add_init_script(
        f"window.__ticketAddress = 'http://testserver/checkin/?q={registration.ticket_code}';"
    )

    page.goto("/checkin/")
    page.get_by_role("button", name="Scan a ticket with the camera").click()
    page.wait_for_url("**q=*")
    assert page.get_by_role("cell", name="Tran Van Binh", exact=True).is_visible()
    page.get_by_role("button", name="Check in Tran Van Binh").click()
    assert page.get_by_text("Tran Van Binh is checked in.").is_visible()
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_check_in_without_javascript_hides_the_camera_button(logged_in_page, edition):
    from tests.registration.conftest import organiser_permissions

    registration = register(edition, UserFactory(full_name="Le Thi Hoa"))
    organiser = UserFactory(is_staff=True)
    organiser.user_permissions.set(organiser_permissions())
    page = logged_in_page(organiser, java_script_enabled=False)
    page.goto("/checkin/")
    assert not page.get_by_role("button", name="Scan a ticket with the camera").is_visible()
    page.get_by_label("Ticket code, name or email").fill(registration.ticket_code)
    page.get_by_role("button", name="Look up").click()
    page.get_by_role("button", name="Check in Le Thi Hoa").click()
    assert page.get_by_text("Le Thi Hoa is checked in.").is_visible()


def test_registering_without_javascript(logged_in_page, edition):
    person = UserFactory()
    page = logged_in_page(person, java_script_enabled=False)
    page.goto("/register/")
    page.get_by_label("In person").check()
    page.get_by_role("button", name="Register").click()
    # Consent missing: the browser's own validation holds the form back, nothing is sent.
    assert page.url.endswith("/register/")
    assert page.get_by_label("In person").is_checked()
    page.get_by_label("I agree to the privacy notice").check()
    page.get_by_role("button", name="Register").click()
    assert page.get_by_role("heading", name="My registration").is_visible()
    assert page.get_by_text("Confirmed").first.is_visible()
    page.get_by_role("link", name="My ticket").click()
    assert page.locator("svg.ticket-qr").is_visible()
