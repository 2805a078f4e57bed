"""The key pages in Arabic, right to left, at phone and desktop width: mirrored, without
a serious accessibility violation, without a sideways scroll, and photographed
(build/screenshots/ar-*.png) so a reader sees them without running the portal."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from agenda.models import Session
from tests.browser.test_accessibility import signed_in, violations_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "build" / "screenshots"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PUBLIC = {
    "home": "/ar/",
    "about": "/ar/about/",
    "programme": "/ar/agenda/2025/",
    "signup": "/ar/accounts/signup/",
}


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def check(page, name: str, path: str, width: str) -> list[str]:
    problems = violations_on(page, path)
    if page.evaluate("document.documentElement.dir") != "rtl":
        problems.append(f"{path} [{width}]: not right to left")
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
        problems.append(f"{path} [{width}]: scrolls sideways")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"ar-{name}-{width}.png"), full_page=True)
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_arabic_key_pages_are_mirrored_accessible_and_photographed(
    browser,
    live_server,
    demo,
    width,
):
    session = Session.objects.public().filter(edition__year=2025).order_by("starts_at").first()
    pages = {**PUBLIC, "session": f"/ar{session.get_absolute_url()}"}
    problems: list[str] = []
    context = browser.new_context(base_url=live_server.url, viewport=WIDTHS[width])
    page = context.new_page()
    for name, path in pages.items():
        problems += check(page, name, path, width)
    context.close()
    context = signed_in(browser, live_server, "attendee@gmc.localhost", viewport=WIDTHS[width])
    page = context.new_page()
    for name, path in {"registration": "/ar/register/", "declaration": "/ar/declaration/"}.items():
        problems += check(page, name, path, width)
    context.close()
    assert problems == [], "\n".join(problems)
    assert len(list(SHOTS.glob(f"ar-*-{width}.png"))) == len(pages) + 2
