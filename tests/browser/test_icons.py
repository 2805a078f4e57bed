"""The committed icons (public/) are the browser's drawing of the mark
(static/brand/gmc-mark.svg) as `manage.py draw_icons` makes it: a changed mark whose
icons were not drawn again fails here. A few levels of difference per pixel are allowed
(anti-aliasing from one chromium release to the next), not a different drawing."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image, ImageChops, ImageStat

from gmc.management.commands.draw_icons import ICO_SIZES, PNGS
from tests.browser.conftest import CHROMIUM
from tests.services import in_ci

pytestmark = pytest.mark.browser

PUBLIC = Path(settings.BASE_DIR) / "public"


def difference(a: Image.Image, b: Image.Image) -> float:
    """The mean difference of two images' channels, 0 to 255."""
    a, b = a.convert("RGBA"), b.convert("RGBA")
    assert a.size == b.size
    return max(ImageStat.Stat(ImageChops.difference(a, b)).mean)


def ico_frame(path: Path, size: int) -> Image.Image:
    ico = Image.open(path)
    ico.size = (size, size)
    ico.load()
    return ico


def test_committed_icons_are_the_drawing_of_the_mark(tmp_path):
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} is not installed (Debian package chromium)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    # A process of its own: Playwright's synchronous API runs one browser session per
    # thread, and the other browser tests' session may be open in this one.
    drawn = subprocess.run(
        [sys.executable, "manage.py", "draw_icons", "--output", str(tmp_path)],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "gmc.settings",
            "DEBUG": "1",
            "CHROMIUM": CHROMIUM,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert drawn.returncode == 0, drawn.stderr
    differences = {
        name: difference(Image.open(PUBLIC / name), Image.open(tmp_path / name)) for name in PNGS
    }
    differences |= {
        f"favicon.ico {size}": difference(
            ico_frame(PUBLIC / "favicon.ico", size), ico_frame(tmp_path / "favicon.ico", size)
        )
        for size in ICO_SIZES
    }
    assert all(value <= 2 for value in differences.values()), differences
    assert Image.open(PUBLIC / "apple-touch-icon.png").size == (180, 180)


def test_a_different_mark_would_be_seen(tmp_path):
    """The measure above tells a drawing from another: the touch icon against the
    512-pixel one scaled down (rounded corners against square ones) differs well over 2."""
    touch = Image.open(PUBLIC / "apple-touch-icon.png")
    rounded = Image.open(PUBLIC / "icon-512.png").convert("RGBA").resize(touch.size)
    assert difference(touch, rounded) > 2
