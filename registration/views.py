"""Attendee and organiser pages of registration: thin, the services decide."""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_permissions_policy.decorators import permissions_policy_override

from gmc.models import Edition
from gmc.parsing import is_plain_number
from gmc.selectors import current_edition

from . import selectors, services
from .forms import CancelForm, CheckInSearchForm, RegistrationForm, language_name
from .models import Question, Registration
from .tickets import checkin_address, event_ics, qr_svg

# The site's Permissions-Policy with the camera on for the site itself: the check-in page
# reads tickets' QR codes with it (static/registration/checkin-scan.js).
CAMERA_FOR_THIS_SITE = {**settings.PERMISSIONS_POLICY, "camera": ["self"]}


def organiser_required(permission: str):
    """Staff with the given model permission; anonymous people are sent to log in."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not (request.user.is_staff and request.user.has_perm(permission)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _published_edition(year: int) -> Edition:
    return get_object_or_404(Edition.objects.published(), year=year)


def _questions(edition: Edition) -> list[Question]:
    return list(Question.objects.filter(edition=edition).order_by("order", "pk"))


def _own_registration(request: HttpRequest, year: int) -> Registration:
    """The signed-in person's registration for that year: nobody else's is reachable."""
    return get_object_or_404(
        Registration.objects.select_related("edition", "attendee"),
        attendee=request.user,
        edition__year=year,
    )


def _add_service_error(form, error: services.RegistrationError) -> None:
    """Show a refusal by the field it concerns, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- attendees ---------------------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    """/register/: the form of the current edition."""
    edition = current_edition()
    if edition is None:
        return render(request, "registration/no_edition.html")
    return register_year(request, edition.year)


@login_required
def register_year(request: HttpRequest, year: int) -> HttpResponse:
    edition = _published_edition(year)
    existing = selectors.active_registration(request.user, edition)
    if existing is not None:
        messages.info(request, _("You are already registered for this edition."))
        return redirect("registration:mine")
    questions = _questions(edition)
    state = edition.registration_state()
    form = None
    if request.method == "POST":
        form = RegistrationForm(request.POST, edition=edition, questions=questions)
        if form.is_valid():
            try:
                registration = services.register_attendee(
                    edition.pk,
                    attendee=request.user,
                    consent=form.cleaned_data["consent"],
                    **form.service_kwargs(),
                )
            except services.RegistrationError as error:
                _add_service_error(form, error)
            else:
                if registration.status == Registration.Status.WAITING:
                    messages.warning(
                        request,
                        _(
                            "All in-person seats are taken: you are on the waiting list. "
                            "We will write to you as soon as a seat is yours."
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _("You are registered. We have sent you an email with your ticket."),
                    )
                return redirect("registration:mine")
    elif state == "open":
        form = RegistrationForm(edition=edition, questions=questions)
    return render(
        request,
        "registration/register.html",
        {
            "edition": edition,
            "form": form,
            "state": state,
            "seats": selectors.seat_summary(edition),
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in person's registrations, newest edition first."""
    registrations = list(selectors.my_registrations(request.user))
    for registration in registrations:
        registration.position = selectors.waiting_position(registration)
        registration.interpretation_name = language_name(registration.interpretation_language)
        registration.can_edit = (
            registration.is_active and registration.edition.registration_state() == "open"
        )
        registration.joining = None
        if (
            registration.status == Registration.Status.CONFIRMED
            and registration.attendance == Registration.Attendance.ONLINE
        ):
            registration.joining = selectors.joining_details(registration.edition)
    edition = current_edition()
    registered_years = {r.edition.year for r in registrations if r.is_active}
    return render(
        request,
        "registration/mine.html",
        {
            "registrations": registrations,
            "current": edition,
            "can_register_current": edition is not None
            and edition.year not in registered_years
            and edition.registration_state() == "open",
        },
    )


@login_required
def edit(request: HttpRequest, year: int) -> HttpResponse:
    registration = _own_registration(request, year)
    edition = registration.edition
    if not registration.is_active or edition.registration_state() != "open":
        messages.error(
            request,
            _("This registration can no longer be changed here; please write to the organisers."),
        )
        return redirect("registration:mine")
    questions = _questions(edition)
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        edition=edition,
        questions=questions,
        registration=registration,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_registration(registration.pk, by=request.user, **form.service_kwargs())
        except services.RegistrationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Your registration is updated."))
            return redirect("registration:mine")
    return render(
        request,
        "registration/edit.html",
        {"edition": edition, "registration": registration, "form": form},
    )


@login_required
def cancel(request: HttpRequest, year: int) -> HttpResponse:
    registration = _own_registration(request, year)
    if not registration.is_active:
        messages.info(request, _("This registration is already cancelled."))
        return redirect("registration:mine")
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.cancel_registration(registration.pk, by=request.user)
        messages.success(request, _("Your registration is cancelled. We have sent you an email."))
        return redirect("registration:mine")
    return render(
        request, "registration/cancel.html", {"registration": registration, "form": form}
    )


@require_POST
@login_required
def resend(request: HttpRequest, year: int) -> HttpResponse:
    registration = _own_registration(request, year)
    try:
        services.resend_confirmation(registration.pk, by=request.user)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("We have sent your confirmation again to %(email)s.")
            % {"email": request.user.email},
        )
    return redirect("registration:mine")


@login_required
def ticket(request: HttpRequest, code: str) -> HttpResponse:
    """The ticket, addressed by its unguessable code, shown to its owner or an organiser;
    for online attendance, the joining details instead. Anyone else gets the same 404
    as for a code that does not exist."""
    registration = (
        Registration.objects.select_related("edition", "attendee").filter(ticket_code=code).first()
    )
    if registration is None or not (
        registration.attendee_id == request.user.pk
        or request.user.has_perm("registration.view_registration")
    ):
        raise Http404
    valid = registration.status == Registration.Status.CONFIRMED
    if registration.attendance == Registration.Attendance.ONLINE:
        # Nothing to show at an entrance: the links to follow online, and the calendar.
        return render(
            request,
            "registration/joining.html",
            {
                "registration": registration,
                "edition": registration.edition,
                "valid": valid,
                "joining": selectors.joining_details(registration.edition) if valid else None,
                "is_owner": registration.attendee_id == request.user.pk,
            },
        )
    return render(
        request,
        "registration/ticket.html",
        {
            "registration": registration,
            "edition": registration.edition,
            "qr": qr_svg(checkin_address(registration), label=_("QR code of the ticket")),
            "valid": valid,
        },
    )


@login_required
def ics(request: HttpRequest, year: int) -> HttpResponse:
    registration = _own_registration(request, year)
    if not registration.is_active:
        raise Http404
    response = HttpResponse(
        event_ics(registration.edition, registration), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="gmc-{year}.ics"'
    return response


# --- organisers --------------------------------------------------------------------------


def _organiser_edition(request: HttpRequest) -> Edition:
    year = request.GET.get("year", "")
    if is_plain_number(year):
        return get_object_or_404(Edition, year=int(year))
    edition = current_edition()
    if edition is None:
        raise Http404(_("There is no current edition."))
    return edition


@organiser_required("registration.change_registration")
@permissions_policy_override(CAMERA_FOR_THIS_SITE)  # the page only, not the way to it
def checkin(request: HttpRequest) -> HttpResponse:
    """Look people up by ticket code, name or email, and check them in."""
    edition = _organiser_edition(request)
    form = CheckInSearchForm(request.GET or None)
    results: list[Registration] = []
    if form.is_valid():
        results = list(selectors.checkin_search(edition, form.cleaned_data["q"]))
    return render(
        request,
        "registration/checkin.html",
        {
            "edition": edition,
            "form": form,
            "results": results,
            "searched": form.is_bound and form.is_valid() and form.cleaned_data["q"],
            "seats": selectors.seat_summary(edition),
        },
    )


@require_POST
@organiser_required("registration.change_registration")
def checkin_mark(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration, pk=pk)
    try:
        result = services.check_in(registration.pk, by=request.user)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        name = result.registration.attendee.get_full_name()
        if result.already:
            moment = result.registration.checked_in_at.astimezone(registration.edition.tz)
            messages.warning(
                request,
                _("%(name)s was already checked in at %(time)s (%(zone)s). Nothing changed.")
                % {
                    "name": name,
                    "time": moment.strftime("%H:%M"),
                    "zone": registration.edition.time_zone,
                },
            )
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": name})
    query = request.POST.get("q", "")[:300]
    url = reverse("registration:checkin") + f"?year={registration.edition.year}"
    if query:
        url += f"&q={quote(query)}"
    return redirect(url)


@organiser_required("registration.view_registration")
def stats(request: HttpRequest) -> HttpResponse:
    edition = _organiser_edition(request)
    return render(
        request,
        "registration/stats.html",
        {"edition": edition, "stats": selectors.statistics(edition)},
    )
