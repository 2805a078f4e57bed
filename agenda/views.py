"""Public programme pages, calendar files, an attendee's own agenda, their feedback on
a session, and the download of a session's materials.

The public pages and calendar files come from the cache for visitors not signed in
(``gmc.page_cache``: per language, address, zone asked for and zone remembered, and
the programme's filters, each in one spelling: ``agenda.filters``);
logged-in visitors get theirs rendered on each request, because it holds their stars,
their stream links, the recordings kept for registered participants, their feedback and
a CSRF token that must never reach anyone else.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from gmc import rate_limits
from gmc.downloads import private_file_response
from gmc.errors import refusal_on_form
from gmc.languages import offered
from gmc.links import absolute_url
from gmc.models import Edition
from gmc.page_cache import not_stored, public_page, valid_until
from gmc.selectors import current_edition
from gmc.timezones import (
    PARAMETER,
    ZoneChoice,
    profile_zone,
    remembered_zone_name,
    remembers_zone,
    resolve_zone,
    zone_choice,
    zone_parameter,
)

from . import filters, selectors, services
from .filters import ProgrammeFilter
from .forms import FeedbackForm, ProgrammeFilterForm, ZoneForm
from .ics import calendar_ics
from .models import CalendarFeed, Material, Session


def _zone_context(request: HttpRequest, choice: ZoneChoice) -> dict:
    # Bound only to show the error of a value that names no zone, keeping the input: a
    # zone found is shown as the list names it, so "beijing" and "Asia/Shanghai" give
    # the same (cached) page.
    form = ZoneForm(
        request.GET if choice.invalid_value else None,
        initial={"tz": choice.name},
        at=choice.at,
    )
    if form.is_bound:
        form.is_valid()
    return {
        "path": request.path,
        "zone": choice,
        "zone_form": form,
        "zone_query": _zone_query(choice),
    }


def _zone_query(choice: ZoneChoice) -> str:
    """The query string that keeps a chosen zone on links between agenda pages."""
    return "?" + urlencode({"tz": choice.name}) if choice.source == "query" else ""


def _filters_context(
    path: str, programme: selectors.FilteredProgramme, choice: ZoneChoice
) -> dict:
    """The filter form, the filters in use each with the address that removes it, and the
    calendar file of what matches. Addresses keep a zone asked for in the address."""
    applied = programme.filter
    kept_zone = choice.name if choice.source == "query" else ""
    form = ProgrammeFilterForm(programme)
    active = [
        {
            "label": form.fields[name].label if name in form.fields else name,
            "value": form.label_of(name, value),
            "remove_url": path + applied.without(name).query(tz=kept_zone),
        }
        for name, value in applied.items()
    ]
    # The calendar file reads no cookie: a day is a day of the zone the page shows.
    ics_zone = choice.name if applied.day and not choice.is_event_zone else ""
    return {
        "filters": programme,
        "filter_form": form,
        "filter_zone": kept_zone,
        "filter_items": applied.items(),
        "active_filters": active,
        "clear_filters_url": path + ProgrammeFilter().query(tz=kept_zone),
        "ics_query": applied.query(tz=ics_zone) if applied.is_active else "",
        "results_count": _results_count(programme),
    }


def _results_count(programme: selectors.FilteredProgramme) -> str:
    count = len(programme.sessions)
    if programme.filter.is_active:
        return ngettext("%(count)d session matches", "%(count)d sessions match", count) % {
            "count": count
        }
    if not programme.total:
        return ""
    return ngettext(
        "%(count)d session in the programme", "%(count)d sessions in the programme", count
    ) % {"count": count}


def _programme_body(
    request: HttpRequest,
    edition: Edition,
    choice: ZoneChoice,
    sessions: list[Session],
    programme: selectors.FilteredProgramme,
) -> str:
    """The page's body: the zone picker, the filters and the programme as filtered, in
    ``choice``'s zone."""
    context = {
        "edition": edition,
        "days": selectors.arrange_programme(
            programme.sessions, choice.zone, programme.every_session
        ),
        "other_editions": [e for e in selectors.editions_with_programme() if e.pk != edition.pk],
        **_zone_context(request, choice),
        **_filters_context(request.path, programme, choice),
    }
    if request.user.is_authenticated:
        context.update(
            personal=True,
            # Of the whole programme, so the queries are the same whatever matches.
            starred=selectors.starred_ids(request.user, sessions),
            show_links=selectors.is_online_attendee(request.user, edition),
            may_see_registered=selectors.may_see_registered_media(request.user, edition),
            next_url=request.get_full_path(),
            profile_zone=profile_zone(request.user),
        )
        return render_to_string("agenda/includes/programme_body.html", context, request=request)
    # No request in the context: nothing of this visitor can end up in the shared copy.
    return render_to_string("agenda/includes/programme_body.html", context)


# Pages that show times: they read the zone asked for and the one remembered.
zone_page = public_page(query={PARAMETER: zone_parameter}, vary=remembered_zone_name)
# The programme also reads its filters, each in its one spelling (agenda.filters).
programme_page = public_page(
    query={PARAMETER: zone_parameter, **filters.PARAMETERS}, vary=remembered_zone_name
)


def _programme_page(request: HttpRequest, edition: Edition) -> HttpResponse:
    choice = zone_choice(request, edition)
    sessions = selectors.public_sessions(edition, media=True)
    programme = selectors.filter_programme(
        sessions, ProgrammeFilter.from_query(request.GET), choice.zone
    )
    title = _("Programme %(year)s") % {"year": edition.year}
    if programme.filter.is_active:
        # Said first, so that a screen reader announces the outcome with the new page.
        title = _("%(results)s – %(title)s") % {  # noqa: RUF001 (a title's dash)
            "results": _results_count(programme),
            "title": title,
        }
    with timezone.override(choice.zone):
        response = render(
            request,
            "agenda/programme.html",
            {
                "edition": edition,
                "body": _programme_body(request, edition, choice, sessions, programme),
                "meta": {"title": title},
            },
        )
    return _stored_only_when_meant(response, programme)


def _stored_only_when_meant(
    response: HttpResponse, programme: selectors.FilteredProgramme
) -> HttpResponse:
    """A filter value that named nothing here (any id, any date) would give as many
    copies as there are numbers, and a search that finds nothing as many as there are
    words: such pages are answered, never stored."""
    if programme.left_out or (programme.filter.is_active and not programme.sessions):
        not_stored(response)
    return response


@require_safe
@remembers_zone
@programme_page
def index(request: HttpRequest) -> HttpResponse:
    edition = current_edition()
    if edition is None:
        return render(request, "agenda/no_programme.html", status=404)
    return _programme_page(request, edition)


@require_safe
@remembers_zone
@programme_page
def edition_programme(request: HttpRequest, year: int) -> HttpResponse:
    edition = selectors.published_edition(year)
    if edition is None:
        raise Http404
    return _programme_page(request, edition)


def _session_page(
    request: HttpRequest,
    session: Session,
    *,
    feedback_form: FeedbackForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The session's page, as ``request``'s visitor sees it: for someone not signed in
    (the shared, cached copy) nothing of theirs, so no feedback form, and registered-only
    recordings and materials only named; ``feedback_form`` is the form sent back with
    its errors."""
    edition = session.edition
    choice = zone_choice(request, edition)
    feedback = selectors.feedback_state(request.user, session)
    if feedback_form is None and feedback.may_give:
        given = feedback.feedback
        initial = {"rating": given.rating, "comment": given.comment} if given else None
        feedback_form = FeedbackForm(initial=initial)
    with timezone.override(choice.zone):
        response = render(
            request,
            "agenda/session_detail.html",
            {
                "session": session,
                "edition": edition,
                "children": selectors.public_children(session),
                "starred": bool(selectors.starred_ids(request.user, [session])),
                "show_links": selectors.is_online_attendee(request.user, edition),
                "feedback": feedback,
                "feedback_form": feedback_form,
                "may_see_registered": selectors.may_see_registered_media(request.user, edition),
                "meta": {"title": session.display_title, "description": session.description},
                **_zone_context(request, choice),
            },
            status=status,
        )
    if feedback.status == selectors.FeedbackStatus.UPCOMING:
        # Once the session ends, the page invites feedback instead.
        valid_until(response, session.ends_at)
    return response


@require_safe
@remembers_zone
@zone_page
def session_detail(request: HttpRequest, slug: str) -> HttpResponse:
    session = selectors.public_session(slug)
    if session is None:
        raise Http404
    return _session_page(request, session)


@require_POST
def session_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """An attendee rates a session (or changes their rating): the form on the session's
    page, which is shown again with what they typed when it is refused."""
    if not request.user.is_authenticated:
        return _login_then_session(request, slug)
    session = selectors.public_session(slug)
    if session is None:
        raise Http404
    form = FeedbackForm(request.POST)
    if not rate_limits.allow(
        request,
        action="session_feedback",
        rates=settings.SESSION_FEEDBACK_RATE_LIMIT,
        user=request.user,
    ):
        form.is_valid()
        form.add_error(
            None,
            _(
                "You have sent feedback many times in a short while. Wait a minute, then "
                "send it again."
            ),
        )
        return _session_page(request, session, feedback_form=form, status=429)
    if not form.is_valid():
        return _session_page(request, session, feedback_form=form)
    try:
        services.give_feedback(
            session.pk,
            by=request.user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except services.FeedbackError as error:
        refusal_on_form(form, error)
        return _session_page(request, session, feedback_form=form)
    messages.success(request, _("Thank you: your feedback is saved."))
    return HttpResponseRedirect(session.get_absolute_url() + "#feedback")


@require_safe
def material_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A session's material file: to anyone when it is public, else only to people
    registered for the edition and organisers (someone not signed in is asked to sign
    in). Sent as a download, never shown by the browser, through the web server when
    it serves the private files (``gmc.downloads``)."""
    material = get_object_or_404(
        Material.objects.select_related("session__edition").exclude(file=""),
        pk=pk,
        session__in=Session.objects.public(),
    )
    if not material.is_public:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.may_see_registered_media(request.user, material.session.edition):
            raise PermissionDenied
    return private_file_response(
        material.file, filename=material.download_name, content_type=material.content_type
    )


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@public_page()
def session_ics(request: HttpRequest, slug: str) -> HttpResponse:
    session = selectors.public_session(slug)
    if session is None:
        raise Http404
    return _ics_response(
        calendar_ics([session], name=session.display_title), f"{session.slug}.ics"
    )


def _edition_ics(edition: Edition) -> HttpResponse:
    return _ics_response(
        calendar_ics(selectors.public_sessions(edition), name=edition.title),
        f"gmc-{edition.year}.ics",
    )


def _filtered_edition_ics(request: HttpRequest, edition: Edition) -> HttpResponse:
    """The edition's calendar file narrowed by the programme's filters: its page links
    the file of what matches. Calendar apps send no cookie, so a day is read in the zone
    the address names, else in the event's."""
    zone = resolve_zone(request.GET.get(PARAMETER, "").strip()) or edition.tz
    programme = selectors.filter_programme(
        selectors.public_sessions(edition), ProgrammeFilter.from_query(request.GET), zone
    )
    response = _ics_response(
        calendar_ics(programme.sessions, name=edition.title), f"gmc-{edition.year}.ics"
    )
    return _stored_only_when_meant(response, programme)


@require_safe
@public_page()
def current_ics(request: HttpRequest) -> HttpResponse:
    edition = current_edition()
    if edition is None:
        raise Http404
    return _edition_ics(edition)


@require_safe
@public_page(query={PARAMETER: zone_parameter, **filters.PARAMETERS})
def edition_ics(request: HttpRequest, year: int) -> HttpResponse:
    edition = selectors.published_edition(year)
    if edition is None:
        raise Http404
    return _filtered_edition_ics(request, edition)


@require_safe
@public_page()
def speaker_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agenda/speaker_list.html",
        {"speakers": selectors.public_speakers(), "meta": {"title": _("Speakers")}},
    )


@require_safe
@zone_page
def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    speaker = selectors.public_speaker(slug)
    if speaker is None:
        raise Http404
    sessions = selectors.speaker_sessions(speaker)
    for session in sessions:
        session.zone_choice = zone_choice(request, session.edition)
        session.speaker_parts = [
            p for p in session.session_speakers.all() if p.speaker_id == speaker.pk
        ]
    return render(
        request,
        "agenda/speaker_detail.html",
        {"speaker": speaker, "sessions": sessions, "meta": {"title": speaker.name}},
    )


@never_cache
@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    sessions = selectors.starred_sessions(request.user)
    for session in sessions:
        session.zone_choice = zone_choice(request, session.edition)
    feed = services.ensure_feed(request.user)
    return render(
        request,
        "agenda/mine.html",
        {
            "sessions": sessions,
            "feed_url": absolute_url(feed.get_absolute_url()),
            "meta": {"title": _("My agenda")},
        },
    )


def _back(request: HttpRequest, session: Session) -> HttpResponse:
    target = request.POST.get("next", "")
    # Only a path on this site: redirect() would take a bare word for a URL name and fail
    # to reverse it.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(session.get_absolute_url())


def _login_then_session(request: HttpRequest, slug: str) -> HttpResponse:
    """Someone logged out (or whose session ended) pressed a star: after logging in
    they come back to the session's page, not to an address that only takes POSTs."""
    return redirect_to_login(reverse("agenda:session", args=[slug]))


@require_POST
def star(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_then_session(request, slug)
    session = selectors.public_session(slug)
    if session is None:
        raise Http404
    services.star_session(request.user, session)
    messages.success(
        request, _("“%(title)s” is in your agenda.") % {"title": session.display_title}
    )
    return _back(request, session)


@require_POST
def unstar(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_then_session(request, slug)
    session = get_object_or_404(Session, slug=slug)
    services.unstar_session(request.user, session)
    messages.success(
        request, _("“%(title)s” is no longer in your agenda.") % {"title": session.display_title}
    )
    return _back(request, session)


@login_required
@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    services.reset_feed_token(request.user)
    messages.success(
        request,
        _("Your calendar address has changed; the old one no longer works. Subscribe again."),
    )
    return redirect(reverse("agenda:mine"))


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: the token in the address is the only key (calendar apps send
    no cookies), so an unknown token is simply not found."""
    subscription = (
        CalendarFeed.objects.select_related("user").filter(token=token).first()
        if len(token) <= 64
        else None
    )
    if subscription is None or not subscription.user.is_active:
        raise Http404
    sessions = selectors.starred_sessions(subscription.user)
    # Calendar apps send no cookie and rarely a language: the file is in its owner's.
    with translation.override(offered(subscription.user.language) or get_language()):
        content = calendar_ics(sessions, name=_("My GMC agenda"))
    response = _ics_response(content, "my-agenda.ics")
    response["Cache-Control"] = "private, no-store"
    return response
