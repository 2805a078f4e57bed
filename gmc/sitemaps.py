"""sitemap.xml: the base's sections (the public pages, every published edition and
every public article), the ``SiteSitemap`` every app's sections build on, and the
composition of all of them (``all_sitemaps``)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import sitemaps
from django.urls import reverse
from django.utils.module_loading import import_string

from gmc.links import site_url
from gmc.models import Edition, NewsArticle


class SiteSitemap(sitemaps.Sitemap):
    """Addresses built from SITE_URL, the one setting that names the public address,
    rather than from the Site row (which nobody edits). Every address is listed once
    per language, with its alternates in the others and English as the x-default."""

    i18n = True
    alternates = True
    x_default = True

    def get_domain(self, site=None) -> str:
        return urlsplit(site_url()).netloc

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(site_url()).scheme or "https"


class PageSitemap(SiteSitemap):
    priority = 0.6
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["home", "about", "alliance", "editions", "publications", "news", "contact"]

    def location(self, item: str) -> str:
        return reverse(item)


class EditionSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return Edition.objects.published().order_by("-year")

    def lastmod(self, edition: Edition):
        return edition.updated_at


class NewsSitemap(SiteSitemap):
    changefreq = "never"

    def items(self):
        return NewsArticle.objects.public().order_by("-published_at")

    def lastmod(self, article: NewsArticle):
        return article.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "editions": EditionSitemap,
    "news": NewsSitemap,
}


def all_sitemaps() -> dict[str, type[sitemaps.Sitemap]]:
    """The sections of sitemap.xml: each app's ``SITEMAPS`` named in the
    ``SITEMAP_SECTIONS`` setting, in its order. gmc imports no app, so the apps'
    sitemaps are found by name rather than imported here."""
    sections: dict[str, type[sitemaps.Sitemap]] = {}
    for path in settings.SITEMAP_SECTIONS:
        sections.update(import_string(path))
    return sections
