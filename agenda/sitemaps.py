"""The programme's sections of sitemap.xml (listed in the ``SITEMAP_SECTIONS``
setting): every edition's programme page, public sessions and speakers."""

from django.urls import reverse

from gmc.models import Edition
from gmc.sitemaps import SiteSitemap

from .models import Session
from .selectors import editions_with_programme, public_speakers


class SessionSitemap(SiteSitemap):
    """Public sessions of every edition (drafts and unpublished editions left out)."""

    changefreq = "weekly"

    def items(self):
        return Session.objects.public().order_by("starts_at", "pk")

    def lastmod(self, session: Session):
        return session.updated_at


class ProgrammeSitemap(SiteSitemap):
    """The programme page of every published edition that has one."""

    changefreq = "weekly"

    def items(self):
        return editions_with_programme()

    def location(self, edition: Edition) -> str:
        return reverse("agenda:edition", args=[edition.year])


class SpeakerSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return public_speakers()


SITEMAPS = {
    "agenda-programmes": ProgrammeSitemap,
    "agenda-sessions": SessionSitemap,
    "agenda-speakers": SpeakerSitemap,
}
