"""Organisers' badge pages: a print run of an edition, its progress and download, and
one person's badge at the check-in desk. Only organisers who may check people in
(``registration.change_registration``) reach them."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gmc.downloads import private_file_response
from gmc.errors import refusal_on_form
from gmc.models import Edition
from gmc.permissions import organiser_required
from gmc.query_numbers import is_plain_number
from gmc.selectors import current_edition
from registration.models import Registration

from ..models import BadgePrint
from . import services
from .forms import BadgeRunForm
from .render import single_badge_pdf
from .selectors import badge_registrations, printable

PERMISSION = "registration.change_registration"
# How often the page of a run being made asks again whether it is ready (with
# JavaScript; without it, the page's "Check again" link).
CHECK_EVERY_SECONDS = 3
# After this long, a run still being made offers to hand it to a worker again.
RETRY_AFTER_SECONDS = 60


def _default_year(request: HttpRequest) -> int | None:
    """The edition the page starts with: ``?year=``, else the current one."""
    year = request.GET.get("year", "")
    if is_plain_number(year) and len(year) <= 4:
        return int(year)
    current = current_edition()
    return current.year if current else None


@organiser_required(PERMISSION)
def badges(request: HttpRequest) -> HttpResponse:
    """Ask for a print run of an edition's badges; the edition's recent runs below."""
    form = BadgeRunForm(request.POST or None, initial={"edition": _default_year(request)})
    if request.method == "POST" and form.is_valid():
        edition = form.cleaned_data["edition"]
        chosen = badge_registrations(edition)
        if form.cleaned_data["selection"] == BadgePrint.Selection.NOT_CHECKED_IN:
            chosen = chosen.not_checked_in()
        try:
            run = services.request_badge_print(
                chosen,
                selection=form.cleaned_data["selection"],
                paper=form.cleaned_data["paper"],
                by=request.user,
            )
        except services.BadgeError as error:
            refusal_on_form(form, error)
        else:
            return redirect(run)
    year = str(form["edition"].value() or "")
    edition = (
        Edition.objects.filter(year=int(year)).first()
        if is_plain_number(year) and len(year) <= 4
        else None
    )
    runs = (
        BadgePrint.objects.filter(edition=edition).select_related("requested_by")[:10]
        if edition
        else []
    )
    return render(
        request, "documents/badges/form.html", {"form": form, "edition": edition, "runs": runs}
    )


def _run(pk: int) -> BadgePrint:
    return get_object_or_404(BadgePrint.objects.select_related("edition", "requested_by"), pk=pk)


@organiser_required(PERMISSION)
def badge_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's progress, then its download. While it is being made, the page checks
    again every few seconds (static/documents/badge-run.js) and, without JavaScript,
    offers a link to check again: no automatic reload, which would take the page away
    from someone reading it (WCAG 2.2.1)."""
    run = _run(pk)
    waiting = run.status == BadgePrint.Status.PENDING
    waited = (timezone.now() - run.requested_at).total_seconds()
    return render(
        request,
        "documents/badges/run.html",
        {
            "run": run,
            "waiting": waiting,
            "check_every": CHECK_EVERY_SECONDS,
            "may_retry": run.status == BadgePrint.Status.FAILED
            or (waiting and waited > RETRY_AFTER_SECONDS),
        },
    )


@require_POST
@organiser_required(PERMISSION)
def badge_print_retry(request: HttpRequest, pk: int) -> HttpResponse:
    run = services.retry_badge_print(_run(pk).pk)
    if run.status != BadgePrint.Status.READY:
        messages.info(request, _("The badges are handed to a worker again."))
    return redirect(run)


@organiser_required(PERMISSION)
def badge_print_download(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(pk)
    if run.status != BadgePrint.Status.READY:
        raise Http404("Not ready")
    return private_file_response(
        run.file,
        filename=f"badges-{run.edition.year}-{run.pk}-{run.paper}.pdf",
        content_type="application/pdf",
    )


@organiser_required(PERMISSION)
def registration_badge(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's badge, for a label printer, made in the request (a fraction of a
    second): printed at the check-in desk for someone who registered late or lost theirs.
    Shown in the browser, ready to print; nothing is stored."""
    registration = get_object_or_404(
        printable(Registration.objects.select_related("edition", "attendee")), pk=pk
    )
    response = HttpResponse(single_badge_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"badge-{registration.edition.year}-{registration.pk}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
