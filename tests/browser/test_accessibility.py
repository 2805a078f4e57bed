"""An automated accessibility check of the key pages in a real browser.

axe-core (served from node_modules, like Bootstrap) runs the WCAG 2.0/2.1 A and AA rules
on each page over the demo data, for a visitor, the demo attendee and the demo
organiser; any violation of impact "serious" or "critical" fails the test, with one
readable list of every page's violations (tests/browser/test_arabic.py holds the Arabic
pages to every violation, whatever its impact).
"""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from agenda.models import Session, Speaker
from gmc.models import NewsArticle, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "/__axe-core.js"
AXE_RUN = """
(impacts) => axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    .then(results => results.violations
        .filter(v => impacts === null || impacts.includes(v.impact))
        .map(v => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            targets: v.nodes.map(n => n.target.join(" ")),
        })))
"""

PUBLIC_PAGES = [
    "/",
    "/about/",
    "/alliance/",
    "/editions/",
    "/editions/2025/",
    "/publications/",
    "/news/",
    "/contact/",
    "/privacy/",
    "/agenda/",
    "/agenda/2025/",
    "/speakers/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
ATTENDEE_PAGES = [
    "/accounts/profile/",
    "/accounts/data/",
    "/email/preferences/",
    "/declaration/",
    "/agenda/mine/",
]
ORGANISER_PAGES = [
    "/checkin/",
    "/organisers/stats/",
    "/organisers/declaration/2026/",
    "/organisers/messages/",
    "/organisers/messages/new/",
]


SERIOUS = ("serious", "critical")


def violations_on(page, path: str, impacts: tuple[str, ...] | None = SERIOUS) -> list[str]:
    """Load ``path``, run axe on it, and describe each violation of one of ``impacts``
    (serious or critical unless told; None: every violation)."""
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    return violations_here(page, path, impacts)


def violations_here(
    page,
    name: str,
    impacts: tuple[str, ...] | None = SERIOUS,
    exempt: dict[str, set[str]] | None = None,
) -> list[str]:
    """Run axe on the page as it is now (e.g. a form sent back with its errors).
    ``exempt`` maps a rule to the elements (axe's selectors) it does not count for."""
    # Under the site's Content-Security-Policy an inline script would not run: the browser
    # serves axe to the page itself, from the page's own origin.
    page.route(f"**{AXE_URL}", lambda route: route.fulfill(path=AXE), times=1)
    page.add_script_tag(url=AXE_URL)
    found = page.evaluate(AXE_RUN, None if impacts is None else list(impacts))
    described = []
    for v in found:
        targets = [t for t in v["targets"] if t not in (exempt or {}).get(v["id"], set())]
        if targets:
            described.append(
                f"{name} [{page.viewport_size['width']}px]: {v['id']} ({v['impact']})"
                f" {v['help']} -> {', '.join(targets[:5])}"
            )
    return described


def signed_in(browser, live_server, email: str, **options):
    """A browser context carrying the session of the user with ``email``."""
    client = Client()
    client.force_login(User.objects.get(email=email))
    context = browser.new_context(base_url=live_server.url, **options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def register_in(page) -> None:
    """Register for the current edition through the form, as a person would."""
    page.get_by_label("In person").check()
    page.get_by_role("group", name="Which theme interests you most?").get_by_role(
        "radio"
    ).first.check()
    page.get_by_role(
        "group", name="May we list your name and organisation among the participants?"
    ).get_by_label("Yes").check()
    page.get_by_label("I agree to the privacy notice").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/register/me/**")


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def test_key_pages_have_no_serious_accessibility_violations(browser, live_server, demo):
    article = NewsArticle.objects.public().order_by("-published_at").first()
    session = Session.objects.public().filter(edition__year=2025).order_by("starts_at").first()
    speaker = Speaker.objects.order_by("slug").first()
    public = [
        *PUBLIC_PAGES,
        article.get_absolute_url(),
        session.get_absolute_url(),
        speaker.get_absolute_url(),
    ]
    violations: list[str] = []

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    for path in public:
        violations += violations_on(page, path)
    context.close()

    context = signed_in(browser, live_server, "attendee@gmc.localhost")
    page = context.new_page()
    violations += violations_on(page, "/register/")
    register_in(page)
    violations += violations_on(page, "/register/me/")
    for path in ATTENDEE_PAGES:
        violations += violations_on(page, path)
    context.close()

    context = signed_in(browser, live_server, "organiser@gmc.localhost")
    page = context.new_page()
    for path in ORGANISER_PAGES:
        violations += violations_on(page, path)
    context.close()

    assert not violations, "\n".join(["Accessibility violations:", *violations])


def test_phone_width_pages_have_no_serious_accessibility_violations(browser, live_server, demo):
    phone = {"viewport": {"width": 360, "height": 640}, "is_mobile": True}
    violations: list[str] = []

    context = browser.new_context(base_url=live_server.url, **phone)
    violations += violations_on(context.new_page(), "/")
    context.close()

    context = signed_in(browser, live_server, "attendee@gmc.localhost", **phone)
    violations += violations_on(context.new_page(), "/register/")
    context.close()

    assert not violations, "\n".join(["Accessibility violations:", *violations])


# What names a form control: a radio group counts once (Tab stops on one radio of it).
KEY = """
(el) => el.type === "radio" ? "radio:" + el.name : (el.id || el.name || el.textContent.trim())
"""

# Where the focused element's ring comes from (its outline, or a box-shadow Bootstrap puts
# in its place) and the best contrast of any of its colours against the white page:
# WCAG 1.4.11 asks 3:1 of a focus indicator.
FOCUS = """
() => {
    const KEY = __KEY__;
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const luminance = ([r, g, b]) => {
        const c = [r, g, b].map(v => v / 255)
            .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const onWhite = (colour) => {
        const [r, g, b, a = 1] = colour.match(/[\\d.]+/g).map(Number);
        return [r, g, b].map(v => v * a + 255 * (1 - a));
    };
    const contrast = (colour) => 1.05 / (luminance(onWhite(colour)) + 0.05);
    const colours = [];
    if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) {
        colours.push(style.outlineColor);
    }
    for (const shadow of style.boxShadow.split(/,(?![^(]*\\))/)) {
        const colour = shadow.match(/rgba?\\([^)]*\\)/);
        const lengths = shadow.replace(/rgba?\\([^)]*\\)/, "").match(/-?[\\d.]+px/g) || [];
        if (colour && lengths.length >= 4 && parseFloat(lengths[3]) >= 2) {
            colours.push(colour[0]);
        }
    }
    const form = el.closest("main form");
    return {
        key: KEY(el),
        inForm: form !== null && form.classList.contains("registration-form"),
        tag: el.tagName.toLowerCase(),
        type: el.type || "",
        isSubmit: el.type === "submit",
        ring: Math.max(0, ...colours.map(contrast)),
    };
}
""".replace("__KEY__", KEY)
CONTROLS = """
() => [...document.querySelectorAll(
    "form.registration-form :is(input, select, textarea, button):not([type=hidden])"
)].map(__KEY__)
""".replace("__KEY__", KEY)


def test_register_form_works_from_the_keyboard_with_a_visible_focus_ring(
    browser, live_server, demo
):
    # Bootstrap's focus rings fade in; without motion they are there at once to measure.
    context = signed_in(browser, live_server, "attendee@gmc.localhost", reduced_motion="reduce")
    page = context.new_page()
    page.goto("/register/")
    controls = set(page.evaluate(CONTROLS))
    reached: set[str] = set()
    faint: list[str] = []
    for _press in range(100):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused["ring"] < 3:
            faint.append(f"{focused['tag']} {focused['key']!r}: {focused['ring']:.2f}:1")
        if not focused["inForm"]:
            continue
        reached.add(focused["key"])
        # The first choice of each group, and consent; not the visa letter's box, whose
        # next step has a browser test of its own (tests/browser/test_visa_letter.py).
        if focused["type"] in ("radio", "checkbox") and focused["key"] != "id_visa_letter":
            page.keyboard.press("Space")
        if focused["isSubmit"]:
            break
    assert controls <= reached, f"not reachable with Tab: {sorted(controls - reached)}"
    assert not faint, "focus ring under 3:1 on white:\n" + "\n".join(faint)

    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/register/me/")
    assert page.get_by_role("heading", name="My registration").is_visible()
    context.close()
