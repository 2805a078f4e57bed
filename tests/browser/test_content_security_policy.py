"""The site under its own Content-Security-Policy in a real browser: the key pages, the
attendee's pages, the admin and the check-in scanner load and work, and the browser
reports no violation of the policy.

Every page the browser opens, popups and frames included, records each
``securitypolicyviolation`` event; the console is read for the browser's own reports
(a blocked inline style, a refused script, a malformed Permissions-Policy). Anything
either finds fails the test, with one list of every page's violations.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

from agenda.models import Session
from gmc.models import Organisation, User
from mailings.models import Broadcast, EmailTemplate
from registration.models import Registration
from tests.browser.test_accessibility import register_in, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in every document before its own scripts (through the browser's debugging
# protocol, which the policy does not govern).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}` +
        ` (${event.sourceFile || document.location.pathname}:${event.lineNumber})` +
        ` ${event.sample || ""}`
    );
});
"""
POLICY_WORDS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


class Watch:
    """What the browser reported while the pages of one context were open."""

    def __init__(self, context):
        self.context = context
        self.found: list[str] = []
        context.add_init_script(script=RECORD_VIOLATIONS)
        context.on("console", self.on_console)
        context.on("weberror", lambda error: self.found.append(f"script error: {error.error}"))

    def on_console(self, message) -> None:
        if any(word in message.text for word in POLICY_WORDS):
            self.found.append(f"{message.page and message.page.url}: console: {message.text}")

    def collect(self, page) -> None:
        """The violations every frame of ``page`` recorded (the events of a frame that
        runs no script reach the console, read above)."""
        for frame in page.frames:
            try:
                events = frame.evaluate("() => window.__violations || []")
            except PlaywrightError:  # a sandboxed frame runs no script: its console speaks
                events = []
            self.found += [f"{frame.url}: {event}" for event in events]

    def visit(self, page, path: str):
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: HTTP {response.status}"
        assert "Content-Security-Policy" in {name.title() for name in response.headers}
        page.wait_for_load_state("load")
        self.collect(page)
        return response


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def camera_allowed(page) -> bool:
    return page.evaluate("() => document.featurePolicy.allowsFeature('camera')")


def test_site_runs_under_its_content_security_policy(browser, live_server, demo):
    found: list[str] = []
    session = Session.objects.public().filter(edition__year=2025).order_by("starts_at").first()

    # A visitor.
    context = browser.new_context(base_url=live_server.url)
    watch = Watch(context)
    page = context.new_page()
    for path in [
        "/",
        "/about/",
        "/editions/",
        "/editions/2025/",
        "/alliance/",
        "/agenda/2025/",
        session.get_absolute_url(),
        "/accounts/login/",
        "/accounts/signup/",
    ]:
        watch.visit(page, path)
        assert not camera_allowed(page), path
    found += watch.found
    context.close()

    # An attendee: the registration form, their registration and ticket, and the
    # declaration input page, whose word counter must run.
    context = signed_in(browser, live_server, "attendee@gmc.localhost")
    watch = Watch(context)
    page = context.new_page()
    watch.visit(page, "/register/")
    register_in(page)
    watch.collect(page)
    watch.visit(page, "/register/me/")
    registration = Registration.objects.get(
        attendee__email="attendee@gmc.localhost", edition__is_current=True
    )
    watch.visit(page, f"/register/ticket/{registration.ticket_code}/")
    watch.visit(page, "/declaration/")
    box = page.locator("textarea[data-word-limit]").first
    box.fill("open education for everyone")
    counter = page.locator(f"#{box.get_attribute('id')}-count")
    assert counter.text_content().startswith("4"), counter.text_content()
    watch.collect(page)
    found += watch.found
    context.close()

    # The organiser: the admin, the email previews and the check-in scanner.
    organiser = User.objects.get(email="organiser@gmc.localhost")
    template = EmailTemplate.objects.create(
        kind="registration.confirmed",
        language="en",
        subject="Welcome {{ name }}",
        text="Your ticket: {{ ticket_url }}",
        html='<p id="styled" style="color: rgb(11, 79, 138)">Seat at {{ venue }}</p>',
    )
    broadcast = Broadcast.objects.create(
        edition=session.edition, subject="Room change", body="Room 2.", created_by=organiser
    )
    context = signed_in(browser, live_server, "organiser@gmc.localhost")
    watch = Watch(context)
    page = context.new_page()
    watch.visit(page, "/admin/")

    # A change list and its filters.
    watch.visit(page, "/admin/registration/registration/")
    page.locator("#changelist-filter a").nth(1).click()
    page.wait_for_load_state("load")
    watch.collect(page)

    # A change form with date and time widgets, autocomplete and "add another" popups.
    watch.visit(page, f"/admin/agenda/session/{session.pk}/change/")
    page.locator("#calendarlink0").click()
    assert page.locator("#calendarbox0").is_visible()
    page.locator("#clocklink0").click()
    assert page.locator("#clockbox0").is_visible()
    page.keyboard.press("Escape")
    # The block picker is a plain list of the edition's blocks.
    page.locator("#id_parent").focus()
    with context.expect_page() as popup_info:
        page.locator("#add_id_room").click()
    popup = popup_info.value
    popup.wait_for_load_state("load")
    assert popup.locator("#room_form").is_visible()
    watch.collect(popup)
    popup.close()
    watch.collect(page)

    # An autocomplete on a form of another app, organisations with their "add" popup.
    watch.visit(page, "/admin/gmc/alliancemember/add/")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill(Organisation.objects.first().name[:3])
    page.locator(".select2-results__option").first.wait_for()
    page.keyboard.press("Escape")
    watch.collect(page)

    # An action with a confirmation page.
    watch.visit(page, "/admin/agenda/session/?edition__id__exact=" + str(session.edition_id))
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("shift_selected")
    page.locator("button[name=index]").click()
    page.wait_for_load_state("load")
    assert page.locator("input[name=minutes]").is_visible()
    watch.collect(page)

    # Emails keep their inline styles inside their frames, and the pages stay strict.
    for path in [
        f"/admin/mailings/emailtemplate/{template.pk}/change/",
        f"/organisers/messages/{broadcast.pk}/",
    ]:
        watch.visit(page, path)
        frame = page.frame_locator("iframe[sandbox]")
        frame.locator("body").wait_for()
    styled = page.goto(f"/admin/mailings/emailtemplate/{template.pk}/preview/")
    assert styled is not None and styled.ok
    assert page.locator("#styled").evaluate("p => getComputedStyle(p).color") == (
        "rgb(11, 79, 138)"
    )

    # The check-in scanner may use the camera; nothing else may.
    watch.visit(page, "/checkin/")
    assert camera_allowed(page)
    watch.visit(page, "/organisers/stats/")
    assert not camera_allowed(page)
    found += watch.found
    context.close()

    assert not found, "\n".join(["Content-Security-Policy violations:", *found])
