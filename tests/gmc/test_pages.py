import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from gmc import page_cache
from gmc.models import Edition, NewsArticle
from tests.factories import (
    AllianceMemberFactory,
    EditionFactory,
    NewsArticleFactory,
    OrganisationFactory,
    PublicationFactory,
)

PUBLIC_URLS = [
    "/",
    "/about/",
    "/alliance/",
    "/editions/",
    "/editions/2020/",
    "/editions/2021/",
    "/editions/2022/",
    "/editions/2023/",
    "/editions/2024/",
    "/editions/2025/",
    "/editions/2026/",
    "/publications/",
    "/news/",
    "/news/mexico-city-declaration-adopted/",
    "/news/hanoi-to-co-host-2026/",
    "/contact/",
]


def optional_url(name: str) -> str | None:
    """Routes other apps add; the home page links to them only once they exist."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_page_answers_with_the_demo_data(client, demo, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<title>" in html and '<meta name="description" content="' in html
    assert '<meta property="og:title"' in html and '<meta property="og:url"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/editions/1999/",
        "/editions/2030/",
        "/editions/99999999999/",
        "/news/no-such-article/",
        "/publications/no-such-report/download/",
        "/publications/mexico-city-declaration-2025/download/",  # a summary, no file
    ],
)
def test_unknown_years_and_slugs_are_404_in_the_layout(client, demo, url):
    response = client.get(url)
    assert response.status_code == 404
    assert 'id="main"' in response.content.decode()


def test_sitemap_and_robots(client, demo, settings):
    settings.SITE_URL = "https://gmc.example.org"
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    xml = sitemap.content.decode()
    for path in ["/", "/alliance/", "/editions/2025/", "/news/hanoi-to-co-host-2026/"]:
        assert f"<loc>https://gmc.example.org{path}</loc>" in xml
    assert "provisional-programme-2026" not in xml  # a draft
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: https://gmc.example.org/sitemap.xml" in robots.content.decode()
    assert "Disallow: /admin/" in robots.content.decode()
    assert "Disallow: /agenda/feed/" in robots.content.decode()  # private calendar feeds


def test_edition_page_has_title_description_and_opengraph(client, demo):
    html = client.get("/editions/2025/").content.decode()
    title = "Global MOOC and Online Education Conference 2025"
    assert f"<title>{title} · GMC</title>" in html
    assert '<meta property="og:title" content="Global MOOC and Online Education Conference 2025">'
    assert re.search(r'<meta name="description" content="Breaking Boundaries and Reshaping', html)
    assert '<link rel="canonical" href="http://' in html


# --- the current edition and the archive ----------------------------------------------------


def test_home_shows_2026_as_current_with_provisional_dates(client, demo):
    html = client.get("/").content.decode()
    assert "Current edition" in html
    assert "Global MOOC and Online Education Conference 2026" in html
    assert "Hanoi, Vietnam" in html
    assert "Vietnam National University, Hanoi" in html
    edition = Edition.objects.get(year=2026)
    assert edition.is_current and edition.dates_provisional
    start = edition.start_date
    assert start - timezone.localdate() >= datetime.timedelta(days=33)
    assert f'<time datetime="{start:%Y-%m-%d}">' in html
    # Dates and both deadlines carry the label.
    assert html.count(">provisional</span>") == 3
    assert "Hanoi time (UTC+7)" in html


def test_edition_2025_shows_its_theme_place_and_dates_as_they_were(client, demo):
    html = client.get("/editions/2025/").content.decode()
    assert (
        "Breaking Boundaries and Reshaping Futures: Open and Intelligent Global Education" in html
    )
    assert "National Autonomous University of Mexico (UNAM), Mexico City, Mexico" in html
    assert "2\u20134 December 2025" in html  # an en dash
    assert "provisional" not in html
    assert "Mexico City Declaration" in html
    assert "180 representatives of 76" in html


@pytest.mark.parametrize("server_zone", ["UTC", "Pacific/Auckland", "America/Los_Angeles"])
def test_times_are_shown_in_the_edition_zone_whatever_the_server_zone(
    client, demo, settings, server_zone
):
    settings.TIME_ZONE = server_zone
    with timezone.override(zoneinfo.ZoneInfo(server_zone)):
        html_2025 = client.get("/editions/2025/").content.decode()
        html_2020 = client.get("/editions/2020/").content.decode()
    assert "3 December 2025, 09:20</time>" in html_2025
    assert "Mexico City time (UTC-6)</span>" in html_2025
    assert "11 December 2020, 20:00</time>" in html_2020
    assert "11 December 2020, 22:30</time>" in html_2020
    assert "Beijing time (UTC+8)</span>" in html_2020
    assert "Registration deadline" in html_2020
    assert "30 November 2020, 00:00</time>" in html_2020


def test_archive_lists_every_edition_since_2020(client, demo):
    html = client.get("/editions/").content.decode()
    for year in range(2020, 2027):
        assert f'href="/editions/{year}/"' in html
    assert "Politecnico di Milano, Milan, Italy" in html
    assert "Queen Mary University of London, London, United Kingdom" in html
    assert "Online, hosted from Beijing" in html


def test_publications_page_lists_the_declarations_and_2025_report(client, demo):
    html = client.get("/publications/").content.decode()
    for title in [
        "Beijing Declaration on MOOC Development",
        "Mexico City Declaration",
        "Infinite Possibilities: Digital Development Report of Global Higher Education 2025",
        "Digital Development Index of Global Higher Education 2025",
    ]:
        assert title in html


def test_alliance_page_groups_members_by_type_and_country(client, demo):
    html = client.get("/alliance/").content.decode()
    assert "25 members" in html and "from 18 countries" in html
    assert "Universities (18)" in html
    assert "Online-learning platforms (6)" in html
    assert "Research institutes (1)" in html
    assert "China (5)" in html
    assert "Learning Planet Institute</a>, France" in html
    assert "Edraak</a>, Jordan" in html


# --- calls to action follow the clock -------------------------------------------------------

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
OPENS = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=HANOI)
CLOSES = datetime.datetime(2026, 10, 31, 23, 59, tzinfo=HANOI)
DEADLINE = datetime.datetime(2026, 10, 15, 23, 59, tzinfo=HANOI)


@pytest.fixture
def window_edition(db):
    return EditionFactory(
        year=2026,
        is_current=True,
        time_zone="Asia/Ho_Chi_Minh",
        start_date=datetime.date(2026, 12, 2),
        end_date=datetime.date(2026, 12, 4),
        registration_opens_at=OPENS,
        registration_closes_at=CLOSES,
        declaration_deadline=DEADLINE,
    )


def card(html: str, name: str) -> str:
    match = re.search(rf'id="{name}-call">(.*?)</div>\s*</div>', html, re.S)
    assert match, f"no {name} card"
    return match.group(1)


def test_calls_to_action_before_the_window(client, window_edition):
    with time_machine.travel(OPENS - datetime.timedelta(days=3), tick=False):
        html = client.get("/").content.decode()
    registration = card(html, "registration")
    assert "Registration is not open yet." in registration
    assert "1 September 2026, 09:00</time>" in registration
    assert "Opens in 3\xa0days." in registration
    assert "btn" not in registration
    assert "not open yet" in card(html, "declaration")


def test_calls_to_action_while_open(client, window_edition):
    with time_machine.travel(OPENS + datetime.timedelta(days=1), tick=False):
        html = client.get("/").content.decode()
    registration = card(html, "registration")
    assert "Registration is open." in registration
    assert "31 October 2026, 23:59</time>" in registration
    assert "Hanoi time (UTC+7)</span>" in registration
    assert "1\xa0month, 4\xa0weeks left." in registration
    register_url = optional_url("registration:register")
    if register_url:
        # A visitor without an account signs up first, then lands on the register page.
        assert f'href="{reverse("account_signup")}?next={register_url}"' in registration
    declaration = card(html, "declaration")
    assert "Input for the declaration is open." in declaration
    assert "15 October 2026, 23:59</time>" in declaration
    declaration_url = optional_url("declarations:submit")
    if declaration_url is None:
        try:
            declaration_url = reverse("declarations:submit_year", args=[2026])
        except NoReverseMatch:
            declaration_url = None
    if declaration_url:
        assert f'href="{declaration_url}"' in declaration


def test_calls_to_action_closing_soon(client, window_edition):
    with time_machine.travel(DEADLINE - datetime.timedelta(days=2, hours=1), tick=False):
        html = client.get("/").content.decode()
    declaration = card(html, "declaration")
    assert "Input for the declaration closes soon." in declaration
    assert "2\xa0days, 1\xa0hour left." in declaration
    assert "Registration is open." in card(html, "registration")  # 18 days to go
    with time_machine.travel(CLOSES - datetime.timedelta(days=6), tick=False):
        html = client.get("/").content.decode()
    assert "Registration closes soon." in card(html, "registration")
    assert "6\xa0days left." in card(html, "registration")
    assert "Input for the declaration is closed." in card(html, "declaration")


def test_calls_to_action_after_the_window(client, window_edition):
    with time_machine.travel(CLOSES + datetime.timedelta(minutes=1), tick=False):
        html = client.get("/").content.decode()
    registration = card(html, "registration")
    assert "Registration is closed." in registration
    assert "btn" not in registration
    assert "Input for the declaration is closed." in card(html, "declaration")
    assert "btn" not in card(html, "declaration")


def test_home_without_a_current_edition_still_answers(client, db):
    EditionFactory(year=2024, is_current=False)
    response = client.get("/")
    assert response.status_code == 200
    assert "Take part" not in response.content.decode()


# --- drafts and unpublished editions --------------------------------------------------------


def test_draft_and_future_news_are_invisible_to_anonymous_visitors(client, demo):
    edition = Edition.objects.get(year=2026)
    future = NewsArticleFactory(
        edition=edition, published_at=timezone.now() + datetime.timedelta(days=2)
    )
    draft = NewsArticle.objects.get(slug="provisional-programme-2026")
    assert draft.status == NewsArticle.Status.DRAFT
    for article in (draft, future):
        assert client.get(article.get_absolute_url()).status_code == 404
        for url in ["/", "/news/", "/editions/2026/", "/sitemap.xml"]:
            assert article.title not in client.get(url).content.decode()


def test_organisers_preview_drafts(client, demo, staff_organiser):
    client.force_login(staff_organiser)
    response = client.get("/news/provisional-programme-2026/")
    assert response.status_code == 200
    assert "Preview: this article is a draft" in response.content.decode()


def test_unpublished_editions_are_invisible_to_anonymous_visitors(client, demo, staff_organiser):
    edition = EditionFactory(year=2027, title="GMC 2027 in planning", is_published=False)
    PublicationFactory(edition=edition, title="Hidden report")
    NewsArticleFactory(edition=edition, title="Hidden news", slug="hidden-news")
    assert client.get("/editions/2027/").status_code == 404
    assert client.get("/news/hidden-news/").status_code == 404
    for url in ["/editions/", "/publications/", "/news/", "/sitemap.xml"]:
        html = client.get(url).content.decode()
        assert "GMC 2027 in planning" not in html
        assert "Hidden report" not in html and "Hidden news" not in html
    client.force_login(staff_organiser)
    preview = client.get("/editions/2027/")
    assert preview.status_code == 200
    assert "Preview: this edition is not published" in preview.content.decode()


# --- downloads ------------------------------------------------------------------------------


def test_publication_file_is_downloadable(client, db, private_storage):
    publication = PublicationFactory(
        title="Report 2025",
        file=SimpleUploadedFile("report-2025.pdf", b"%PDF-1.4 report", "application/pdf"),
    )
    html = client.get("/publications/").content.decode()
    assert f'href="/publications/{publication.slug}/download/"' in html
    response = client.get(f"/publications/{publication.slug}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "report-2025" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 report"


def test_file_of_an_unpublished_edition_is_not_served(client, db, private_storage):
    publication = PublicationFactory(
        edition=EditionFactory(is_published=False),
        file=SimpleUploadedFile("draft.pdf", b"%PDF draft", "application/pdf"),
    )
    assert client.get(f"/publications/{publication.slug}/download/").status_code == 404


# --- queries do not grow with the data ------------------------------------------------------


def grow(size: int) -> None:
    """Add `size` published editions, each with hosts, publications, news and members."""
    base = Edition.objects.order_by("-year").values_list("year", flat=True).first() or 2100
    for offset in range(1, size + 1):
        edition = EditionFactory(year=base + offset, is_current=False)
        host = OrganisationFactory()
        edition.hosts.add(host)
        edition.co_organisers.add(OrganisationFactory())
        AllianceMemberFactory(organisation=host)
        AllianceMemberFactory(organisation=OrganisationFactory(country="FR", type="platform"))
        PublicationFactory.create_batch(2, edition=edition)
        NewsArticleFactory.create_batch(2, edition=edition)


LIST_URLS = ["/", "/about/", "/alliance/", "/editions/", "/publications/", "/news/", "/contact/"]


@pytest.mark.parametrize("url", [*LIST_URLS, "/editions/2026/", "/sitemap.xml"])
def test_query_count_does_not_grow_with_the_data(client, db, url, django_assert_num_queries):
    current = EditionFactory(year=2026, is_current=True)
    current.hosts.add(OrganisationFactory())
    grow(1)
    client.get(url)  # warm the caches (site, content types)
    page_cache.invalidate()  # measured as rendered, not as served whole from the cache
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(10)  # its saves invalidate the cached pages too
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_news_is_paginated_and_a_bad_page_number_is_not_an_error(client, db):
    edition = EditionFactory(year=2026, is_current=True)
    NewsArticleFactory.create_batch(13, edition=edition)
    first = client.get("/news/").content.decode()
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    assert client.get("/news/?page=2").status_code == 200
    assert client.get("/news/?page=abc").status_code == 200
    assert client.get("/news/?page=999").status_code == 200


def test_error_page_renders_without_a_request_or_database(db, django_assert_num_queries):
    from django.template.loader import render_to_string

    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert html.count("<h1") == 1
    assert 'id="main"' in html and 'href="/"' in html
