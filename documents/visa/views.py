"""The person's page for their invitation letter request: thin, the services decide."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gmc.errors import refusal_on_form
from registration.models import Registration

from . import services
from .forms import VisaDetailsForm
from .models import PERSONAL_FIELDS, VisaRequest

Action = services.Action


def _own_registration(request: HttpRequest, year: int) -> Registration:
    """The signed-in person's registration for that year: nobody else's is reachable."""
    return get_object_or_404(
        Registration.objects.select_related("edition", "attendee"),
        attendee=request.user,
        edition__year=year,
    )


def purpose_suggested(registration: Registration) -> str:
    """What the purpose of travel says unless the person writes otherwise."""
    edition = registration.edition
    if edition.city:
        return _("To attend %(title)s in %(place)s.") % {
            "title": edition.title,
            "place": edition.city,
        }
    return _("To attend %(title)s.") % {"title": edition.title}


@login_required
def visa_request(request: HttpRequest, year: int) -> HttpResponse:
    """Ask for a letter, see where the request stands, change the details. Only for the
    person's own active in-person registration (404 otherwise: nothing to ask for)."""
    registration = _own_registration(request, year)
    existing = VisaRequest.objects.filter(registration=registration).first()
    if not services.may_ask(registration):
        if existing is None:
            raise Http404("No invitation letter for this registration")
        return render(
            request,
            "documents/visa/request.html",
            {
                "registration": registration,
                "visa": existing,
                "form": None,
                "letter": existing.letter if existing.letter_id else None,
            },
        )
    if request.method == "POST":
        form = VisaDetailsForm(request.POST)
        if form.is_valid():
            try:
                visa = services.request_letter(
                    registration.pk, by=request.user, details=form.details()
                )
            except services.VisaRequestError as error:
                refusal_on_form(form, error)
            else:
                if existing is not None and visa.submitted_at == existing.submitted_at:
                    messages.info(request, _("Nothing changed in your request."))
                else:
                    messages.success(
                        request,
                        _(
                            "Your request for an invitation letter is sent. We will write to "
                            "you once the organisers have decided."
                        ),
                    )
                return redirect("registration:mine")
    else:
        initial = {"purpose": purpose_suggested(registration)}
        if existing is not None and not existing.is_erased:
            initial.update({name: getattr(existing, name) for name in PERSONAL_FIELDS})
            with transaction.atomic():
                services.record_access(request.user, Action.SEEN_BY_PERSON, [existing])
        form = VisaDetailsForm(initial=initial)
    return render(
        request,
        "documents/visa/request.html",
        {
            "registration": registration,
            "visa": existing,
            "form": form,
            "letter": existing.letter if existing is not None and existing.letter_id else None,
            "retention_days": settings.VISA_DATA_RETENTION_DAYS,
        },
    )


def registration_section(request: HttpRequest, registration: Registration) -> dict | None:
    """The part of "My registration" about the letter (``registration.extensions``):
    where the request stands and the letter to download, or the way to ask."""
    visa = getattr(registration, "visa_request", None)
    if visa is None and not services.may_ask(registration):
        return None
    letter = visa.letter if visa is not None and visa.letter_id else None
    return {
        "visa": visa,
        "letter": letter if letter is not None and letter.is_ready else None,
        "may_ask": services.may_ask(registration),
    }
