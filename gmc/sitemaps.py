"""sitemap.xml: the public pages, every published edition and every public article."""

from urllib.parse import urlsplit

from django.contrib import sitemaps
from django.urls import reverse

from gmc.links import site_url
from gmc.models import Edition, NewsArticle


class SiteSitemap(sitemaps.Sitemap):
    """Addresses built from SITE_URL, the one setting that names the public address,
    rather than from the Site row (which nobody edits)."""

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


class AgendaSessionSitemap(SiteSitemap):
    """Public sessions of every edition (drafts and unpublished editions left out)."""

    changefreq = "weekly"

    def items(self):
        from agenda.models import Session

        return Session.objects.public().order_by("starts_at", "pk")

    def lastmod(self, session):
        return session.updated_at


class AgendaProgrammeSitemap(SiteSitemap):
    """The programme page of every published edition that has one."""

    changefreq = "weekly"

    def items(self):
        from agenda.selectors import editions_with_programme

        return editions_with_programme()

    def location(self, edition: Edition) -> str:
        return reverse("agenda:edition", args=[edition.year])


class AgendaSpeakerSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        from agenda.selectors import public_speakers

        return public_speakers()


SITEMAPS = {
    "pages": PageSitemap,
    "editions": EditionSitemap,
    "news": NewsSitemap,
    "agenda-programmes": AgendaProgrammeSitemap,
    "agenda-sessions": AgendaSessionSitemap,
    "agenda-speakers": AgendaSpeakerSitemap,
}
