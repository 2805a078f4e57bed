"""Admin of the email the organisers set up: reminder rules, email templates, opt-outs
and messages to participants."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import formats
from django.utils.html import escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from gmc import email_kinds, outbox
from gmc.admin_audit import AuditedAdmin
from gmc.admin_labels import AutocompletePlaceholders, ColumnLabels
from gmc.errors import show_refusal
from gmc.models import OutboxMessage
from gmc.timezones import zone_label
from gmc.views.email_frame import email_frame, email_html_response

from . import reminders, selectors, services, wording
from .forms import changed_values
from .models import Broadcast, EmailOptOut, EmailTemplate, ReminderRule


class OffsetWidget(forms.MultiWidget):
    """A number and a unit, e.g. 7 days: how long before the event a reminder goes out."""

    # The field's label names the number: a label of its own (not a fieldset's legend,
    # which would name neither input), pointing at the number.
    use_fieldset = False

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else ""

    def __init__(self, attrs=None):
        super().__init__(
            [
                forms.NumberInput(attrs={"min": 0, "step": 1, "size": 6}),
                forms.Select(choices=reminders.OFFSET_UNITS),
            ],
            attrs,
        )

    def decompress(self, value):
        if isinstance(value, timedelta):
            return list(reminders.split_offset(value))
        return [None, "days"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The number takes the field's label; the unit needs a name of its own.
        context["widget"]["subwidgets"][1]["attrs"]["aria-label"] = str(_("unit"))
        return context


class OffsetField(forms.MultiValueField):
    widget = OffsetWidget

    def __init__(self, **kwargs):
        fields = [
            forms.IntegerField(
                min_value=0,
                max_value=3650,
                error_messages={"min_value": _("A reminder is sent before the event, not after.")},
            ),
            forms.ChoiceField(choices=reminders.OFFSET_UNITS),
        ]
        super().__init__(fields, require_all_fields=True, **kwargs)

    def compress(self, data_list):
        if not data_list:
            return None
        number, unit = data_list
        return reminders.join_offset(number, unit)


class ReminderRuleForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("email"), choices=reminders.reminder_kind_choices)
    offset = OffsetField(
        label=_("how long before"),
        help_text=_(
            "Before the event chosen above: the start, the deadline, or the end of each day "
            "(midnight, the event's time)."
        ),
    )

    class Meta:
        model = ReminderRule
        fields = [
            "edition",
            "name",
            "event",
            "offset",
            "audience",
            "attendance",
            "kind",
            "subject",
            "text",
            "is_active",
        ]
        widgets = {"subject": forms.TextInput(attrs={"size": 90})}


@admin.register(ReminderRule)
class ReminderRuleAdmin(AutocompletePlaceholders, AuditedAdmin, admin.ModelAdmin):
    form = ReminderRuleForm
    list_display = [
        "name",
        "edition",
        "event",
        "how_long_before",
        "audience",
        "attendance",
        "is_active",
        "next_moment",
    ]
    list_filter = ["is_active", "edition", "event", "audience"]
    search_fields = ["name"]
    list_select_related = ["edition", "edition__declaration_call"]
    autocomplete_fields = ["edition"]
    readonly_fields = ["next_moment", "preview"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "edition",
                    "name",
                    "event",
                    "offset",
                    "next_moment",
                    "audience",
                    "attendance",
                    "is_active",
                ]
            },
        ),
        (
            _("Wording"),
            {
                "description": _(
                    "The chosen email's wording is sent unless this rule has its own subject "
                    "and text. They may use the variables of that email: see “Email "
                    "templates”."
                ),
                "fields": ["kind", "subject", "text"],
            },
        ),
        (_("Preview with sample data (of the saved wording)"), {"fields": ["preview"]}),
    ]

    @admin.display(description=_("how long before"), ordering="offset")
    def how_long_before(self, obj: ReminderRule) -> str:
        return reminders.offset_in_words(obj.offset)

    @admin.display(description=_("sent at (the event's time zone)"))
    def next_moment(self, obj: ReminderRule) -> str:
        if obj.pk is None:
            return "—"
        if obj.event == ReminderRule.Event.SESSION_STARTS:
            return _("before each starred session")
        if obj.event == ReminderRule.Event.DAY_ENDS:
            evening = (datetime.min + (timedelta(days=1) - obj.offset)).time()
            return _(
                "each day of the programme at %(time)s, or once its last session ends if "
                "that is later"
            ) % {"time": formats.time_format(evening, "TIME_FORMAT")}
        moment = reminders.next_moment(obj)
        if moment is None:
            return _("the event has no date yet")
        zone = obj.edition.tz
        local = moment.astimezone(zone)
        return f"{formats.date_format(local, 'DATETIME_FORMAT')}, {zone_label(zone, local)}"

    @admin.display(description=_("preview"))
    def preview(self, obj: ReminderRule) -> str:
        if obj.pk is None or obj.kind not in email_kinds.KINDS:
            return _("Save the rule to see its email with sample data.")
        info = email_kinds.KINDS[obj.kind]
        own = reminders.rule_wording(obj)
        try:
            subject, text, _html = outbox.render_parts(
                template=obj.kind.replace(".", "/"),
                context=info.sample_context(),
                language=settings.LANGUAGE_CODE,
                custom=outbox.own_wording(own)
                or outbox.custom_wording(obj.kind, settings.LANGUAGE_CODE),
            )
        except Exception as exc:  # saved before the email's variables changed
            return _("This wording no longer renders: %(error)s") % {"error": exc}
        return format_html(
            '<p>{}</p><p><strong>{}</strong> {}</p><pre class="email-text">{}</pre>',
            _("This rule's own wording.") if own else _("The wording of the chosen email."),
            _("Subject:"),
            # Rendered templates are marked safe; here they are shown, not interpreted.
            escape(subject),
            escape(text),
        )


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin):
    list_display = ["user", "category", "created_at"]
    list_filter = ["category"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


class FailedMessageInline(ColumnLabels, GenericTabularInline):
    """The recipients whose copy failed or bounced, with the server's answer."""

    model = OutboxMessage
    ct_field = "source_type"
    ct_fk_field = "source_id"
    verbose_name = _("failed email")
    verbose_name_plural = _("failed emails")
    fields = ["to_email", "status", "attempts", "last_error", "created_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=OutboxMessage.Status.FAILED)


@admin.register(Broadcast)
class BroadcastAdmin(AuditedAdmin, admin.ModelAdmin):
    # Its drafts are saved by mailings.services.update_draft, which records the change.
    audit_admin_changes = False

    list_display = ["subject", "edition", "status", "sent_at", "delivery"]
    list_filter = ["status", "edition"]
    search_fields = ["subject"]
    list_select_related = ["edition"]
    readonly_fields = [
        "status",
        "recipient_count",
        "tests_sent",
        "created_by",
        "created_at",
        "sent_at",
        "queued_at",
        "delivery",
        "page",
    ]
    inlines = [FailedMessageInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent_count=Count(
                    "outbox_messages", filter=Q(outbox_messages__status=OutboxMessage.Status.SENT)
                ),
                failed_count=Count(
                    "outbox_messages",
                    filter=Q(outbox_messages__status=OutboxMessage.Status.FAILED),
                ),
                pending_count=Count(
                    "outbox_messages",
                    filter=Q(outbox_messages__status=OutboxMessage.Status.PENDING),
                ),
            )
        )

    def add_view(self, request, form_url="", extra_context=None):
        # Messages are written where the recipients are counted and the preview shown.
        return redirect("mailings:message_new")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.MessagingError as refused:
            # Its transaction is rolled back: nothing of the edit is written. The message
            # is being sent, so its form is no longer offered: its page says so.
            show_refusal(request, refused)
            return redirect("admin:mailings_broadcast_change", object_id)

    def save_model(self, request, obj, form, change):
        # Under the message's row lock, and only while it is a draft: a send that
        # started after the form was shown wins over the edit.
        services.update_draft(obj.pk, changes=changed_values(form), by=request.user)

    @admin.display(description=_("organisers' page"))
    def page(self, obj: Broadcast) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("mailings:message_detail", args=[obj.pk]), _("open")
        )

    def has_change_permission(self, request, obj=None):
        # A sent message is the record of what was said; drafts are edited on the
        # organisers' message pages.
        if obj is not None and obj.status != Broadcast.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("delivery"))
    def delivery(self, obj: Broadcast) -> str:
        if obj.pk is None:
            return "—"
        every_recipient = {
            "source_type__id__exact": ContentType.objects.get_for_model(Broadcast).pk,
            "source_id__exact": obj.pk,
        }
        url = f"{reverse('admin:gmc_outboxmessage_changelist')}?{urlencode(every_recipient)}"
        return format_html(
            '{} · {} · {} · <a href="{}">{}</a>',
            _("%(n)s sent") % {"n": getattr(obj, "sent_count", 0)},
            _("%(n)s failed") % {"n": getattr(obj, "failed_count", 0)},
            _("%(n)s waiting") % {"n": getattr(obj, "pending_count", 0)},
            url,
            _("every recipient"),
        )


def variables_table(kind: str) -> str:
    info = email_kinds.KINDS.get(kind)
    if info is None:
        return ""
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("Variable"),
        _("Meaning"),
        format_html_join(
            "",
            "<tr><td><code>{{{{ {} }}}}</code></td><td>{}</td></tr>",
            ((name, meaning) for name, meaning in info.all_variables.items()),
        ),
    )


class EmailTemplateForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("email"), choices=email_kinds.kind_choices)
    language = forms.ChoiceField(label=_("language"), choices=settings.LANGUAGES)

    class Meta:
        model = EmailTemplate
        fields = ["kind", "language", "subject", "text", "html"]
        widgets = {"subject": forms.TextInput(attrs={"size": 90})}

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            sources = {name: cleaned.get(name, "") for name in ("subject", "text", "html")}
            for field_name, messages_ in wording.check_template(kind, sources).items():
                for message in messages_:
                    self.add_error(field_name, message)
        return cleaned


@admin.register(EmailTemplate)
class EmailTemplateAdmin(AuditedAdmin, admin.ModelAdmin):
    form = EmailTemplateForm
    list_display = ["kind", "label", "language", "subject", "updated_at"]
    list_filter = ["kind", "language"]
    search_fields = ["kind", "subject", "text"]
    readonly_fields = ["variables", "preview"]

    fieldsets = [
        (None, {"fields": ["kind", "language", "variables"]}),
        (_("Wording"), {"fields": ["subject", "text", "html"]}),
        (_("Preview with sample data (of the saved wording)"), {"fields": ["preview"]}),
    ]

    @admin.display(description=_("description"))
    def label(self, obj: EmailTemplate) -> str:
        info = email_kinds.KINDS.get(obj.kind)
        return str(info.label) if info else "—"

    @admin.display(description=_("variables you may use"))
    def variables(self, obj: EmailTemplate) -> str:
        if obj.pk:
            return variables_table(obj.kind)
        add_url = reverse("admin:mailings_emailtemplate_add")
        return format_html_join(
            "",
            '<details><summary>{}</summary><p><a href="{}?{}">{}</a></p>{}</details>',
            (
                (
                    info.label,
                    add_url,
                    urlencode({"kind": kind}),
                    _("Write this email, starting from its current wording"),
                    variables_table(kind),
                )
                for kind, info in email_kinds.KINDS.items()
            ),
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        """A new template starts from what the email says today, not from nothing."""
        initial = super().get_changeform_initial_data(request)
        kind = initial.get("kind")
        if kind in email_kinds.KINDS:
            language = initial.get("language") or settings.LANGUAGE_CODE
            current = selectors.current_wording(kind, language)
            for name, value in current.items():
                initial.setdefault(name, value)
        return initial

    def get_urls(self):
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(email_frame(self.preview_html)),
            name="mailings_emailtemplate_preview",
        )
        return [preview, *super().get_urls()]

    def render_sample(self, obj: EmailTemplate) -> tuple[str, str, str] | None:
        """Subject, text and HTML of the saved wording with sample data, if it renders."""
        info = email_kinds.KINDS.get(obj.kind)
        if info is None:
            return None
        return outbox.render_parts(
            template=obj.kind.replace(".", "/"),
            context=info.sample_context(),
            language=obj.language,
            custom=obj.wording,
        )

    @admin.display(description=_("preview"))
    def preview(self, obj: EmailTemplate) -> str:
        if not obj.pk:
            return _("Save the template to see it with sample data.")
        try:
            parts = self.render_sample(obj)
        except Exception as exc:  # saved before the email's variables changed
            return _("This template no longer renders: %(error)s") % {"error": exc}
        if parts is None:
            return "—"
        subject, text, _html = parts
        # The HTML version is framed from its own address: see gmc/views/email_frame.py.
        return format_html(
            '<p><strong>{}</strong> {}</p><pre class="email-text">{}</pre>'
            '<iframe title="{}" sandbox="" src="{}" class="email-frame"></iframe>',
            _("Subject:"),
            # Rendered templates are marked safe; here they are shown, not interpreted.
            escape(subject),
            escape(text),
            _("HTML version"),
            reverse("admin:mailings_emailtemplate_preview", args=[obj.pk]),
        )

    def preview_html(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        try:
            parts = self.render_sample(obj)
        except Exception:  # the change page says why
            parts = None
        if parts is None:
            raise Http404
        return email_html_response(parts[2])
