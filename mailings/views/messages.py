"""Organisers' messages to participants: compose, preview, test, send, follow."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gmc.errors import show_refusal
from gmc.models import OutboxMessage
from gmc.permissions import organiser_required as organisers
from gmc.views.email_frame import email_frame, email_html_response
from mailings import selectors, services
from mailings.forms import BroadcastForm, SendForm, changed_values
from mailings.models import Broadcast


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
            show_refusal(request, refused)
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
    services.start_sending(broadcast.pk, by=request.user)
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
