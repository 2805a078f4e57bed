"""Certificates in a real browser, with JavaScript on and off: the attendee finds and
downloads theirs from their registration page, and anyone opens its verification page,
in English and in Arabic. axe-core (a script itself) runs where JavaScript is on; the
pages are rendered on the server, the same with it off."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents import services
from documents.models import CODE_LENGTH
from tests.browser.test_accessibility import SERIOUS, signed_in, violations_here
from tests.documents.helpers import attended, issued_and_made, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_storage(private_storage):
    """Each test's PDFs in a folder of its own."""
    return private_storage


@pytest.fixture
def certificate():
    registration = attended(full_name="Nguyễn Thị Lan", email="lan@example.org")
    return issued_and_made(registration)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_attendee_downloads_their_certificate(browser, live_server, certificate, javascript):
    def axe(name: str, impacts) -> list[str]:
        return violations_here(page, name, impacts) if javascript else []

    context = signed_in(browser, live_server, "lan@example.org", java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto("/register/me/")
        section = page.get_by_role("region", name="Documents")
        link = section.get_by_role("link", name="Certificate of attendance (PDF)")
        assert certificate.number in section.inner_text()
        assert axe("my registration", SERIOUS) == []
        with page.expect_download() as download:
            link.click()
        path = download.value.path()
        data = Path(path).read_bytes()
        assert "Nguyễn Thị Lan" in pdf_text(data)
        assert download.value.suggested_filename.endswith(".pdf")
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_anyone_checks_a_certificate_on_its_verification_page(
    browser, live_server, certificate, javascript
):
    def axe(name: str, impacts) -> list[str]:
        return violations_here(page, name, impacts) if javascript else []

    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        response = page.goto(f"/verify/{certificate.code}/")
        assert response.status == 200
        assert page.get_by_role("heading", level=1).inner_text() == "Document verification"
        assert "is genuine" in page.get_by_role("status").inner_text()
        assert "Nguyễn Thị Lan" in page.inner_text("main")
        assert axe("verification", None) == []

        response = page.goto("/verify/" + "0" * CODE_LENGTH + "/")
        assert response.status == 404
        assert page.get_by_role("heading", level=1).inner_text() == "Document not found"
        assert axe("unknown document", None) == []
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_verification_page_in_arabic_says_revoked_right_to_left(
    browser, live_server, certificate, staff_organiser, javascript
):
    def axe(name: str, impacts) -> list[str]:
        return violations_here(page, name, impacts) if javascript else []

    services.revoke_document(certificate.pk, by=staff_organiser)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=javascript, locale="ar"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        response = page.goto(f"/ar/verify/{certificate.code}/")
        assert response.status == 200
        assert page.get_attribute("html", "dir") == "rtl"
        assert page.get_attribute("html", "lang") == "ar"
        status = page.get_by_role("status").inner_text()
        assert certificate.number in status and "أُلغيت" in status
        assert axe("verification (ar)", None) == []
    finally:
        context.close()
