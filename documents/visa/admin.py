"""The organisers' queue of visa letter requests, and the log of who saw their data.

Every organiser sees the queue: who asked, for which edition, where each request
stands, the letter's number. The passport details (columns, filter by nationality, the
request's page, the export, the letter) only reach holders of
``documents.view_visa_data`` (the "Visa letters" group), and each time they do, one
entry per request goes to the ``VisaAccessLog``, in the request's transaction.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from gmc import spreadsheets
from gmc.admin_actions import action_page
from gmc.errors import show_refusal

from . import letter, services
from .forms import DecisionForm, VisaDetailsForm
from .models import DATA_PERMISSION, DELETED_ACCOUNT, PERSONAL_FIELDS, VisaAccessLog, VisaRequest

Action = VisaAccessLog.Action


def sees_data(request: HttpRequest) -> bool:
    return (
        request.user.is_active and request.user.is_staff and request.user.has_perm(DATA_PERMISSION)
    )


class NationalityFilter(admin.SimpleListFilter):
    """By nationality: read from the decrypted rows (the column holds only tokens), and
    offered only to those who may see it, since the filter itself tells nationalities."""

    title = _("nationality")
    parameter_name = "nationality"

    def lookups(self, request, model_admin):
        codes = {
            request_.nationality
            for request_ in VisaRequest.objects.filter(erased_at__isnull=True)
            if request_.nationality
        }
        return sorted(((code, countries.name(code)) for code in codes), key=lambda c: str(c[1]))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        keep = [
            request_.pk
            for request_ in queryset.filter(erased_at__isnull=True)
            if request_.nationality == self.value()
        ]
        return queryset.filter(pk__in=keep)


class VisaRequestForm(forms.ModelForm):
    """The change page: the details (for the data permission's holders) through the
    same checks as the person's form; saved through ``services.change_details``."""

    class Meta:
        model = VisaRequest
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.details_form = None

    def clean(self):
        cleaned = super().clean()
        if self.details_form is not None and not self.details_form.is_valid():
            for name, errors in self.details_form.errors.items():
                for error in errors:
                    self.add_error(name if name in self.fields else None, error)
        return cleaned


@admin.register(VisaRequest)
class VisaRequestAdmin(admin.ModelAdmin):
    change_list_template = "documents/visa/admin/change_list.html"
    list_display = [
        "reference_label",
        "attendee_name",
        "edition_year",
        "status",
        "letter_number",
        "submitted_at",
    ]
    list_filter = ["status", "registration__edition"]
    list_select_related = ["registration__attendee", "registration__edition", "letter"]
    search_fields = [
        "registration__attendee__full_name",
        "registration__attendee__email",
        "letter__number",
    ]
    search_help_text = _("Searches the account's name and email and the letter's number.")
    list_per_page = 50
    actions = ["approve_selected", "decline_selected"]
    readonly_fields = [
        "registration_link",
        "status",
        "letter_link",
        "letter_number",
        "decision_note",
        "decided_at",
        "decided_by",
        "submitted_at",
        "updated_at",
        "erased_at",
    ]
    form = VisaRequestForm

    # --- who sees what ------------------------------------------------------------------

    def has_add_permission(self, request) -> bool:
        return False  # the person asks, from their registration

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # erased instead: the letter's number and state stay verifiable

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and sees_data(request)

    def has_decide_permission(self, request) -> bool:
        return self.has_change_permission(request)

    def get_list_display(self, request):
        if sees_data(request):
            return [
                *self.list_display[:2],
                "passport_name",
                "nationality_label",
                *self.list_display[2:],
            ]
        return self.list_display

    def get_list_filter(self, request):
        if sees_data(request):
            return [*self.list_filter, NationalityFilter]
        return self.list_filter

    def get_fieldsets(self, request, obj=None):
        # The letter itself (a link to it) only for those who may read it.
        letter = "letter_link" if sees_data(request) else "letter_number"
        fieldsets = [(None, {"fields": ["registration_link", "status", letter]})]
        if sees_data(request):
            if obj is not None and obj.is_erased:
                fieldsets.append((_("Passport details"), {"fields": ["erased_note"]}))
            else:
                fieldsets.append((_("Passport details"), {"fields": list(PERSONAL_FIELDS)}))
        fieldsets.append(
            (
                _("Decision"),
                {
                    "fields": [
                        "decision_note",
                        "decided_at",
                        "decided_by",
                        "submitted_at",
                        "updated_at",
                        "erased_at",
                    ]
                },
            )
        )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and obj.is_erased:
            fields.append("erased_note")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        details_shown = sees_data(request) and obj is not None and not obj.is_erased
        read_only = not self.has_change_permission(request, obj)
        base = super().get_form(request, obj, change, **{**kwargs, "fields": []})

        class Form(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                if not details_shown:
                    return
                data = self.data if self.is_bound else None
                initial = {name: getattr(self.instance, name) for name in PERSONAL_FIELDS}
                self.details_form = VisaDetailsForm(data, initial=initial)
                for name, field in self.details_form.fields.items():
                    field.disabled = read_only
                    self.fields[name] = field
                    self.initial[name] = initial[name]

        return Form

    # --- columns --------------------------------------------------------------------------

    @admin.display(description=_("request"), ordering="pk")
    def reference_label(self, obj: VisaRequest) -> str:
        return obj.reference

    @admin.display(description=_("account"), ordering="registration__attendee__full_name")
    def attendee_name(self, obj: VisaRequest) -> str:
        return obj.registration.attendee.display_name

    @admin.display(description=_("year"), ordering="registration__edition__year")
    def edition_year(self, obj: VisaRequest) -> int:
        return obj.registration.edition.year

    @admin.display(description=_("letter"), ordering="letter__number")
    def letter_number(self, obj: VisaRequest) -> str:
        if obj.letter is None:
            return "—"
        if obj.letter.is_revoked:
            return _("%(number)s (revoked)") % {"number": obj.letter.number}
        return obj.letter.number

    @admin.display(description=_("full name as in the passport"))
    def passport_name(self, obj: VisaRequest) -> str:
        return obj.passport_name or "—"

    @admin.display(description=_("nationality"))
    def nationality_label(self, obj: VisaRequest) -> str:
        return obj.nationality_name or "—"

    @admin.display(description=_("registration"))
    def registration_link(self, obj: VisaRequest) -> str:
        registration = obj.registration
        url = reverse("admin:registration_registration_change", args=[registration.pk])
        return format_html(
            '<a href="{}">{}</a> ({})',
            url,
            registration.attendee.display_name,
            registration.display_status,
        )

    @admin.display(description=_("letter"))
    def letter_link(self, obj: VisaRequest) -> str:
        letter = obj.letter
        if letter is None:
            return "—"
        state = _("revoked") if letter.is_revoked else _("valid")
        if letter.is_ready:
            url = reverse("admin:documents_visarequest_letter", args=[obj.pk])
            return format_html('<a href="{}">{}</a> ({})', url, letter.number, state)
        return format_html("{} ({})", letter.number, state)

    @admin.display(description=_("passport details"))
    def erased_note(self, obj: VisaRequest) -> str:
        return _("Erased on %(day)s.") % {
            "day": timezone.localtime(obj.erased_at).date().isoformat()
        }

    # --- every look at the data is logged -------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if sees_data(request) and changelist is not None:
            shown = [obj for obj in changelist.result_list if not obj.is_erased]
            with transaction.atomic():
                services.record_access(request.user, Action.LISTED, shown)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # The page shown (not a redirect after saving) holds the details.
        if sees_data(request) and getattr(response, "status_code", 0) == 200:
            obj = self.get_object(request, object_id)
            if obj is not None and not obj.is_erased:
                with transaction.atomic():
                    services.record_access(request.user, Action.VIEWED, [obj])
        return response

    def save_model(self, request, obj: VisaRequest, form, change: bool) -> None:
        details_form = getattr(form, "details_form", None)
        if details_form is None or not change:
            return
        try:
            services.change_details(obj.pk, by=request.user, details=details_form.details())
        except services.VisaRequestError as error:
            show_refusal(request, error)

    def construct_change_message(self, request, form, formsets, add=False):
        # The admin's history names the fields changed, never their values (Django's own
        # message does the same); kept explicit so that no value slips in.
        details = getattr(form, "details_form", None)
        if details is None or not details.has_changed():
            return []
        return [
            {"changed": {"fields": [str(details.fields[n].label) for n in details.changed_data]}}
        ]

    # --- decisions ------------------------------------------------------------------------

    @admin.action(description=_("Approve and issue the letters"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        return self._decide(request, queryset, "approve")

    @admin.action(description=_("Decline, with a note to the people"), permissions=["decide"])
    def decline_selected(self, request, queryset):
        return self._decide(request, queryset, "decline")

    def _decide(self, request, queryset, decision: str):
        form = DecisionForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():
            form.initial["decision"] = decision
            requests = list(queryset.select_related("registration__attendee"))
            return action_page(
                self,
                request,
                "documents/visa/admin/decide.html",
                title=_("Approve visa letter requests")
                if decision == "approve"
                else _("Decline visa letter requests"),
                action_name=f"{decision}_selected",
                selected=[visa.pk for visa in requests],
                form=form,
                decision=decision,
                requests=requests,
            )
        note = form.cleaned_data["note"]
        service = services.approve_request if decision == "approve" else services.decline_request
        done = 0
        for obj in queryset.select_related("registration__attendee"):
            try:
                service(obj.pk, by=request.user, note=note)
            except services.VisaRequestError as error:
                show_refusal(request, error, about=obj.reference)
            else:
                done += 1
        if done:
            message = (
                ngettext("%d request approved.", "%d requests approved.", done)
                if decision == "approve"
                else ngettext("%d request declined.", "%d requests declined.", done)
            )
            self.message_user(request, message % done, messages.SUCCESS)
        return None

    # --- the export and the letter --------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="documents_visarequest_export",
            ),
            path(
                "<int:pk>/letter.pdf",
                self.admin_site.admin_view(self.letter_view),
                name="documents_visarequest_letter",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The list as filtered, with the passport details, as CSV: for the data
        permission's holders only; one log entry per request exported."""
        if not (self.has_view_permission(request) and sees_data(request)):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:documents_visarequest_changelist") + "?e=1")
        rows_of = list(
            queryset.select_related("registration__attendee", "registration__edition", "letter")
        )
        header = [
            str(_("request")),
            str(_("year")),
            str(_("status")),
            str(_("letter")),
            *[str(VisaRequest._meta.get_field(name).verbose_name) for name in PERSONAL_FIELDS],
            str(_("email")),
        ]
        rows = [
            [
                obj.reference,
                obj.registration.edition.year,
                obj.get_status_display(),
                obj.letter.number if obj.letter else "",
                obj.passport_name or "",
                obj.nationality_name,
                obj.passport_number or "",
                obj.date_of_birth.isoformat() if obj.date_of_birth else "",
                obj.purpose or "",
                obj.registration.attendee.email,
            ]
            for obj in rows_of
        ]
        with transaction.atomic():
            services.record_access(request.user, Action.EXPORTED, rows_of)
        response = HttpResponse(
            spreadsheets.to_csv(header, rows), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="visa-requests-{stamp}.csv"'
        return response

    def letter_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The letter as issued, for the data permission's holders; logged."""
        if not sees_data(request):
            raise PermissionDenied
        obj = get_object_or_404(VisaRequest.objects.select_related("letter"), pk=pk)
        if obj.letter is None or not obj.letter.is_ready:
            raise Http404("No letter")
        with transaction.atomic():
            services.record_access(request.user, Action.LETTER_DOWNLOADED, [obj])
        return letter.letter_response(obj.letter)


@admin.register(VisaAccessLog)
class VisaAccessLogAdmin(admin.ModelAdmin):
    """Read-only for the data permission's holders; nobody adds, changes or deletes."""

    list_display = ["at", "actor_label", "action", "request_reference", "note"]
    list_filter = ["action", "at"]
    search_fields = ["request_reference", "actor_name"]
    date_hierarchy = "at"
    list_per_page = 100
    fields = ["at", "actor_label", "action", "request_reference", "note"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None) -> bool:
        return sees_data(request)

    def has_module_permission(self, request) -> bool:
        return sees_data(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("who"), ordering="actor_name")
    def actor_label(self, entry: VisaAccessLog) -> str:
        if entry.actor_name == DELETED_ACCOUNT:
            return str(_("a deleted account"))
        return entry.actor_name or str(_("the system"))
