"""The site's icons exist where browsers look for them: /favicon.ico and
/apple-touch-icon.png at the root (asked for whatever a page links to), the web manifest
and its icons, and the SVG mark as a hashed static file; under production settings
(WhiteNoise serving STATIC_ROOT and the root files, no development finders)."""

import base64
import io
import json
import re

from django.contrib.staticfiles import finders
from PIL import Image

from tests.gmc.test_settings import PRODUCTION_ENV, manage

# Run under production settings: each address through the whole middleware stack, as
# the site's host over HTTPS; the answer's status, type, caching and body.
FETCH = """
import base64, json
from django.templatetags.static import static
from django.test import Client
client = Client(HTTP_HOST="gmc.example.org")
answers = {}
for path in ["/favicon.ico", "/apple-touch-icon.png", "/site.webmanifest", "/icon-192.png",
             "/icon-512.png", static("brand/gmc-mark.svg"), static("brand/gmc-logo.svg")]:
    response = client.get(path, secure=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    answers[path] = {
        "status": response.status_code,
        "type": response.headers.get("Content-Type", ""),
        "cache": response.headers.get("Cache-Control", ""),
        "body": base64.b64encode(body).decode(),
    }
print("ANSWERS " + json.dumps(answers))
"""


def production_answers(tmp_path) -> dict[str, dict]:
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path / "static")}
    collected = manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    assert collected.returncode == 0, collected.stderr
    result = manage("shell", "-c", FETCH, env=env)
    assert result.returncode == 0, result.stderr
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("ANSWERS "))
    return json.loads(line.removeprefix("ANSWERS "))


def image(answer: dict) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(answer["body"])))


def test_icons_answer_at_the_root_and_under_static_in_production(tmp_path):
    answers = production_answers(tmp_path)
    favicon, touch = answers["/favicon.ico"], answers["/apple-touch-icon.png"]
    assert favicon["status"] == 200 and favicon["type"] == "image/x-icon"
    ico = image(favicon)
    assert ico.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= ico.info["sizes"]
    assert touch["status"] == 200 and touch["type"] == "image/png"
    assert image(touch).format == "PNG" and image(touch).size == (180, 180)
    # The root files keep their names when the mark changes: kept a day, not a year.
    assert favicon["cache"] == touch["cache"] == "max-age=86400, public"

    manifest = answers["/site.webmanifest"]
    assert manifest["status"] == 200 and manifest["type"] == "application/manifest+json"
    icons = json.loads(base64.b64decode(manifest["body"]))["icons"]
    for icon in icons:
        answer = answers[icon["src"]]
        assert answer["status"] == 200 and answer["type"] == icon["type"]
        width, height = image(answer).size
        assert f"{width}x{height}" == icon["sizes"]

    for name in ("gmc-mark", "gmc-logo"):
        path = next(p for p in answers if re.fullmatch(rf"/static/brand/{name}\.\w+\.svg", p))
        svg = answers[path]
        assert svg["status"] == 200 and svg["type"].startswith("image/svg+xml")
        assert "immutable" in svg["cache"]  # hashed: kept for good
        assert b"<title" in base64.b64decode(svg["body"])  # its text alternative


def test_pages_link_the_icons_and_each_link_answers(client, db):
    html = client.get("/").content.decode()
    links = dict(re.findall(r'<link rel="(apple-touch-icon|manifest)" href="([^"]+)"', html))
    assert links["apple-touch-icon"] == "/apple-touch-icon.png"
    assert links["manifest"] == "/site.webmanifest"
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert icons == ["/favicon.ico", "/static/brand/gmc-mark.svg"]
    assert '<link rel="icon" href="/static/brand/gmc-mark.svg" type="image/svg+xml">' in html
    # The root files answer here as in production (the static ones: the test above).
    for address in ["/favicon.ico", *links.values()]:
        assert client.get(address).status_code == 200, address
    assert finders.find("brand/gmc-mark.svg") and finders.find("brand/gmc-logo.svg")
