"""Arabic pages are right to left, with Bootstrap's mirrored build; other languages
are left to right with the usual one."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

RTL_CSS = "/static/vendor/bootstrap/css/bootstrap.rtl.min.css"
LTR_CSS = "/static/vendor/bootstrap/css/bootstrap.min.css"


def test_arabic_page_is_right_to_left_with_the_mirrored_bootstrap(client, db):
    html = client.get("/ar/about/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert f'href="{RTL_CSS}"' in html
    assert f'href="{LTR_CSS}"' not in html


@pytest.mark.parametrize("path", ["/about/", "/es/about/", "/zh-hans/about/", "/vi/about/"])
def test_other_languages_are_left_to_right(client, db, path):
    html = client.get(path).content.decode()
    assert 'dir="ltr"' in html and 'dir="rtl"' not in html
    assert f'href="{LTR_CSS}"' in html
    assert "rtl.min.css" not in html


def test_admin_in_arabic_is_right_to_left(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True, language="ar"))
    html = client.get("/admin/").content.decode()
    assert 'dir="rtl"' in html


def test_the_mirrored_bootstrap_is_served_from_the_static_pipeline():
    # node_modules/bootstrap/dist is a static source (STATICFILES_DIRS), like the LTR build.
    assert finders.find("vendor/bootstrap/css/bootstrap.rtl.min.css")
    assert finders.find("vendor/bootstrap/css/bootstrap.min.css")


def test_our_stylesheets_use_logical_sides():
    """margin-inline-start rather than margin-left: the same rule then mirrors itself."""
    physical = re.compile(
        r"(?:margin|padding|border)-(?:left|right)\b|(?<![\w-])(?:left|right)\s*:"
        r"|text-align\s*:\s*(?:left|right)|float\s*:\s*(?:left|right)"
    )
    found = [
        f"{path}: {line.strip()}"
        for path in sorted(Path(settings.BASE_DIR, "static").rglob("*.css"))
        for line in path.read_text().splitlines()
        if physical.search(line)
    ]
    assert not found, found


def _receipt(language: str):
    from django.core import mail

    from declarations import services
    from tests.declarations.factories import call_with_topics
    from tests.factories import EditionFactory, UserFactory
    from tests.registration.factories import RegistrationFactory
    from tests.registration.helpers import deliver_pending

    call = call_with_topics(edition=EditionFactory(is_current=True))
    person = UserFactory(language=language)
    RegistrationFactory(edition=call.edition, attendee=person)
    services.save_input(
        call.pk, contributor=person, answers={call.topics.first().pk: "My input"}, send=True
    )
    deliver_pending()
    [email] = mail.outbox
    return email.alternatives[0][0]


QUOTE = re.compile(r'<div class="quote" style="([^"]*)"')


def test_an_arabic_emails_html_is_right_to_left_with_the_quote_border_on_the_right(db):
    html = _receipt("ar")
    assert '<html lang="ar" dir="rtl">' in html
    assert re.search(r'<body dir="rtl"', html)
    [style] = QUOTE.findall(html)
    assert "border-right:3px solid" in style and "padding-right:" in style
    assert "left" not in style
    # Its moments name the zone as people say it, in Arabic, not by its identifier.
    assert "America/Mexico_City" not in html and "(UTC-6)" in html


def test_an_english_emails_quote_border_stays_on_the_left(db):
    html = _receipt("en")
    assert '<html lang="en" dir="ltr">' in html and '<body dir="ltr"' in html
    [style] = QUOTE.findall(html)
    assert "border-left:3px solid" in style and "right" not in style


def test_email_templates_take_their_sides_from_the_language():
    """Emails may use inline styles, but a side written in one (border-left, text-align:
    right) would not turn in Arabic: it comes from {% start_side %} instead."""
    physical = re.compile(r"\b(?:left|right)\b")
    style = re.compile(r'style="([^"]*)"')
    found = [
        f"{path.name}: {value}"
        for path in sorted(Path(settings.BASE_DIR, "templates", "emails").rglob("*.html"))
        for value in style.findall(path.read_text())
        if physical.search(value)
    ]
    assert not found, found
