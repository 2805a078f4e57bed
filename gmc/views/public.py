"""The public conference site: the current edition, the archive, the alliance,
publications and news. Every page answers in a fixed number of queries."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gmc import selectors
from gmc.links import absolute_url

NEWS_PER_PAGE = 12


def page_meta(title: str = "", description: str = "", kind: str = "website") -> dict:
    """What templates/gmc/page.html turns into the title, description and OpenGraph tags."""
    return {
        "title": title,
        "description": Truncator(" ".join(description.split())).chars(200) if description else "",
        "type": kind,
    }


def _can_preview(request: HttpRequest, permission: str) -> bool:
    """Organisers see drafts and unpublished editions, as the admin's "view on site"."""
    return request.user.is_authenticated and request.user.has_perm(permission)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    edition = selectors.current_edition_for_home()
    context = {
        "edition": edition,
        "latest_news": list(selectors.public_news()[:3]),
        "meta": page_meta(description=edition.summary or edition.theme if edition else ""),
    }
    if edition is not None:
        context["registration"] = selectors.registration_call(edition)
        context["declaration"] = selectors.declaration_call(edition)
    return render(request, "gmc/home.html", context)


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    edition = selectors.current_edition()
    return render(
        request,
        "gmc/about.html",
        {
            "edition": edition,
            "meta": page_meta(
                _("About the conference"),
                _(
                    "Why the Global MOOC and Online Education Conference meets, what it "
                    "aims for and who it brings together."
                ),
            ),
        },
    )


@require_GET
def alliance(request: HttpRequest) -> HttpResponse:
    overview = selectors.alliance_overview()
    return render(
        request,
        "gmc/alliance.html",
        {
            "overview": overview,
            "meta": page_meta(
                _("The alliance"),
                _(
                    "The members of the Global MOOC and Online Education Alliance: "
                    "universities, online-learning platforms and research institutes."
                ),
            ),
        },
    )


@require_GET
def edition_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "gmc/edition_list.html",
        {
            "editions": selectors.editions_for_archive(),
            "meta": page_meta(
                _("Editions"),
                _("Every edition of the conference since 2020: themes, places and outcomes."),
            ),
        },
    )


@require_GET
def edition_detail(request: HttpRequest, year: int) -> HttpResponse:
    edition = selectors.edition_for_page(
        year, include_unpublished=_can_preview(request, "gmc.view_edition")
    )
    if edition is None:
        raise Http404(_("There is no edition of that year."))
    return render(
        request,
        "gmc/edition_detail.html",
        {
            "edition": edition,
            "meta": page_meta(edition.title, edition.theme or edition.summary),
        },
    )


@require_GET
def publication_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "gmc/publication_list.html",
        {
            "publications": selectors.public_publications(),
            "meta": page_meta(
                _("Publications"),
                _("Declarations, reports and indexes released at the conference."),
            ),
        },
    )


@require_GET
def publication_download(request: HttpRequest, slug: str) -> FileResponse:
    publication = selectors.public_publications().filter(slug=slug).first()
    if publication is None or not publication.file:
        raise Http404(_("There is no file for this publication."))
    try:
        handle = publication.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("There is no file for this publication.")) from exc
    return FileResponse(handle, as_attachment=True, filename=publication.file_name)


@require_GET
def news_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_news(), NEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "gmc/news_list.html",
        {
            "page_obj": page,
            "meta": page_meta(_("News"), _("News of the conference and the alliance.")),
        },
    )


@require_GET
def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.news_article_for_page(
        slug, include_drafts=_can_preview(request, "gmc.view_newsarticle")
    )
    if article is None:
        raise Http404(_("There is no news article at this address."))
    return render(
        request,
        "gmc/news_detail.html",
        {
            "article": article,
            "is_public": article.is_public(),
            "meta": page_meta(article.title, article.summary, kind="article"),
        },
    )


@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    edition = selectors.current_edition_for_home()
    return render(
        request,
        "gmc/contact.html",
        {
            "edition": edition,
            "meta": page_meta(_("Contact"), _("How to reach the secretariat of the conference.")),
        },
    )


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "gmc/robots.txt",
        {"sitemap_url": absolute_url(reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
