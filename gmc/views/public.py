"""The public conference site: the current edition, the archive, the alliance,
publications and news. Every page answers in a fixed number of queries, and from the
cache for visitors not signed in (``gmc.page_cache``)."""

from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gmc import selectors
from gmc.links import absolute_url
from gmc.page_cache import TIMEOUT, not_stored, public_page, valid_until

NEWS_PER_PAGE = 12
# How stale a countdown ("3 days, 4 hours left") may be read from the cache.
COUNTDOWN_STALENESS = timedelta(minutes=1)
# How far ahead a countdown's next change is looked for: no cached page lives longer.
COUNTDOWN_LOOKAHEAD = timedelta(seconds=TIMEOUT)


def page_number(value: str) -> str | None:
    """The news list's ``?page=``: a page after the first as its number, "" for the
    first or a value that is no number (the list shows the first page), None for what
    the list would show as another page (0, negative: the last one)."""
    value = value.strip()
    if not (value.isascii() and value.isdigit()):
        return None if value.startswith("-") else ""
    number = int(value)
    if number == 0:
        return None
    return "" if number == 1 else str(number)


def page_meta(title: str = "", description: str = "", kind: str = "website") -> dict:
    """What templates/gmc/page.html turns into the title, description and OpenGraph tags."""
    return {
        "title": title,
        "description": Truncator(" ".join(description.split())).chars(200) if description else "",
        "type": kind,
    }


def countdown_valid_until(moment: datetime, now: datetime) -> datetime:
    """Until when a page may show the countdown to ``moment`` read at ``now``: a minute
    after its text ("2 weeks, 6 days") first changes, or sooner. Three weeks ahead it
    changes once a day, so the page is kept an hour (the most any page is), not rendered
    again every minute for nothing. The text is read a minute apart; as it only ever
    counts down, it reads as now until its first change and otherwise after it, so
    halving the hour finds that minute in a few readings."""
    shown = timeuntil(moment, now)
    same, changed = 0, COUNTDOWN_LOOKAHEAD // COUNTDOWN_STALENESS
    while changed - same > 1:
        middle = (same + changed) // 2
        later = now + middle * COUNTDOWN_STALENESS
        if later < moment and timeuntil(moment, later) == shown:
            same = middle
        else:
            changed = middle
    return now + changed * COUNTDOWN_STALENESS


def _can_preview(request: HttpRequest, permission: str) -> bool:
    """Organisers see drafts and unpublished editions, as the admin's "view on site"."""
    return request.user.is_authenticated and request.user.has_perm(permission)


@require_GET
@public_page()
def home(request: HttpRequest) -> HttpResponse:
    edition = selectors.current_edition_for_home()
    context = {
        "edition": edition,
        "latest_news": list(selectors.public_news()[:3]),
        "meta": page_meta(description=edition.summary or edition.theme if edition else ""),
    }
    changes = [selectors.next_news_publication()]
    if edition is not None:
        context["registration"] = selectors.registration_call(edition)
        context["declaration"] = selectors.declaration_call(edition)
        calls = (context["registration"], context["declaration"])
        # The calls change state at their moments, and their countdowns with the clock.
        now = timezone.now()
        changes += [call.moment for call in calls if call.moment and call.moment > now]
        changes += [
            countdown_valid_until(call.moment, now)
            for call in calls
            if call.state != "closed" and call.moment
        ]
    response = render(request, "gmc/home.html", context)
    for moment in changes:
        valid_until(response, moment)
    return response


@require_GET
@public_page()
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
@public_page()
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
@public_page()
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
@public_page()
def edition_detail(request: HttpRequest, year: int) -> HttpResponse:
    edition = selectors.edition_for_page(
        year, include_unpublished=_can_preview(request, "gmc.view_edition")
    )
    if edition is None:
        raise Http404(_("There is no edition of that year."))
    response = render(
        request,
        "gmc/edition_detail.html",
        {
            "edition": edition,
            "recorded_sessions": selectors.recorded_sessions(edition),
            "meta": page_meta(edition.title, edition.theme or edition.summary),
        },
    )
    # Its news list grows when a scheduled article's time comes.
    return valid_until(response, selectors.next_news_publication())


@require_GET
@public_page()
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
@public_page(query={"page": page_number})
def news_list(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("page")
    page = Paginator(selectors.public_news(), NEWS_PER_PAGE).get_page(asked)
    response = render(
        request,
        "gmc/news_list.html",
        {
            "page_obj": page,
            "meta": page_meta(_("News"), _("News of the conference and the alliance.")),
        },
    )
    if asked and asked != str(page.number):
        not_stored(response)  # a page past the last, shown as the last one
    return valid_until(response, selectors.next_news_publication())


@require_GET
@public_page()
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
@public_page()
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
