"""The audit log in the admin: a read-only, filterable list of the entries, and
``AuditedAdmin``, the mixin that gives any ModelAdmin the entries on its history page and
an entry for every edit an organiser saves (registered from gmc.admin)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from gmc import audit
from gmc.models import AuditEntry

VIEW_PERMISSION = "gmc.view_auditentry"


def shown_value(value: Any) -> str:
    """A stored value as organisers read it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(shown_value(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class ShownChange:
    label: str
    old: Any
    new: Any
    hidden: bool

    @property
    def old_text(self) -> str:
        return shown_value(self.old)

    @property
    def new_text(self) -> str:
        return shown_value(self.new)


def shown_changes(entry: AuditEntry) -> list[ShownChange]:
    """An entry's changed fields with their labels, in the order they were recorded."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    shown = []
    for name, change in (entry.changes or {}).items():
        label = name
        if model is not None:
            try:
                label = str(capfirst(model._meta.get_field(name).verbose_name))
            except Exception:  # a field since renamed or removed: its stored name
                label = name
        hidden = bool(change.get("hidden"))
        shown.append(ShownChange(label, change.get("old"), change.get("new"), hidden))
    return shown


def actor_shown(entry: AuditEntry) -> str:
    return entry.actor_name or str(_("the system"))


def form_changes(form: forms.BaseForm) -> dict[str, tuple[Any, Any]]:
    """What an admin form changed, as (old, new) per field: old from the values the
    form was built with, new from its cleaned data. Fields whose values read the same
    (a moment shown in another zone) are left out."""
    changes = {}
    for name in form.changed_data:
        field = form.fields[name]
        old = form[name].initial
        new = form.cleaned_data.get(name)
        # The form holds related objects' initial values as their keys.
        if isinstance(field, forms.ModelMultipleChoiceField) and old:
            if not all(isinstance(item, models.Model) for item in old):
                old = list(field.queryset.filter(pk__in=old))
        elif isinstance(field, forms.ModelChoiceField) and old not in (None, ""):
            old = old if isinstance(old, models.Model) else field.queryset.filter(pk=old).first()
        if audit.json_value(old) != audit.json_value(new):
            changes[name] = (old, new)
    return changes


class AuditedAdmin:
    """Mixin for a ModelAdmin (put it first among the bases).

    - The history page lists the object's audit entries above Django's own log, for
      organisers with the view permission of the audit log.
    - Saving a change in the admin writes one entry "<model>.changed" with the fields the
      form changed (old and new values), in the admin's transaction. Set
      ``audit_admin_changes = False`` where the admin saves through a service that
      records its own, more precise, action: one action, one entry.
    """

    object_history_template = "gmc/admin/object_history.html"
    audit_admin_changes = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.audit_admin_changes:
            name = capfirst(self.opts.verbose_name)
            label = format_lazy(_("{name} edited in the administration"), name=name)
            audit.declare_actions({self.audit_action(): label})

    def audit_action(self) -> str:
        return f"{self.opts.model_name}.changed"

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change and self.audit_admin_changes:
            changes = form_changes(form)
            if changes:
                audit.record(request.user, self.audit_action(), form.instance, changes=changes)

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        context = dict(extra_context or {})
        if request.user.has_perm(VIEW_PERMISSION):
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                entries = list(audit.entries_for(obj).order_by("created_at", "pk"))
                context["audit_entries"] = [
                    {
                        "entry": entry,
                        "actor": actor_shown(entry),
                        "action": audit.action_label(entry.action),
                        "changes": shown_changes(entry),
                    }
                    for entry in entries
                ]
                context["audit_list_url"] = reverse("admin:gmc_auditentry_changelist")
        return super().history_view(request, object_id, extra_context=context)


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((a, audit.action_label(a)) for a in actions), key=lambda c: c[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(action=self.value())
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are written by the actions themselves, never by hand."""

    list_display = ["created_at", "actor_label", "action_label", "kind", "object_link", "summary"]
    list_filter = [
        ActionFilter,
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    search_fields = ["object_repr"]
    search_help_text = _("Searches the objects' names.")
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
    list_per_page = 100
    fields = [
        "created_at",
        "actor_label",
        "action_label",
        "kind",
        "object_link",
        "changes_table",
        "note",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("by"), ordering="actor_name")
    def actor_label(self, entry: AuditEntry) -> str:
        return actor_shown(entry)

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, entry: AuditEntry) -> str:
        return audit.action_label(entry.action)

    @admin.display(description=_("kind of object"), ordering="content_type")
    def kind(self, entry: AuditEntry) -> str:
        if entry.content_type_id is None:
            return ""
        model = entry.content_type.model_class()
        return str(capfirst(model._meta.verbose_name)) if model else entry.content_type.model

    @admin.display(description=_("object"), ordering="object_repr")
    def object_link(self, entry: AuditEntry) -> str:
        if entry.content_type_id is None:
            return entry.object_repr
        ct = entry.content_type
        try:
            url = reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[entry.object_id])
        except NoReverseMatch:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    @admin.display(description=_("changed fields"))
    def summary(self, entry: AuditEntry) -> str:
        return ", ".join(change.label for change in shown_changes(entry))

    @admin.display(description=_("changed fields"))
    def changes_table(self, entry: AuditEntry) -> str:
        rows = [
            (change.label, _("changed (hidden)"))
            if change.hidden
            else (change.label, f"{change.old_text} → {change.new_text}")
            for change in shown_changes(entry)
        ]
        if not rows:
            return "-"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", ((a, b) for a, b in rows))
        )
