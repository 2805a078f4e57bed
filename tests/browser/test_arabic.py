"""The portal in Arabic, right to left, at phone (390 px) and desktop (1280 px) width.

The attendee's pages and the organiser's screens (the admin and the organiser pages
outside it, for an organiser whose language is Arabic) are each checked by axe-core
with no violation of any impact, checked not to scroll sideways and to be mirrored
(tables start on the right, charts read from the right, the admin's "forward" arrow
points left, form errors sit with their fields), and photographed into
build/screenshots/<page>-ar-<width>.png, so that a reader sees them without running the
portal (the README lists them).
"""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from agenda.models import Session
from gmc.models import Edition, User
from mailings.models import Broadcast
from registration import services as registration_services
from registration.models import Registration
from tests.browser.test_accessibility import signed_in, violations_here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "build" / "screenshots"
WIDTHS = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 900}}
PUBLIC = {
    "home": "/ar/",
    "about": "/ar/about/",
    "programme": "/ar/agenda/2025/",
    "signup": "/ar/accounts/signup/",
}

# Each visible error message of a form, where its words are and where its field is: a
# field is the nearest element around the error that holds a control (Bootstrap's .mb-3
# of crispy-forms, the admin's .form-row, a fieldset). For the error, its nearest
# control, and the field: the vertical gap between error and control, and how far the
# error's words end from the right edge of the control and of the field.
ERRORS_AND_FIELDS = """
(selector) => [...document.querySelectorAll(selector)]
    .filter(error => error.getClientRects().length && error.textContent.trim())
    .map(error => {
        const text = {left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity};
        const walker = document.createTreeWalker(error, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const words = document.createRange();
            words.selectNodeContents(walker.currentNode);
            for (const r of words.getClientRects()) {
                text.left = Math.min(text.left, r.left);
                text.right = Math.max(text.right, r.right);
                text.top = Math.min(text.top, r.top);
                text.bottom = Math.max(text.bottom, r.bottom);
            }
        }
        const controls = (el) => [...el.querySelectorAll(
            "input:not([type=hidden]), select, textarea")]
            .filter(c => c.getClientRects().length);
        let field = error.parentElement;
        while (field && !controls(field).length) field = field.parentElement;
        const edge = field.getBoundingClientRect().right;
        const nearest = controls(field).map(control => {
            const c = control.getBoundingClientRect();
            return {
                vertical: Math.max(0, c.top - text.bottom, text.top - c.bottom),
                fromRight: Math.min(Math.abs(c.right - text.right), Math.abs(edge - text.right)),
            };
        }).sort((a, b) => a.vertical - b.vertical)[0];
        return {text: error.textContent.trim().slice(0, 60), ...nearest};
    })
"""


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def photograph(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-ar-{width}.png"), full_page=True)


# What axe may find, element by element, and why it is left.
EXEMPT = {
    # Select2 (the admin's autocomplete, Django's own script) draws a box with a
    # read-only "textbox" inside, which it names only once something is chosen. The box
    # people reach with the keyboard is named (its placeholder, gmc/admin_labels.py);
    # the inner one is named by nothing a template or style sheet can reach. Here: the
    # empty row for one more speaker of a session.
    "aria-input-field-name": {"#select2-id_session_speakers-0-speaker-container"},
}


def check_here(page, name: str, width: int) -> list[str]:
    """The page as it is now: every axe violation, not right to left, a sideways scroll;
    then its photograph."""
    problems = violations_here(page, f"{name} ({page.url})", impacts=None, exempt=EXEMPT)
    if page.evaluate("document.documentElement.dir") != "rtl":
        problems.append(f"{name} [{width}]: not right to left")
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
        problems.append(f"{name} [{width}]: scrolls sideways")
    photograph(page, name, width)
    return problems


def check(page, name: str, path: str, width: int) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    return check_here(page, name, width)


def errors_beside_fields(page, name: str, selector: str) -> list[str]:
    """Each error of the form is shown with its field: at most a line above or below one
    of its controls, its words starting on the right, where its control or its field
    starts (a check box's error is indented like the box's label)."""
    errors = page.evaluate(ERRORS_AND_FIELDS, selector)
    if not errors:
        return [f"{name}: no error shown"]
    return [
        f"{name}: error {error['text']!r} is not beside its field ({error})"
        for error in errors
        if error.get("vertical", 999) > 48 or error.get("fromRight", 999) > 48
    ]


def first_column_on_the_right(page, name: str, table: str) -> list[str]:
    """The first column of ``table`` is its rightmost one."""
    lefts = page.evaluate(
        "(table) => [...document.querySelector(table).querySelectorAll('thead th')]"
        ".filter(th => th.getClientRects().length && th.textContent.trim())"
        ".map(th => th.getBoundingClientRect().left)",
        table,
    )
    if len(lefts) < 2 or lefts[0] != max(lefts):
        return [f"{name}: the first column of {table} is not on the right ({lefts})"]
    return []


def right_of(page, name: str, first: str, second: str) -> list[str]:
    """The first element matching ``first`` lies right of the first matching ``second``."""
    a = page.locator(first).first.bounding_box()
    b = page.locator(second).first.bounding_box()
    if a is None or b is None or a["x"] < b["x"] + b["width"] - 1:
        return [f"{name}: {first} is not right of {second} ({a}, {b})"]
    return []


def register_attendee(email: str) -> Registration:
    edition = Edition.objects.get(is_current=True)
    return registration_services.register_attendee(
        edition.pk,
        attendee=User.objects.get(email=email),
        attendance=Registration.Attendance.IN_PERSON,
        consent=True,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_arabic_attendee_pages_are_mirrored_accessible_and_photographed(
    browser, live_server, demo, width
):
    session = Session.objects.public().filter(edition__year=2025).order_by("starts_at").first()
    pages = {**PUBLIC, "session": f"/ar{session.get_absolute_url()}"}
    problems: list[str] = []
    context = browser.new_context(base_url=live_server.url, viewport=WIDTHS[width])
    page = context.new_page()
    for name, path in pages.items():
        problems += check(page, name, path, width)
    # The programme's grid: on a wide screen the times are a column on the right.
    if width == 1280:
        page.goto(pages["programme"])
        problems += right_of(
            page,
            "programme",
            ".programme > .session > .session-time",
            ".programme > .session > .session-title",
        )
    context.close()

    context = signed_in(browser, live_server, "attendee@gmc.localhost", viewport=WIDTHS[width])
    page = context.new_page()
    problems += check(page, "registration", "/ar/register/", width)
    # Sent empty, past the browser's own check of required fields (as an older browser
    # would send it): the server's errors, each beside its field.
    page.evaluate("document.querySelector('form.registration-form').noValidate = true")
    page.locator("form.registration-form [type=submit]").click()
    page.wait_for_load_state()
    problems += check_here(page, "registration-errors", width)
    problems += errors_beside_fields(page, "registration-errors", ".invalid-feedback")

    registration = register_attendee("attendee@gmc.localhost")
    problems += check(page, "my-registration", "/ar/register/me/", width)
    problems += check(page, "ticket", f"/ar/register/ticket/{registration.ticket_code}/", width)
    if width == 1280:
        problems += right_of(page, "ticket", ".ticket-code", ".ticket-facts")
    problems += check(page, "declaration", "/ar/declaration/", width)
    if page.locator("form.declaration-form").count() != 1:
        problems.append("declaration: no input form for a registered participant")
    context.close()

    assert problems == [], "\n".join(problems)
    names = [*pages, "registration", "registration-errors", "my-registration", "ticket"]
    for name in [*names, "declaration"]:
        assert (SHOTS / f"{name}-ar-{width}.png").is_file(), name


# The check of a chart drawn right to left: every word of it within it; bars grow
# leftwards from their labels on the right; in the line chart time runs leftwards (the
# first day right of the last) from the axis of totals on the right.
CHART_DIRECTION = """
() => {
    const box = (el) => el.getBoundingClientRect();
    const chart = document.getElementById("by-status-title").closest("svg");
    const bar = chart.querySelector(".chart-drawing > g");
    const label = box(bar.querySelector("text")), rect = box(bar.querySelector("rect"));
    const days = [...document.querySelectorAll(".axis-x text:not(.axis-title)")].map(box);
    const totals = [...document.querySelectorAll(".axis-y text:not(.axis-title)")].map(box);
    const plot = box(document.querySelector(".stats-chart polyline"));
    const inside = (text) => {
        const chart = box(text.closest("svg")), words = box(text);
        // A few pixels' leeway: a glyph may overhang its box ("J").
        return words.left >= chart.left - 4 && words.right <= chart.right + 4;
    };
    return {
        everyTextInsideItsChart: [...document.querySelectorAll(".stats-chart text")]
            .every(inside),
        barLabelRightOfBar: label.left >= rect.right - 1,
        firstDayRightOfLast: days[0].left > days[days.length - 1].right,
        totalsRightOfPlot: totals.every(t => t.left >= plot.right - 1),
    };
}
"""


def organiser_screens() -> dict[str, str]:
    """The organiser's screens, each with an address (the admin answers in the
    organiser's language; the pages outside it redirect to their Arabic address)."""
    edition = Edition.objects.get(is_current=True)
    block = Session.objects.filter(children__isnull=False).order_by("starts_at").first()
    rule = edition.reminder_rules.order_by("pk").first()
    organiser = User.objects.get(email="organiser@gmc.localhost")
    draft = Broadcast.objects.create(
        edition=edition,
        subject="برنامج المؤتمر منشور",
        body="يسرّنا أن نعلمكم بأن برنامج المؤتمر أصبح متاحًا على البوابة.",
        created_by=organiser,
    )
    sent = Broadcast.objects.create(
        edition=edition,
        subject="شكرًا لتسجيلكم",
        body="نتطلع إلى لقائكم في المؤتمر.",
        created_by=organiser,
        status=Broadcast.Status.QUEUED,
    )
    return {
        "admin-index": "/admin/",
        "admin-registrations": "/admin/registration/registration/",
        "admin-sessions": "/admin/agenda/session/",
        "admin-session": f"/admin/agenda/session/{block.pk}/change/",
        "admin-email-templates": "/admin/mailings/emailtemplate/",
        "admin-reminder-rule": f"/admin/mailings/reminderrule/{rule.pk}/change/",
        "admin-declaration-inputs": "/admin/declarations/submission/",
        "checkin": f"/checkin/?year={edition.year}",
        "statistics": f"/organisers/stats/?year={edition.year}",
        "messages": "/organisers/messages/",
        "message-new": "/organisers/messages/new/",
        "message-draft": f"/organisers/messages/{draft.pk}/",
        "message-progress": f"/organisers/messages/{sent.pk}/progress/",
        "declaration-review": f"/organisers/declaration/{edition.year}/",
        "declaration-compilation": f"/organisers/declaration/{edition.year}/compilation/",
        "declaration-publish": f"/organisers/declaration/{edition.year}/publish/",
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_arabic_organiser_screens_are_mirrored_accessible_and_photographed(
    browser, live_server, demo, width
):
    organiser = User.objects.get(email="organiser@gmc.localhost")
    organiser.language = "ar"
    organiser.save(update_fields=["language"])
    screens = organiser_screens()
    problems: list[str] = []
    context = signed_in(browser, live_server, organiser.email, viewport=WIDTHS[width])
    page = context.new_page()
    for name, path in screens.items():
        problems += check(page, name, path, width)

    # The registrations: the list (its first column on the right), an action on the
    # people waiting (its confirmation page), a change refused with the reason beside
    # its field.
    page.goto("/admin/registration/registration/?status__exact=waiting")
    problems += first_column_on_the_right(page, "admin-registrations", "#result_list")
    page.locator("#result_list input.action-select").first.check()
    page.locator("select[name=action]").select_option("confirm_selected")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    problems += check_here(page, "admin-registrations-confirm", width)

    confirmed = Registration.objects.filter(
        edition__is_current=True, status=Registration.Status.CONFIRMED
    ).first()
    page.goto(f"/admin/registration/registration/{confirmed.pk}/change/")
    page.locator("#id_interpretation_language").fill("xx")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()
    problems += check_here(page, "admin-registration-error", width)
    problems += errors_beside_fields(page, "admin-registration-error", ".errorlist")

    # "View on site" points forward: to the left, at the end of its button.
    tool = page.locator(".object-tools a.viewsitelink")
    arrow = tool.evaluate("(a) => getComputedStyle(a).backgroundImage")
    if "arrowleft" not in arrow:
        problems.append(f"admin: 'View on site' does not point left ({arrow})")

    # Check-in: people found, the table's first column (the name) on the right.
    page.goto(f"/checkin/?q={confirmed.attendee.family_name}")
    problems += check_here(page, "checkin-results", width)
    problems += first_column_on_the_right(page, "checkin-results", "main table")

    # The statistics' charts read from the right.
    page.goto("/organisers/stats/")
    direction = page.evaluate(CHART_DIRECTION)
    problems += [f"statistics: not {what}" for what, held in direction.items() if not held]
    context.close()

    assert problems == [], "\n".join(problems)
    for name in [*screens, "admin-registrations-confirm", "admin-registration-error"]:
        assert (SHOTS / f"{name}-ar-{width}.png").is_file(), name
