"""Draw the site's icons (favicon.ico, the touch icon, the web manifest's icons) from the
mark, static/brand/gmc-mark.svg, into public/ (served at the site's root by WhiteNoise).

The PNG and ICO files are committed: they change only when the mark does, and the release
step then needs no browser. Run this after changing the mark (`make icons`);
tests/browser/test_icons.py fails while the committed files differ from what it draws.
It renders with Debian's chromium through Playwright (the browser tests' tools, installed
with the development packages), so the icons are the browser's own drawing of the SVG.
"""

import base64
import io
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

MARK = Path(settings.BASE_DIR) / "static" / "brand" / "gmc-mark.svg"
# name: (size in pixels, whether the tile is square: Apple's and Android's launchers cut
# their own corners, so their icons fill the square; a browser tab shows the mark as it is).
PNGS = {
    "apple-touch-icon.png": (180, True),
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
}
ICO_SIZES = (16, 32, 48)


def drawings(svg: str, chromium: str) -> dict[tuple[int, bool], bytes]:
    """The mark drawn by the browser at each size the icons need, as PNGs with
    transparency, keyed by (size, square)."""
    from playwright.sync_api import sync_playwright

    wanted = {*PNGS.values(), *((size, False) for size in ICO_SIZES)}
    drawn = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for size, square in sorted(wanted):
            source = svg
            if square:
                source = svg.replace('rx="14"', 'rx="0"', 1)
            data = "data:image/svg+xml;base64," + base64.b64encode(source.encode()).decode()
            page = browser.new_page(
                viewport={"width": size, "height": size}, device_scale_factor=1
            )
            page.set_content(
                f'<img src="{data}" width="{size}" height="{size}" alt="">', wait_until="load"
            )
            page.add_style_tag(content="html, body { margin: 0; background: transparent; }")
            drawn[size, square] = page.locator("img").screenshot(omit_background=True)
            page.close()
        browser.close()
    return drawn


class Command(BaseCommand):
    help = "Draw favicon.ico and the touch and manifest icons from static/brand/gmc-mark.svg."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "public"))
        parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))

    def handle(self, *args, output: str, chromium: str, **options):
        try:
            from PIL import Image
        except ImportError as error:  # pragma: no cover - Pillow is a dependency
            raise CommandError("Pillow is needed to write favicon.ico") from error
        if not Path(chromium).exists():
            raise CommandError(f"{chromium} is not installed (Debian package chromium)")
        svg = MARK.read_text()
        target = Path(output)
        target.mkdir(parents=True, exist_ok=True)
        drawn = drawings(svg, chromium)
        for name, key in PNGS.items():
            # A flat drawing needs few colours: a palette of 64 makes each file a few KB.
            image = Image.open(io.BytesIO(drawn[key])).convert("RGBA")
            palette = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE)
            palette.save(target / name, "PNG", optimize=True)
        frames = [Image.open(io.BytesIO(drawn[size, False])) for size in ICO_SIZES]
        largest, *smaller = sorted(frames, key=lambda frame: -frame.width)
        largest.save(
            target / "favicon.ico",
            sizes=[(size, size) for size in ICO_SIZES],
            append_images=smaller,
        )
        self.stdout.write(f"Icons drawn into {target}")
