"""Reads shared by views, exports and tasks."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gmc.models import AllianceMember, Edition, NewsArticle, OrganisationType, Publication

# A deadline this close is announced as "closing soon" on the home page.
CLOSING_SOON = timedelta(days=7)


def current_edition() -> Edition | None:
    """The edition every page not tied to a year shows (None before any is set up)."""
    return Edition.objects.filter(is_current=True, is_published=True).first()


def current_edition_for_home() -> Edition | None:
    """The current edition with what the home page shows of it, in a fixed number of
    queries."""
    return (
        Edition.objects.filter(is_current=True, is_published=True)
        .prefetch_related("hosts", "co_organisers")
        .first()
    )


def _public_publications() -> QuerySet[Publication]:
    return Publication.objects.order_by("-published_on", "title")


def editions_for_archive(*, include_unpublished: bool = False) -> QuerySet[Edition]:
    """Every edition, newest first, with hosts and publications prefetched."""
    editions = Edition.objects.all() if include_unpublished else Edition.objects.published()
    return editions.order_by("-year").prefetch_related(
        "hosts", Prefetch("publications", queryset=_public_publications())
    )


def edition_for_page(year: int, *, include_unpublished: bool = False) -> Edition | None:
    """One edition with its hosts, co-organisers, publications and public news."""
    editions = editions_for_archive(include_unpublished=include_unpublished).prefetch_related(
        "co_organisers",
        Prefetch(
            "news",
            queryset=NewsArticle.objects.filter(
                status=NewsArticle.Status.PUBLISHED, published_at__lte=timezone.now()
            ),
        ),
    )
    # The programme is linked when the edition has a published session (the relation
    # is named, not imported: gmc imports no app above it).
    has_programme = Exists(Edition.objects.filter(pk=OuterRef("pk"), sessions__is_published=True))
    return editions.annotate(has_programme=has_programme).filter(year=year).first()


def recorded_sessions(edition: Edition) -> list:
    """The edition's public sessions that have a recording, in time order, each with
    its recordings (2 queries; the relations are named, not imported)."""
    return list(
        edition.sessions.public()
        .filter(recordings__isnull=False)
        .distinct()
        .prefetch_related("recordings")
        .order_by("starts_at", "title")
    )


def public_publications() -> QuerySet[Publication]:
    """Publications of published editions, newest edition first."""
    return Publication.objects.public().select_related("edition")


def public_news() -> QuerySet[NewsArticle]:
    """News anonymous visitors may read, newest first."""
    return NewsArticle.objects.public().select_related("edition")


def next_news_publication() -> datetime | None:
    """When the next article scheduled for later appears (None if none is): the news
    pages change by themselves then."""
    return (
        NewsArticle.objects.filter(
            status=NewsArticle.Status.PUBLISHED,
            published_at__gt=timezone.now(),
            edition__is_published=True,
        )
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def news_article_for_page(slug: str, *, include_drafts: bool = False) -> NewsArticle | None:
    articles = NewsArticle.objects.all() if include_drafts else NewsArticle.objects.public()
    return articles.select_related("edition").filter(slug=slug).first()


# Plural headings of the alliance page, one per organisation type.
TYPE_HEADINGS = {
    OrganisationType.UNIVERSITY: _("Universities"),
    OrganisationType.PLATFORM: _("Online-learning platforms"),
    OrganisationType.RESEARCH: _("Research institutes"),
    OrganisationType.INTERNATIONAL: _("International organisations"),
    OrganisationType.GOVERNMENT: _("Government agencies"),
    OrganisationType.COMPANY: _("Companies"),
    OrganisationType.OTHER: _("Other members"),
}


@dataclass
class MemberGroup:
    key: str
    heading: str
    members: list[AllianceMember] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.members)


@dataclass
class AllianceOverview:
    total: int
    by_type: list[MemberGroup]
    by_country: list[MemberGroup]

    @property
    def country_count(self) -> int:
        return len(self.by_country)


def alliance_overview() -> AllianceOverview:
    """Active alliance members grouped by organisation type (in the order of the type
    choices) and by country (largest first), in one query."""
    members = list(
        AllianceMember.objects.filter(is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    by_type = []
    for value, _label in OrganisationType.choices:
        group = [m for m in members if m.organisation.type == value]
        if group:
            by_type.append(MemberGroup(value, str(TYPE_HEADINGS[value]), group))
    per_country: dict[str, MemberGroup] = {}
    for member in members:
        country = member.organisation.country
        code = country.code or ""
        if code not in per_country:
            per_country[code] = MemberGroup(code, country.name or str(_("Country not recorded")))
        per_country[code].members.append(member)
    counts = Counter({code: group.count for code, group in per_country.items()})
    by_country = sorted(per_country.values(), key=lambda g: (-counts[g.key], g.heading))
    return AllianceOverview(total=len(members), by_type=by_type, by_country=by_country)


@dataclass
class CallToAction:
    """Where a deadline-bound action of the current edition stands at a moment.

    ``state`` is one of ``not_open``, ``open``, ``closing_soon`` or ``closed``;
    ``moment`` is when the next change happens (opening or closing), None if never.
    """

    state: str
    moment: datetime | None

    @property
    def is_open(self) -> bool:
        return self.state in ("open", "closing_soon")


def _window_state(opens: datetime | None, closes: datetime | None, now: datetime):
    if opens is None and closes is None:
        return CallToAction("closed", None)
    if opens is not None and now < opens:
        return CallToAction("not_open", opens)
    if closes is not None and now >= closes:
        return CallToAction("closed", closes)
    if closes is not None and closes - now <= CLOSING_SOON:
        return CallToAction("closing_soon", closes)
    return CallToAction("open", closes)


def registration_call(edition: Edition, now: datetime | None = None) -> CallToAction:
    """The registration window at ``now``; agrees with ``Edition.registration_state``."""
    return _window_state(
        edition.registration_opens_at, edition.registration_closes_at, now or timezone.now()
    )


def declaration_call(edition: Edition, now: datetime | None = None) -> CallToAction:
    """Declaration input opens with registration (only participants send input) and
    closes at the declaration deadline; no deadline means no call for input."""
    if edition.declaration_deadline is None:
        return CallToAction("closed", None)
    return _window_state(
        edition.registration_opens_at, edition.declaration_deadline, now or timezone.now()
    )
