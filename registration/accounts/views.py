"""A person's own account pages: profile, "my data" (download, delete)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gmc.errors import refusal_on_form
from gmc.models import User

from . import selectors, services
from .forms import DeleteAccountForm, ProfileForm


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    # A copy of the user: an invalid form must not change the request's user in memory.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(request.user.pk, **form.cleaned_data)
        except services.AccountError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    return render(request, "registration/account/profile.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET"])
def my_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/account/my_data.html",
        {"delete_form": DeleteAccountForm(user=request.user)},
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def download(request: HttpRequest) -> HttpResponse:
    data = selectors.account_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"gmc-my-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.delete_account(request.user.pk)
        except services.AccountError as error:
            refusal_on_form(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account and your data have been deleted."))
            return redirect("home")
    return render(request, "registration/account/my_data.html", {"delete_form": form})
