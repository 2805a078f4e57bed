"""The page-weight budget: what a first visit (a cold cache) to each public page costs,
in bytes the browser receives for the page and every resource it loads (headers and
bodies, compressed as served), in English and in Arabic (the right-to-left Bootstrap
build). The home page and the programme transfer at most 120 KB, any other public page
at most 200 KB.

The static files are served as in production: collected by the production storage
(hashed names, gzip and Brotli copies) and served by WhiteNoise from STATIC_ROOT, on a
server of this test's own; the test server of the other browser tests serves them
uncompressed, from the apps' folders.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.test.testcases import LiveServerThread

from agenda.models import Session, Speaker
from gmc.models import NewsArticle
from tests.browser.test_accessibility import PUBLIC_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KB = 1024
REPORTS = Path(settings.BASE_DIR) / "build"
LIGHT_PAGES = {"/", "/agenda/", "/agenda/2025/"}  # the home page and the programme
BUDGET = {"light": 120 * KB, "other": 200 * KB}
PRODUCTION_STATIC = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """The static files as `collectstatic` leaves them for production."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=production_storages()):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def production_storages() -> dict:
    return {**settings.STORAGES, "staticfiles": PRODUCTION_STATIC}


@pytest.fixture
def production_server(collected_static, settings, fresh_cache):
    """A server of the portal whose static files WhiteNoise serves from STATIC_ROOT."""
    storages = production_storages()
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = storages
    # No static-file handler in front: the portal's own middleware answers.
    thread = LiveServerThread("localhost", static_handler=lambda application: application)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://localhost:{thread.port}"
    thread.terminate()


def transferred(browser, base_url: str, path: str) -> tuple[int, list[str]]:
    """Bytes received for ``path`` and everything it loads, in a fresh browser (nothing
    cached), and a line per request."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    response = page.goto(path, wait_until="networkidle")
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    lines, total = [], 0
    for request in finished:
        sizes = request.sizes()
        received = sizes["responseHeadersSize"] + sizes["responseBodySize"]
        total += received
        lines.append(f"  {received / KB:6.1f} KB {request.url.removeprefix(base_url)}")
    context.close()
    return total, lines


@pytest.mark.parametrize("prefix", ["", "/ar"], ids=["en", "ar"])
def test_public_pages_stay_within_the_page_weight_budget(browser, production_server, prefix):
    call_command("load_demo", stdout=StringIO())
    article = NewsArticle.objects.public().order_by("-published_at").first()
    session = Session.objects.public().filter(edition__year=2025).order_by("starts_at").first()
    speaker = Speaker.objects.order_by("slug").first()
    pages = [
        *PUBLIC_PAGES,
        article.get_absolute_url(),
        session.get_absolute_url(),
        speaker.get_absolute_url(),
    ]
    stylesheet = "bootstrap.rtl.min." if prefix == "/ar" else "bootstrap.min."
    report: list[str] = []
    over: list[str] = []
    for path in pages:
        budget = BUDGET["light" if path in LIGHT_PAGES else "other"]
        total, lines = transferred(browser, production_server, f"{prefix}{path}")
        assert any(stylesheet in line for line in lines), f"{prefix}{path}: {lines}"
        summary = f"{prefix}{path}: {total / KB:.1f} KB of {budget / KB:.0f} KB"
        report += [summary, *lines]
        if total > budget:
            over += [summary, *lines]
    # What was measured, for whoever reads build/ (the screenshots' folder) next.
    REPORTS.mkdir(parents=True, exist_ok=True)
    language = prefix.strip("/") or "en"
    (REPORTS / f"page-weight-{language}.txt").write_text("\n".join(report) + "\n")
    assert not over, "\n".join(["Over the page-weight budget:", *over])
