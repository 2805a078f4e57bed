"""The key pages of the portal in English, at phone (390 px) and desktop (1280 px) width,
over the demo data: each checked by axe-core (no violation of any impact) and not to
scroll sideways, then photographed into build/screenshots/<page>-en-<width>.png so that a
reader of the README sees the portal before running it.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from agenda.models import Recording, Session
from gmc.models import Edition, User
from registration import services as registration_services
from registration.models import Registration
from tests.browser.test_accessibility import signed_in, violations_here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "build" / "screenshots"
WIDTHS = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 900}}


def photograph(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-en-{width}.png"), full_page=True)


def check(page, name: str, path: str, width: int) -> list[str]:
    """Open ``path``: every axe violation, a sideways scroll; then its photograph."""
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    problems = violations_here(page, f"{name} ({path})", impacts=None)
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
        problems.append(f"{name} [{width}]: scrolls sideways")
    photograph(page, name, width)
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_key_pages_are_accessible_and_photographed(browser, live_server, width):
    call_command("load_demo", stdout=StringIO())
    session = Session.objects.public().filter(edition__year=2025).order_by("starts_at").first()
    recorded = Recording.objects.filter(session__edition__year=2025).first().session
    public = {
        "home": "/",
        "programme": "/agenda/2025/",
        "programme-plenaries": "/agenda/2025/?kind=plenary",
        "session": session.get_absolute_url(),
        "sign-in": "/accounts/login/",
    }
    problems: list[str] = []
    context = browser.new_context(base_url=live_server.url, viewport=WIDTHS[width])
    page = context.new_page()
    for name, path in public.items():
        problems += check(page, name, path, width)
    if width == 390:
        # The phone's menu, opened.
        page.goto("/")
        page.locator("details.site-menu > summary").click()
        problems += violations_here(page, "menu", impacts=None)
        page.screenshot(path=str(SHOTS / "menu-en-390.png"))
    context.close()

    context = signed_in(browser, live_server, "attendee@gmc.localhost", viewport=WIDTHS[width])
    page = context.new_page()
    # The demo attendee came to 2025: a session that has ended asks for their rating.
    problems += check(page, "session-feedback", recorded.get_absolute_url(), width)
    problems += check(page, "registration", "/register/", width)
    registration = registration_services.register_attendee(
        Edition.objects.get(is_current=True).pk,
        attendee=User.objects.get(email="attendee@gmc.localhost"),
        attendance=Registration.Attendance.IN_PERSON,
        consent=True,
    )
    problems += check(page, "my-registration", "/register/me/", width)
    problems += check(page, "ticket", f"/register/ticket/{registration.ticket_code}/", width)
    problems += check(page, "declaration", "/declaration/", width)
    context.close()

    assert problems == [], "\n".join(problems)
    signed = ["session-feedback", "registration", "my-registration", "ticket", "declaration"]
    for name in [*public, *signed]:
        assert (SHOTS / f"{name}-en-{width}.png").is_file(), name
