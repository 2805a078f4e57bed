"""Email preferences: one-click unsubscribe links and the preferences page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from gmc.models import User
from mailings import preferences
from mailings.forms import PreferencesForm
from mailings.models import EmailCategory


@csrf_exempt  # RFC 8058: mail clients POST here without a form or cookies; the signed
# token in the address is what authorises the change, and it can only opt out.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation (mail scanners follow links; they must not unsubscribe
    anyone); POST unsubscribes, from the confirmation page or a mail client's one-click
    request."""
    try:
        user_id, category = preferences.read_token(token)
    except preferences.BadToken:
        return render(request, "mailings/unsubscribe_invalid.html", status=400)
    person = User.objects.filter(pk=user_id).only("email").first()
    if person is None:
        return render(request, "mailings/unsubscribe_invalid.html", status=400)
    label = EmailCategory(category).label
    if request.method == "POST":
        preferences.unsubscribe(user_id, category)
        return render(
            request,
            "mailings/unsubscribe_done.html",
            {"category_label": label, "email": person.email},
        )
    return render(
        request,
        "mailings/unsubscribe_confirm.html",
        {"category_label": label, "email": person.email, "token": token},
    )


@login_required
def email_preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            preferences.set_preferences(request.user.pk, form.cleaned_data["accepted"])
            messages.success(request, _("Your email preferences are saved."))
            return redirect("mailings:preferences")
    else:
        declined = preferences.declined_categories(request.user.pk)
        form = PreferencesForm(
            initial={"accepted": [c for c in EmailCategory.values if c not in declined]}
        )
    return render(request, "mailings/preferences.html", {"form": form})
