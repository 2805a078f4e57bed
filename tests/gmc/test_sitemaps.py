"""Each app owns its sitemap sections; sitemap.xml is composed from the ones the
``SITEMAP_SECTIONS`` setting lists, and every app that has a sitemap is listed."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string, module_has_submodule

from gmc.sitemaps import all_sitemaps
from tests.agenda.factories import SessionFactory
from tests.factories import EditionFactory


def project_apps():
    base = Path(settings.BASE_DIR).resolve()
    return [app for app in apps.get_app_configs() if Path(app.path).resolve().parent == base]


def test_every_app_sitemap_is_listed():
    owners = [app.name for app in project_apps() if module_has_submodule(app.module, "sitemaps")]
    assert "agenda" in owners and "gmc" in owners
    listed = set(settings.SITEMAP_SECTIONS)
    assert {f"{name}.sitemaps.SITEMAPS" for name in owners} == listed


def test_sections_keep_their_names_and_order():
    assert list(all_sitemaps()) == [
        "pages",
        "editions",
        "news",
        "agenda-programmes",
        "agenda-sessions",
        "agenda-speakers",
    ]
    for path in settings.SITEMAP_SECTIONS:
        owner = path.split(".")[0]
        assert all(cls.__module__ == f"{owner}.sitemaps" for cls in import_string(path).values())


def test_the_sitemap_holds_every_apps_addresses(client, db):
    edition = EditionFactory(is_current=True)
    session = SessionFactory(edition=edition, slug="opening-panel")
    xml = client.get("/sitemap.xml").content.decode()
    assert f"/editions/{edition.year}/</loc>" in xml
    assert f"{session.get_absolute_url()}</loc>" in xml
