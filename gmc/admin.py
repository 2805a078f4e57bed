from django import forms
from django.conf import global_settings
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_field, unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gmc import outbox, services

# Also registers the audit log's own admin.
from gmc.admin_audit import AuditedAdmin
from gmc.admin_labels import AutocompletePlaceholders
from gmc.admin_translation import TranslatedAdmin
from gmc.errors import show_refusal
from gmc.models import (
    AllianceMember,
    Edition,
    NewsArticle,
    Organisation,
    OutboxMessage,
    Publication,
    User,
)
from gmc.signals import capacity_changed
from gmc.templatetags.gmc_extras import language_name


@admin.register(User)
class UserAdmin(AutocompletePlaceholders, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "organisation_type"]
    search_fields = ["email", "full_name", "given_name", "family_name", "organisation_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Personal information"),
            {
                "fields": [
                    "given_name",
                    "family_name",
                    "badge_name",
                    "full_name",
                    "job_title",
                    "organisation_name",
                    "organisation",
                    "organisation_type",
                    "country",
                    "language",
                    "time_zone",
                ]
            },
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "given_name", "family_name", "password1", "password2"],
            },
        ),
    ]
    readonly_fields = ["full_name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]

    def save_model(self, request, obj, form, change):
        # The full name is derived from the parts, as everywhere else; a name written in
        # one piece before names had parts is kept until someone edits the parts.
        if {"given_name", "family_name", "badge_name"} & set(form.changed_data):
            obj.set_name(obj.given_name, obj.family_name, obj.badge_name)
        super().save_model(request, obj, form, change)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "to_email",
        "status",
        "attempts",
        "sent_at",
        "short_error",
    ]
    list_filter = [
        "status",
        "kind",
        "category",
        "created_at",
        ("source_type", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["to_email", "key", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    # A sensitive message's secret is never shown: not sealed, and not its context either
    # (which the outbox keeps empty for such messages).
    fields = readonly_fields = [
        "shown_context" if field.name == "context" else field.name
        for field in OutboxMessage._meta.fields
        if field.name != "sealed_context"
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The outbox is the record of what was sent; it is not edited by hand.
        return False

    @admin.display(description=_("last error"))
    def short_error(self, obj: OutboxMessage) -> str:
        return obj.last_error[:80]

    @admin.display(description=_("context"))
    def shown_context(self, obj: OutboxMessage) -> str:
        if obj.sensitive:
            return _("Hidden: it holds a sign-in code or link.")
        return display_for_field(obj.context, OutboxMessage._meta.get_field("context"), "-")

    @admin.action(description=_("Send again (failed messages)"), permissions=["change"])
    def send_again(self, request, queryset):
        failed = list(
            queryset.filter(status=OutboxMessage.Status.FAILED).values_list("pk", flat=True)
        )
        queued = sum(outbox.requeue(pk).status == OutboxMessage.Status.PENDING for pk in failed)
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", queued)
            % {"count": queued},
            messages.SUCCESS,
        )
        skipped = queryset.count() - queued
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was left as it is: it had not failed, or the link "
                    "or code it carried no longer works (the person asks for a new one).",
                    "%(count)d messages were left as they are: they had not failed, or the "
                    "link or code they carried no longer works (the person asks for a new one).",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


class PreviewOnSite:
    """ "View on site" opens the public page itself: the admin's redirect view would
    send organisers to the domain of the unedited Site row."""

    def view_on_site(self, obj) -> str | None:
        return obj.get_absolute_url()


class EditionForm(forms.ModelForm):
    interpretation_languages = forms.MultipleChoiceField(
        label=_("interpretation languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "language-choices"}),
        help_text=_("Languages offered for simultaneous interpretation."),
    )

    class Meta:
        model = Edition
        # The admin's fieldsets name the rest.
        fields = ["interpretation_languages"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every language Django names, plus any code saved before this was a choice.
        codes = {code for code, _name in global_settings.LANGUAGES}
        codes.update(self.instance.interpretation_languages or [])
        self.fields["interpretation_languages"].choices = sorted(
            ((code, language_name(code)) for code in codes), key=lambda c: c[1].casefold()
        )


@admin.register(Edition)
class EditionAdmin(AuditedAdmin, PreviewOnSite, TranslatedAdmin):
    form = EditionForm

    list_display = [
        "year",
        "title",
        "place",
        "start_date",
        "dates_provisional",
        "format",
        "is_current",
        "is_published",
    ]
    list_display_links = ["year", "title"]
    list_filter = ["is_current", "is_published", "format", "dates_provisional", "country"]
    search_fields = ["title", "theme", "city", "venue", "hosts__name"]
    ordering = ["-year"]
    filter_horizontal = ["hosts", "co_organisers"]
    actions = ["make_current"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["year", "title", "theme", "is_published", "is_current"]}),
        (
            _("When and where"),
            {
                "description": _(
                    "Moments (opening, registration, deadline) are entered and shown in the "
                    "edition's time zone as saved; while an edition is being created, in UTC."
                ),
                "fields": [
                    "time_zone",
                    ("start_date", "end_date", "dates_provisional"),
                    ("opening_at", "closing_at"),
                    "format",
                    "venue",
                    ("city", "country"),
                    "capacity",
                ],
            },
        ),
        (
            _("Registration and declaration input"),
            {
                "fields": [
                    ("registration_opens_at", "registration_closes_at"),
                    "declaration_deadline",
                ]
            },
        ),
        (
            _("Hosts, languages and contact"),
            {
                "fields": [
                    "hosts",
                    "co_organisers",
                    "working_language",
                    "interpretation_languages",
                    "contact_email",
                ]
            },
        ),
        (
            _("Content"),
            {
                "fields": [
                    "summary",
                    "background",
                    "aims",
                    "expected_outcomes",
                    "target_audience",
                    "outcomes",
                ]
            },
        ),
        (
            _("Online attendance"),
            {"fields": ["online_joining_details", "online_details_published"]},
        ),
        (None, {"fields": ["updated_at"]}),
    ]

    @admin.display(description=_("place"))
    def place(self, obj: Edition) -> str:
        return obj.city or (
            obj.get_format_display() if obj.format == Edition.Format.ONLINE else ""
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Organisers think in the event's local time: the form shows and reads moments
        # in the edition's zone. The response is rendered inside the zone too.
        zone = "UTC"
        if object_id is not None:
            edition = self.get_object(request, unquote(object_id))
            if edition is not None:
                zone = edition.tz
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            # More seats are for the people waiting longest now, not at the next
            # registration or cancellation: the registration app hears of it.
            capacity_changed.send(sender=Edition, edition_id=obj.pk)

    @admin.action(
        description=_("Make the selected edition the current one"), permissions=["change"]
    )
    def make_current(self, request, queryset):
        editions = list(queryset[:2])
        if len(editions) != 1:
            self.message_user(
                request, _("Select exactly one edition to make current."), messages.ERROR
            )
            return
        try:
            edition = services.make_current_edition(editions[0].pk)
        except services.EditionError as refused:
            show_refusal(request, refused)
            return
        self.message_user(
            request,
            _("%(edition)s is now the current edition.") % {"edition": edition},
            messages.SUCCESS,
        )


@admin.register(Organisation)
class OrganisationAdmin(PreviewOnSite, admin.ModelAdmin):
    list_display = ["name", "short_name", "type", "country", "is_member", "website"]
    list_filter = ["type", "country"]
    search_fields = ["name", "short_name", "slug"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("alliance_membership")

    @admin.display(description=_("alliance member"), boolean=True)
    def is_member(self, obj: Organisation) -> bool:
        return hasattr(obj, "alliance_membership")

    def view_on_site(self, obj: Organisation) -> str | None:
        membership = getattr(obj, "alliance_membership", None)
        return membership.get_absolute_url() if membership else None


@admin.register(AllianceMember)
class AllianceMemberAdmin(AutocompletePlaceholders, PreviewOnSite, TranslatedAdmin):
    list_display = ["organisation", "organisation_type", "country", "year_joined", "is_active"]
    list_filter = ["is_active", "organisation__type", "organisation__country", "year_joined"]
    search_fields = ["organisation__name", "organisation__short_name"]
    ordering = ["organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]

    @admin.display(description=_("type"), ordering="organisation__type")
    def organisation_type(self, obj: AllianceMember) -> str:
        return obj.organisation.get_type_display()

    @admin.display(description=_("country"), ordering="organisation__country")
    def country(self, obj: AllianceMember) -> str:
        return obj.organisation.country.name


@admin.register(Publication)
class PublicationAdmin(AutocompletePlaceholders, AuditedAdmin, PreviewOnSite, TranslatedAdmin):
    list_display = ["title", "kind", "edition", "published_on", "has_file", "has_link"]
    list_filter = ["kind", "edition"]
    search_fields = ["title", "summary", "slug"]
    ordering = ["-edition__year", "-published_on", "title"]
    list_select_related = ["edition"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["edition"]
    date_hierarchy = "published_on"

    @admin.display(description=_("file"), boolean=True)
    def has_file(self, obj: Publication) -> bool:
        return bool(obj.file)

    @admin.display(description=_("link"), boolean=True)
    def has_link(self, obj: Publication) -> bool:
        return bool(obj.url)


@admin.register(NewsArticle)
class NewsArticleAdmin(AutocompletePlaceholders, PreviewOnSite, TranslatedAdmin):
    list_display = ["title", "edition", "status", "published_at"]
    list_filter = ["status", "edition"]
    search_fields = ["title", "summary", "body", "slug"]
    ordering = ["-published_at"]
    list_select_related = ["edition"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["edition"]
    date_hierarchy = "published_at"
