"""Attendee and organiser pages of registration: thin, the services decide."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_permissions_policy.decorators import permissions_policy_override

from gmc import database
from gmc.errors import refusal_on_form, show_refusal
from gmc.models import Edition, User
from gmc.permissions import organiser_required
from gmc.query_numbers import is_plain_number
from gmc.selectors import current_edition

from . import extensions, selectors, services
from .accounts import services as account_services
from .forms import CancelForm, CheckInSearchForm, PersonForm, RegistrationForm, language_name
from .models import Question, Registration
from .tickets import checkin_address, event_ics, qr_svg

# The site's Permissions-Policy with the camera on for the site itself: the check-in page
# reads tickets' QR codes with it (static/registration/checkin-scan.js).
CAMERA_FOR_THIS_SITE = {**settings.PERMISSIONS_POLICY, "camera": ["self"]}


def _published_edition(year: int) -> Edition:
    return get_object_or_404(Edition.objects.published(), year=year)


def _questions(edition: Edition) -> list[Question]:
    questions = Question.objects.filter(edition=edition).order_by("order", "pk")
    return list(questions.prefetch_related("choices"))


def _own_registration(request: HttpRequest, year: int) -> Registration:
    """The signed-in person's registration for that year: nobody else's is reachable."""
    return get_object_or_404(
        Registration.objects.select_related("edition", "attendee"),
        attendee=request.user,
        edition__year=year,
    )


def _person_form(request: HttpRequest) -> PersonForm:
    """The name, organisation and country, prefilled from the profile. A copy of the
    user: an invalid form must not change the request's user in memory."""
    return PersonForm(
        request.POST if request.method == "POST" else None,
        instance=User.objects.get(pk=request.user.pk),
    )


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
    options = extensions.form_options(edition)
    state = edition.registration_state()
    form = None
    busy = False
    person_form = _person_form(request)
    if request.method == "POST":
        form = RegistrationForm(
            request.POST, edition=edition, questions=questions, options=options
        )
        if all([person_form.is_valid(), form.is_valid()]):  # both forms show their errors
            try:
                # The name goes to the profile with the registration, or not at all.
                with transaction.atomic():
                    person = account_services.update_person(
                        request.user.pk, **person_form.service_kwargs()
                    )
                    registration = services.register_attendee(
                        edition.pk,
                        attendee=person,
                        consent=form.cleaned_data["consent"],
                        **form.service_kwargs(),
                    )
            except account_services.AccountError as error:
                refusal_on_form(person_form, error)
            except services.RegistrationError as error:
                refusal_on_form(form, error)
            except DatabaseError as error:
                if not database.is_busy(error):
                    raise
                # Too long behind the seat lock (or the connection was lost): the
                # transaction is rolled back, so nothing is saved. The same form again,
                # as typed, to send once more.
                busy = True
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
                # The registration is stored: a next step asked for (an invitation
                # letter) may be left half-way, and is offered again on "My registration".
                for option in form.chosen_options(registration):
                    if option.next_message:
                        messages.info(request, option.next_message)
                    return redirect(option.next_url(registration))
                return redirect("registration:mine")
    elif state == "open":
        form = RegistrationForm(edition=edition, questions=questions, options=options)
    response = render(
        request,
        "registration/register.html",
        {
            "edition": edition,
            "form": form,
            "person_form": person_form,
            "state": state,
            "seats": selectors.seat_summary(edition),
            "busy": busy,
        },
    )
    return database.retry_later(response) if busy else response


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
        # Someone checked in came: there is nothing left to cancel (the service refuses).
        registration.can_cancel = registration.is_active and not registration.attended
        registration.sections = extensions.sections(request, registration)
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
    person_form = _person_form(request)
    if request.method == "POST" and all([person_form.is_valid(), form.is_valid()]):
        try:
            with transaction.atomic():
                account_services.update_person(request.user.pk, **person_form.service_kwargs())
                services.update_registration(
                    registration.pk, by=request.user, **form.service_kwargs()
                )
        except account_services.AccountError as error:
            refusal_on_form(person_form, error)
        except services.RegistrationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, _("Your registration is updated."))
            return redirect("registration:mine")
    return render(
        request,
        "registration/edit.html",
        {
            "edition": edition,
            "registration": registration,
            "form": form,
            "person_form": person_form,
        },
    )


@login_required
def cancel(request: HttpRequest, year: int) -> HttpResponse:
    registration = _own_registration(request, year)
    if not registration.is_active:
        messages.info(request, _("This registration is already cancelled."))
        return redirect("registration:mine")
    if registration.attended:
        messages.error(
            request,
            _(
                "You were checked in at the conference, so this registration can no longer be "
                "cancelled."
            ),
        )
        return redirect("registration:mine")
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_registration(registration.pk, by=request.user)
        except services.RegistrationError as error:
            show_refusal(request, error)
        else:
            messages.success(
                request, _("Your registration is cancelled. We have sent you an email.")
            )
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
        show_refusal(request, error)
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
        for registration in results:
            registration.door_answers = selectors.door_answers(registration)
    return render(
        request,
        "registration/checkin.html",
        {
            "edition": edition,
            "form": form,
            "results": results,
            "searched": form.is_bound and form.is_valid() and form.cleaned_data["q"],
            "seats": selectors.seat_summary(edition),
            "days_early": selectors.days_before_start(edition),
            "row_templates": extensions.row_templates(),
        },
    )


@require_POST
@organiser_required("registration.change_registration")
def checkin_mark(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration, pk=pk)
    try:
        result = services.check_in(registration.pk, by=request.user)
    except services.RegistrationError as error:
        show_refusal(request, error)
    else:
        name = result.registration.attendee.display_name
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
        elif result.days_early:
            # Checked in all the same: the door must not stop on a date typed wrong in
            # the admin; the organiser sees at once that it was early.
            messages.warning(
                request,
                ngettext(
                    "%(name)s is checked in, %(days)d day before the conference starts "
                    "(%(start)s, %(zone)s).",
                    "%(name)s is checked in, %(days)d days before the conference starts "
                    "(%(start)s, %(zone)s).",
                    result.days_early,
                )
                % {
                    "name": name,
                    "days": result.days_early,
                    "start": formats.date_format(registration.edition.start_date, "DATE_FORMAT"),
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
