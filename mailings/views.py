"""Organisers' messages to participants (compose, preview, test, send, follow), and
everyone's email preferences and one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from gmc.models import OutboxMessage, User
from gmc.views.email_frame import email_frame, email_html_response

from . import preferences, selectors, services
from .forms import BroadcastForm, PreferencesForm, SendForm, changed_values
from .models import Broadcast, EmailCategory


def organisers(permission: str):
    """Signed in (else the login page), then holding ``permission`` (else 403)."""

    def decorate(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorate


@organisers("mailings.view_broadcast")
def message_list(request: HttpRequest) -> HttpResponse:
    Status = OutboxMessage.Status
    broadcasts = (
        Broadcast.objects.select_related("edition")
        .annotate(
            sent_count=Count("outbox_messages", filter=Q(outbox_messages__status=Status.SENT)),
            failed_count=Count("outbox_messages", filter=Q(outbox_messages__status=Status.FAILED)),
        )
        .order_by("-created_at")
    )
    return render(request, "mailings/message_list.html", {"broadcasts": broadcasts})


@organisers("mailings.add_broadcast")
def message_new(request: HttpRequest) -> HttpResponse:
    form = BroadcastForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        broadcast = form.save(commit=False)
        broadcast.created_by = request.user
        broadcast.save()
        messages.success(request, _("Draft saved. Check the recipients and the preview."))
        return redirect("mailings:message_detail", pk=broadcast.pk)
    return render(request, "mailings/message_form.html", {"form": form, "broadcast": None})


@organisers("mailings.change_broadcast")
def message_edit(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = get_object_or_404(Broadcast, pk=pk)
    if broadcast.status != Broadcast.Status.DRAFT:
        messages.info(request, _("This message was sent; it can no longer be changed."))
        return redirect("mailings:message_detail", pk=pk)
    form = BroadcastForm(request.POST or None, instance=broadcast)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(pk, changes=changed_values(form), by=request.user)
        except services.MessagingError as refused:
            messages.error(request, str(refused))
            return redirect("mailings:message_detail", pk=pk)
        messages.success(request, _("Draft saved."))
        return redirect("mailings:message_detail", pk=pk)
    return render(request, "mailings/message_form.html", {"form": form, "broadcast": broadcast})


@organisers("mailings.view_broadcast")
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = get_object_or_404(Broadcast.objects.select_related("edition"), pk=pk)
    if broadcast.status != Broadcast.Status.DRAFT:
        return redirect("mailings:message_progress", pk=pk)
    subject, text, _html = services.preview(broadcast, request.user)
    return render(
        request,
        "mailings/message_detail.html",
        {
            "broadcast": broadcast,
            "recipient_count": services.recipients(broadcast).count(),
            "preview_subject": subject,
            "preview_text": text,
            "send_form": SendForm(),
        },
    )


@organisers("mailings.view_broadcast")
@email_frame
def message_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as the email it becomes, framed by its page (message_detail)."""
    broadcast = get_object_or_404(Broadcast, pk=pk)
    _subject, _text, html = services.preview(broadcast, request.user)
    return email_html_response(html)


@require_POST
@organisers("mailings.change_broadcast")
def message_send_test(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = get_object_or_404(Broadcast, pk=pk)
    services.send_test(broadcast.pk, to=request.user)
    messages.success(
        request, _("A test copy is on its way to %(email)s.") % {"email": request.user.email}
    )
    return redirect("mailings:message_detail", pk=pk)


@require_POST
@organisers("mailings.change_broadcast")
def message_send(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = get_object_or_404(Broadcast, pk=pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm before sending."))
        return redirect("mailings:message_detail", pk=pk)
    services.start_sending(broadcast.pk)
    return redirect("mailings:message_progress", pk=pk)


@organisers("mailings.view_broadcast")
def message_progress(request: HttpRequest, pk: int) -> HttpResponse:
    broadcast = get_object_or_404(Broadcast.objects.select_related("edition"), pk=pk)
    if broadcast.status == Broadcast.Status.DRAFT:
        return redirect("mailings:message_detail", pk=pk)
    return render(
        request,
        "mailings/message_progress.html",
        {"broadcast": broadcast, "progress": selectors.progress(broadcast)},
    )


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
