"""The registration pages in a real browser (Debian's chromium through Playwright).

Each test drives its own chromium, with a fake camera, from a thread of its own:
Playwright's sync API refuses to start a second instance in a thread whose event loop
another one (the session browser of tests/browser/) is already running. The thread
touches only the browser; the database is read in the test's own thread.
"""

import shutil
import threading

import pytest
from django.test import Client

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import UserFactory
from tests.services import in_ci

from .conftest import organiser_permissions
from .helpers import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The camera and the QR decoder are the device's: a fake camera from chromium, and a
# BarcodeDetector that "reads" the address a ticket's QR code holds.
FAKE_DETECTOR = """
window.BarcodeDetector = class {
  constructor(options) { this.options = options; }
  detect() { return Promise.resolve([{ rawValue: window.__ticketAddress }]); }
};
"""


@pytest.fixture
def in_browser(live_server):
    """Run ``steps(page)`` in chromium, signed in as ``user``; re-raise what failed."""
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} is not installed (Debian package chromium)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)

    def run(user, steps, *, init_scripts=(), **options):
        client = Client()
        client.force_login(user)
        session = client.cookies["sessionid"].value
        errors: list[BaseException] = []

        def drive():
            from playwright.sync_api import sync_playwright

            try:
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
                    try:
                        context = browser.new_context(base_url=live_server.url, **options)
                        context.add_cookies(
                            [{"name": "sessionid", "value": session, "url": live_server.url}]
                        )
                        page = context.new_page()
                        for script in init_scripts:
                            page.add_init_script(script)
                        steps(page)
                        context.close()
                    finally:
                        browser.close()
            except BaseException as error:
                errors.append(error)

        thread = threading.Thread(target=drive)
        thread.start()
        thread.join(timeout=120)
        assert not thread.is_alive(), "the browser did not finish"
        if errors:
            raise errors[0]

    return run


def organiser():
    person = UserFactory(is_staff=True)
    person.user_permissions.set(organiser_permissions())
    return person


def test_check_in_reads_the_ticket_with_the_camera(in_browser, edition):
    registration = register(edition, UserFactory(full_name="Tran Van Binh"))
    address = f"http://testserver/checkin/?q={registration.ticket_code}"

    def steps(page):
        page.goto("/checkin/")
        page.get_by_role("button", name="Scan a ticket with the camera").click()
        page.wait_for_url("**q=*")
        assert page.get_by_role("cell", name="Tran Van Binh", exact=True).is_visible()
        page.get_by_role("button", name="Check in Tran Van Binh").click()
        assert page.get_by_text("Tran Van Binh is checked in").is_visible()

    in_browser(
        organiser(),
        steps,
        permissions=["camera"],
        init_scripts=[FAKE_DETECTOR, f"window.__ticketAddress = '{address}';"],
    )
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_check_in_without_javascript_hides_the_camera_button(in_browser, edition):
    registration = register(edition, UserFactory(full_name="Le Thi Hoa"))

    def steps(page):
        page.goto("/checkin/")
        assert not page.get_by_role("button", name="Scan a ticket with the camera").is_visible()
        search = page.get_by_label("Ticket code, name, organisation or email")
        search.fill(registration.ticket_code)
        page.get_by_role("button", name="Look up").click()
        page.get_by_role("button", name="Check in Le Thi Hoa").click()
        assert page.get_by_text("Le Thi Hoa is checked in").is_visible()

    in_browser(organiser(), steps, java_script_enabled=False)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_registering_without_javascript(in_browser, edition):
    person = UserFactory()

    def steps(page):
        page.goto("/register/")
        page.get_by_label("In person").check()
        page.get_by_role("button", name="Register").click()
        # Consent missing: the browser's own validation holds the form back.
        assert page.url.endswith("/register/")
        assert page.get_by_label("In person").is_checked()
        page.get_by_label("I agree to the privacy notice").check()
        page.get_by_role("button", name="Register").click()
        assert page.get_by_role("heading", name="My registration").is_visible()
        assert page.get_by_text("Confirmed").first.is_visible()
        page.get_by_role("link", name="My ticket").click()
        assert page.locator("svg.ticket-qr").is_visible()

    in_browser(person, steps, java_script_enabled=False)
    assert person.registrations.get().status == "confirmed"


def test_registration_list_fits_a_phone(in_browser, edition):
    """A page of the admin's list, with long addresses and organisation names, on a
    phone: nothing off the side of the screen, at most two lines a row, and a page
    far from the 6,600 pixels it was."""
    from .factories import RegistrationFactory

    for index in range(60):
        RegistrationFactory(
            edition=edition,
            attendee=UserFactory(
                full_name=f"Nguyen Thi Minh Khai {index}",
                email=f"a.very.long.address.of.person.{index}@faculty.example.edu.vn",
                organisation_name="Vietnam National University, Hanoi, University of Education",
                country="VN",
            ),
        )
    measured = {}

    def steps(page):
        page.goto("/admin/registration/registration/")
        measured["rows"] = page.locator("#result_list tbody tr").count()
        measured["list_width"] = page.evaluate(
            "document.getElementById('result_list').getBoundingClientRect().right"
        )
        measured["row_height"] = page.evaluate(
            "Math.max(...[...document.querySelectorAll('#result_list tbody tr')]"
            ".map(row => row.getBoundingClientRect().height))"
        )
        measured["page_height"] = page.evaluate("document.documentElement.scrollHeight")

    in_browser(organiser(), steps, viewport={"width": 390, "height": 844}, is_mobile=True)
    assert measured["rows"] == 50
    assert measured["list_width"] <= 390
    assert measured["row_height"] <= 60
    assert measured["page_height"] <= 4500
