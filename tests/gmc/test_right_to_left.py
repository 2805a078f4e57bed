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
