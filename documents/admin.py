"""Organisers' admin of issued documents: who has which, their numbers, revoking."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationTabularInline

from gmc.admin_actions import action_page
from gmc.admin_audit import AuditedAdmin
from gmc.admin_labels import ColumnLabels
from gmc.admin_translation import FieldsInTheirLanguage, TranslatedAdmin

from . import certificates, services
from .badges import admin as badges_admin  # noqa: F401  the registrations' "Print badges"
from .models import AttendedRegistration, CertificateDesign, Document, Logo, Signatory


@admin.register(Document)
class DocumentAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["number", "kind", "stated_name", "edition", "issued_at", "generated_at",
                    "revoked_at"]  # fmt: skip
    list_filter = ["kind", "edition", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["edition"]
    search_fields = ["number", "stated_name", "registration__attendee__email"]
    actions = ["revoke", "render_again"]
    fields = ["number", "kind", "registration", "edition", "stated_name", "language",
              "issued_at", "issued_by", "generated_at", "notified_at", "revoked_at",
              "revoked_by", "revocation_reason"]  # fmt: skip
    readonly_fields = fields
    audit_admin_changes = False  # nothing is edited here; actions record their own

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued through the registrations' actions, with their checks

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # revoke instead: the verification page must say so

    @admin.action(description=_("Revoke the selected documents"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset) -> None:
        count = 0
        for document in queryset.valid():
            services.revoke_document(document.pk, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d document revoked.", "%(count)d documents revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Make their PDFs again if anything changed"),
                  permissions=["change"])  # fmt: skip
    def render_again(self, request: HttpRequest, queryset) -> None:
        ids = list(queryset.valid().values_list("pk", flat=True))
        services.request_generation(ids)
        self.message_user(
            request,
            ngettext(
                "%(count)d document will be checked and made again if needed.",
                "%(count)d documents will be checked and made again if needed.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )


# --- certificates of attendance ---------------------------------------------------------


class SignatoryInline(FieldsInTheirLanguage, ColumnLabels, TranslationTabularInline):
    model = Signatory
    fields = ["name", "title", "signature", "order"]
    extra = 1


class LogoInline(FieldsInTheirLanguage, ColumnLabels, TranslationTabularInline):
    model = Logo
    fields = ["image", "description", "order"]
    extra = 1


@admin.register(CertificateDesign)
class CertificateDesignAdmin(AuditedAdmin, TranslatedAdmin):
    """The wording per language, the signatories and the logos of an edition's
    certificates; saving has every certificate of the edition made again (same numbers)."""

    list_display = ["edition", "updated_at"]
    list_select_related = ["edition"]
    fields = ["edition", "wording"]
    inlines = [SignatoryInline, LogoInline]


class CertificateFilter(admin.SimpleListFilter):
    title = _("certificate")
    parameter_name = "certificate"

    def lookups(self, request, model_admin):
        return [("issued", _("Issued")), ("none", _("Not issued"))]

    def queryset(self, request, queryset):
        valid = Document.objects.valid().filter(
            kind=certificates.KIND, registration=OuterRef("pk")
        )
        if self.value() == "issued":
            return queryset.filter(Exists(valid))
        if self.value() == "none":
            return queryset.exclude(Exists(valid))
        return queryset


@admin.register(AttendedRegistration)
class AttendedRegistrationAdmin(admin.ModelAdmin):
    """Everyone who attended (checked in, or marked as joined online), with their
    certificate's number; the action issues certificates in bulk or one by one, after a
    page with the count and a sample PDF."""

    list_display = ["attendee_name", "edition", "attendance", "came", "certificate"]
    list_filter = ["edition", "attendance", CertificateFilter]
    search_fields = ["attendee__full_name", "attendee__email"]
    list_select_related = ["attendee", "edition"]
    actions = ["issue_selected"]
    list_display_links = None

    def get_queryset(self, request):
        valid = Document.objects.valid().filter(
            kind=certificates.KIND, registration=OuterRef("pk")
        )
        return (
            super()
            .get_queryset(request)
            .attended()
            .annotate(certificate_number=Subquery(valid.values("number")[:1]))
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The list and its action only: registrations are changed on their own page.
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("name"), ordering="attendee__full_name")
    def attendee_name(self, registration) -> str:
        return registration.attendee.display_name

    @admin.display(description=_("attended"))
    def came(self, registration) -> str:
        moment = registration.checked_in_at or registration.joined_at
        return formats.date_format(moment.astimezone(registration.edition.tz), "DATE_FORMAT")

    @admin.display(description=_("certificate"), ordering="certificate_number")
    def certificate(self, registration) -> str:
        return registration.certificate_number or "—"

    def get_urls(self):
        urls = super().get_urls()
        preview = path(
            "<int:pk>/sample.pdf",
            self.admin_site.admin_view(self.sample_view),
            name="documents_attendedregistration_sample",
        )
        return [preview, *urls]

    def sample_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The certificate this person would get, as a PDF shown in the browser: nothing
        is issued, no number taken."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        registration = self.get_queryset(request).filter(pk=pk).first()
        if registration is None:
            raise Http404("No such attendee")
        response = HttpResponse(certificates.sample_pdf(registration), "application/pdf")
        response["Content-Disposition"] = 'inline; filename="sample-certificate.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description=_("Issue certificates of attendance"), permissions=["change"])
    def issue_selected(self, request: HttpRequest, queryset):
        """First a page with how many certificates would be issued (the others already
        have one) and a sample PDF; issuing happens when that page is confirmed."""
        selected = list(queryset.order_by("pk"))
        to_issue = [r for r in selected if not r.certificate_number]
        if request.POST.get("confirm") == "yes":
            issued = certificates.issue_certificates([r.pk for r in to_issue], by=request.user)
            self.message_user(
                request,
                ngettext(
                    "%(count)d certificate issued: it will be ready in a moment and its "
                    "holder told by email.",
                    "%(count)d certificates issued: they will be ready in a moment and "
                    "their holders told by email.",
                    len(issued),
                )
                % {"count": len(issued)},
                messages.SUCCESS,
            )
            return None
        return action_page(
            self,
            request,
            "documents/admin/issue_certificates.html",
            title=_("Issue certificates of attendance"),
            action_name="issue_selected",
            selected=[r.pk for r in selected],
            to_issue=to_issue,
            already=len(selected) - len(to_issue),
            sample=to_issue[0] if to_issue else None,
        )


# The queue of visa letter requests and the log of who saw their data.
from .visa import admin as visa_admin  # noqa: E402, F401
