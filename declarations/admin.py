"""Organisers' admin of declaration input: calls and topics, submissions with filters
and full-text search over the answers; status, tag and showcase changes go through the
services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter
from modeltranslation.admin import TranslationStackedInline

from gmc.admin_audit import AuditedAdmin
from gmc.admin_labels import ColumnLabels
from gmc.admin_translation import FieldsInTheirLanguage, TranslatedAdmin
from gmc.query_numbers import is_plain_number

from . import services
from .models import Answer, Attachment, Call, Submission, Tag, Topic


class TopicInline(FieldsInTheirLanguage, TranslationStackedInline):
    model = Topic
    extra = 0
    fields = ["order", "title", "guiding_question", "help_text", ("word_limit", "is_showcase")]


@admin.register(Call)
class CallAdmin(TranslatedAdmin):
    list_display = ["edition", "opens_at", "deadline", "review_link"]
    list_select_related = ["edition"]
    inlines = [TopicInline]
    fields = ["edition", "opens_at", "deadline", "introduction", "publication"]
    readonly_fields = ["deadline", "publication"]

    @admin.display(description=_("closes"))
    def deadline(self, call: Call) -> str:
        """The edition's declaration input deadline, edited on the edition: shown here,
        stored once."""
        if not call.edition_id:
            return _("At the edition's declaration input deadline.")
        moment = call.closes_at
        when = _("not set")
        if moment is not None:
            local = timezone.localtime(moment, call.edition.tz)
            when = f"{formats.date_format(local, 'DATETIME_FORMAT')} ({call.edition.time_zone})"
        url = reverse("admin:gmc_edition_change", args=[call.edition_id])
        return format_html('{} (<a href="{}">{}</a>)', when, url, _("change it on the edition"))

    @admin.display(description=_("review"))
    def review_link(self, call: Call) -> str:
        url = reverse("declarations:review", args=[call.edition.year])
        return format_html('<a href="{}">{}</a>', url, _("Read the input"))


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class CallFilter(admin.SimpleListFilter):
    title = _("call for input")
    parameter_name = "call"

    def lookups(self, request, model_admin):
        calls = Call.objects.select_related("edition").order_by("-edition__year")
        return [(str(call.pk), str(call)) for call in calls]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        # An id typed into the address: anything but ASCII digits matches nothing.
        return queryset.filter(call_id=value) if is_plain_number(value) else queryset.none()


class TopicAnsweredFilter(admin.SimpleListFilter):
    title = _("topic answered")
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        topics = Topic.objects.select_related("call__edition").order_by(
            "-call__edition__year", "order"
        )
        return [(str(t.pk), f"{t.call.edition.year}: {t.title}") for t in topics]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not is_plain_number(value):
            return queryset.none()
        answered = Answer.objects.filter(submission=OuterRef("pk"), topic_id=value)
        return queryset.filter(Exists(answered))


class AnswerInline(admin.StackedInline):
    model = Answer
    fields = ["topic", "answer_text"]
    readonly_fields = ["topic", "answer_text"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("topic")

    @admin.display(description=_("answer"))
    def answer_text(self, answer: Answer) -> str:
        # The filter escapes the text, then marks its own <p> and <br> safe: paragraphs
        # show as paragraphs, typed markup as text, never run.
        return linebreaks_filter(answer.text, autoescape=True)


class AttachmentInline(ColumnLabels, admin.TabularInline):
    model = Attachment
    fields = ["item", "content_type", "size", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("attachment"))
    def item(self, attachment: Attachment) -> str:
        if attachment.is_link:
            return format_html(
                '<a href="{}" rel="noopener">{}</a>', attachment.link, attachment.label
            )
        return format_html('<a href="{}">{}</a>', attachment.get_download_url(), attachment.label)


def _status_action(status: str, label):
    def action(modeladmin, request, queryset):
        changed = services.set_status(
            queryset.values_list("pk", flat=True), status, by=request.user
        )
        modeladmin.message_user(
            request,
            ngettext("%(count)d submission changed.", "%(count)d submissions changed.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    action.__name__ = f"mark_{status}"
    return admin.action(description=label, permissions=["change"])(action)


@admin.register(Submission)
class SubmissionAdmin(AuditedAdmin, admin.ModelAdmin):
    # Notes and tags are saved by a service that logs its own change.
    audit_admin_changes = False
    list_display = [
        "pk",
        "contributor_name",
        "edition_year",
        "status",
        "organisation_name",
        "organisation_type",
        "country",
        "quote_consent",
        "showcase_published",
        "tag_list",
        "submitted_at",
    ]
    list_display_links = ["pk", "contributor_name"]
    list_filter = [
        CallFilter,
        TopicAnsweredFilter,
        "status",
        ("country", CountryFilter),
        "organisation_type",
        "tags",
        "quote_consent",
        "showcase_consent",
        "showcase_published",
    ]
    search_fields = ["contributor__email", "contributor__full_name", "organisation_name"]
    search_help_text = _("Searches names, emails, organisations and the answers.")
    date_hierarchy = "submitted_at"
    fields = [
        "call",
        "contributor",
        "status",
        ("organisation_name", "organisation_type", "country"),
        ("quote_consent", "showcase_consent", "showcase_published"),
        ("submitted_at", "submit_count", "updated_at"),
        "tags",
        "internal_notes",
    ]
    readonly_fields = [
        "call",
        "contributor",
        "status",
        "organisation_name",
        "organisation_type",
        "country",
        "quote_consent",
        "showcase_consent",
        "showcase_published",
        "submitted_at",
        "submit_count",
        "updated_at",
    ]
    filter_horizontal = ["tags"]
    inlines = [AnswerInline, AttachmentInline]
    actions = [
        _status_action(Submission.Status.UNDER_REVIEW, _("Mark as under review")),
        _status_action(Submission.Status.INCLUDED, _("Mark as included")),
        _status_action(Submission.Status.NOT_INCLUDED, _("Mark as not included")),
        _status_action(Submission.Status.SUBMITTED, _("Mark as submitted (not reviewed)")),
        "publish_in_showcase",
        "withdraw_from_showcase",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("call__edition", "contributor")
            .prefetch_related("tags")
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("contributor"), ordering="contributor__full_name")
    def contributor_name(self, submission: Submission) -> str:
        """The name, never the email address; a deleted account as the compilation says."""
        if submission.contributor is None:
            return str(_("Former participant (account deleted)"))
        return submission.contributor.display_name

    @admin.display(description=_("edition"), ordering="call__edition__year")
    def edition_year(self, submission: Submission) -> int:
        return submission.call.edition.year

    @admin.display(description=_("tags"))
    def tag_list(self, submission: Submission) -> str:
        return format_html_join(", ", "{}", ((tag.name,) for tag in submission.tags.all()))

    def get_search_results(self, request, queryset, search_term):
        """Names and emails as usual, and the answers: PostgreSQL's full-text search
        (stemmed, any word order) when on PostgreSQL, a plain substring match
        elsewhere."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return results, duplicates
        if connection.vendor == "postgresql":
            answers = Answer.objects.annotate(document=SearchVector("text")).filter(
                submission=OuterRef("pk"),
                document=SearchQuery(term, search_type="websearch"),
            )
        else:
            answers = Answer.objects.filter(submission=OuterRef("pk"), text__icontains=term)
        matching = queryset.filter(Exists(answers))
        return queryset.filter(
            Q(pk__in=results.values("pk")) | Q(pk__in=matching.values("pk"))
        ), False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            return actions
        # One "add"/"remove" action per tag: bulk tagging without an intermediate page.
        for tag in Tag.objects.order_by("name"):
            for verb, label in (("add", _("Add tag “%s”")), ("remove", _("Remove tag “%s”"))):
                name = f"{verb}_tag_{tag.pk}"
                actions[name] = (self._tag_action(verb, tag), name, label % tag.name)
        return actions

    @staticmethod
    def _tag_action(verb: str, tag: Tag):
        def action(modeladmin, request, queryset):
            ids = list(queryset.values_list("pk", flat=True))
            service = services.add_tags if verb == "add" else services.remove_tags
            service(ids, [tag], by=request.user)
            modeladmin.message_user(request, _("Tags changed."), messages.SUCCESS)

        return action

    @admin.action(description=_("Publish in the good-practice showcase"), permissions=["change"])
    def publish_in_showcase(self, request: HttpRequest, queryset) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        changed = services.set_showcase(ids, True, by=request.user)
        skipped = len(ids) - changed
        self.message_user(
            request,
            _(
                "%(changed)d published; %(skipped)d left as they were (already published, or "
                "the contributor did not agree to the showcase or to being quoted)."
            )
            % {"changed": changed, "skipped": skipped},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Withdraw from the good-practice showcase"), permissions=["change"]
    )
    def withdraw_from_showcase(self, request: HttpRequest, queryset) -> None:
        changed = services.set_showcase(
            queryset.values_list("pk", flat=True), False, by=request.user
        )
        self.message_user(
            request,
            ngettext("%(count)d case withdrawn.", "%(count)d cases withdrawn.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change) -> None:
        # Notes and tags are written by the service in save_related.
        pass

    def save_related(self, request, form, formsets, change) -> None:
        # The answers inline is read-only: saving it writes nothing, but gives the formsets
        # the lists of changed objects the admin's change message reads.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        services.review_submission(
            form.instance.pk,
            by=request.user,
            internal_notes=form.cleaned_data.get("internal_notes", ""),
            tags=form.cleaned_data.get("tags", []),
        )
