"""Copy the English screenshots that tests/browser/test_screenshots.py took
(build/screenshots/*-en-*.png) into docs/screenshots/, which the README shows and which
is committed: a reader sees the portal before running it. Each is stored with a palette
of 256 colours, a third of the size, text still sharp. `make screenshots` runs the test,
then this (`python -m tests.browser.publish_screenshots`).
"""

from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
TAKEN = ROOT / "build" / "screenshots"
PUBLISHED = ROOT / "docs" / "screenshots"


def publish() -> list[Path]:
    PUBLISHED.mkdir(parents=True, exist_ok=True)
    written = []
    for shot in sorted(TAKEN.glob("*-en-*.png")):
        target = PUBLISHED / shot.name
        image = Image.open(shot).convert("RGB")
        image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            target, "PNG", optimize=True
        )
        written.append(target)
    return written


if __name__ == "__main__":
    for path in publish():
        print(path.relative_to(ROOT))
