"""Organisers' admin of the programme.

Session times are typed and shown in the edition's own time zone (the zone of the
edition chosen in the form), because that is the clock the printed programme uses.
Bulk changes go through ``agenda.services``. A session's recordings and materials are
added on its page; attendees' feedback is read in ``agenda.admin_feedback``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gmc.admin_actions import action_page
from gmc.admin_audit import AuditedAdmin
from gmc.admin_labels import AutocompletePlaceholders, ColumnLabels
from gmc.admin_translation import TranslatedAdmin
from gmc.errors import show_refusal
from gmc.models import Edition
from gmc.query_numbers import is_plain_number
from gmc.templatetags.gmc_extras import language_name
from gmc.timezones import UTC, parse_zone

from . import (
    admin_feedback,  # noqa: F401  registers the feedback's admin
    services,
)
from .forms import ShiftForm
from .models import Material, Recording, Room, Session, SessionSpeaker, Speaker


@admin.register(Room)
class RoomAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "edition", "order", "links_published"]
    list_filter = ["edition", "links_published"]
    list_editable = ["order"]
    search_fields = ["name"]
    list_select_related = ["edition"]


@admin.register(Speaker)
class SpeakerAdmin(AutocompletePlaceholders, AuditedAdmin, TranslatedAdmin):
    list_display = ["name", "title", "organisation_name", "organisation", "country"]
    search_fields = ["name", "organisation_name", "title"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation", "account"]
    list_select_related = ["organisation"]


class SessionSpeakerInline(ColumnLabels, AutocompletePlaceholders, admin.TabularInline):
    model = SessionSpeaker
    extra = 1
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "order"]


class BlockItemsFormSet(BaseInlineFormSet):
    """The items of a block belong to the block's edition: set before validation, so
    their times are checked against the edition's dates and the block's times."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.edition_id = self.instance.edition_id
        return form


class BlockItemInline(ColumnLabels, admin.TabularInline):
    """The sessions inside a block, edited on the block's own page (times in the
    edition's zone, like the block's)."""

    model = Session
    fk_name = "parent"
    formset = BlockItemsFormSet
    extra = 1
    # The English title only: a row per language would not fit; the item's own page
    # has every language.
    fields = ["starts_at", "ends_at", "kind", "title_en", "slug", "room", "is_published"]
    prepopulated_fields = {"slug": ["title_en"]}
    ordering = ["starts_at", "title"]
    show_change_link = True
    verbose_name = _("item of this block")
    verbose_name_plural = _("items of this block")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            kwargs["queryset"] = _edition_rooms(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _recording_languages(request: HttpRequest) -> list[tuple[str, str]]:
    """The languages a recording of the session on the page may be in: its edition's
    working language first, then its interpretation languages."""
    edition_id = _form_edition_id(request)
    edition = Edition.objects.filter(pk=edition_id).first() if edition_id else None
    if edition is None:
        return []
    codes = [edition.working_language, *(edition.interpretation_languages or [])]
    choices = [("", "---------")]
    for code in dict.fromkeys(c for c in codes if c):
        name = language_name(code)
        if code == edition.working_language:
            name = _("%(language)s (original)") % {"language": name}
        choices.append((code, name))
    return choices


class RecordingInline(ColumnLabels, admin.TabularInline):
    """A video link per language: the working language and each interpretation."""

    model = Recording
    extra = 0
    fields = ["language", "url", "visibility"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            kwargs["widget"] = forms.Select(choices=_recording_languages(request))
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class MaterialInline(ColumnLabels, admin.TabularInline):
    """Slides and documents: a file (kept private, sent after a permission check) or a
    link."""

    model = Material
    extra = 0
    fields = ["title", "file", "link", "visibility", "order"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "link":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def _form_edition_id(request: HttpRequest) -> int | None:
    """The edition of the session form being shown or sent: the one chosen in the form,
    else that of the session being edited."""
    edition_id = request.POST.get("edition") or request.GET.get("edition")
    if is_plain_number(edition_id):
        return int(edition_id)
    match = getattr(request, "resolver_match", None)
    object_id = match.kwargs.get("object_id") if match else None
    if is_plain_number(object_id):
        return Session.objects.filter(pk=object_id).values_list("edition_id", flat=True).first()
    return None


def _edition_rooms(request: HttpRequest):
    rooms = Room.objects.select_related("edition")
    edition_id = _form_edition_id(request)
    return rooms.filter(edition_id=edition_id) if edition_id else rooms


class BlockChoiceField(forms.ModelChoiceField):
    """A block named with its edition's year and its start in the edition's zone."""

    def label_from_instance(self, session: Session) -> str:
        start = session.starts_at.astimezone(session.edition.tz)
        return f"{session.edition.year} · {session.display_title} ({start:%d %b %H:%M})"


class DayFilter(admin.SimpleListFilter):
    """The days that have sessions, each a date in its edition's time zone."""

    title = _("day")
    parameter_name = "day"

    def _editions(self, request) -> list[Edition]:
        editions = Edition.objects.filter(sessions__isnull=False).distinct()
        chosen = request.GET.get("edition__id__exact")
        if is_plain_number(chosen):
            editions = editions.filter(pk=chosen)
        return list(editions)

    def lookups(self, request, model_admin):
        moments = Session.objects.values_list("starts_at", "edition__time_zone").distinct()
        chosen = request.GET.get("edition__id__exact")
        if is_plain_number(chosen):
            moments = moments.filter(edition_id=chosen)
        days = {moment.astimezone(parse_zone(zone) or UTC).date() for moment, zone in moments}
        return [(d.isoformat(), date_format(d, "SHORT_WEEKDAY_DATE_FORMAT")) for d in sorted(days)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = datetime.strptime(self.value(), "%Y-%m-%d").date()
        except ValueError:
            return queryset.none()
        condition = Q(pk__in=[])
        for edition in self._editions(request):
            start = datetime.combine(day, time.min, tzinfo=edition.tz)
            condition |= Q(
                edition=edition, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
            )
        return queryset.filter(condition)


class RoomFilter(admin.SimpleListFilter):
    """Rooms named with their edition (read in one query), those of the chosen edition
    only when one is chosen."""

    title = _("room or track")
    parameter_name = "room"

    def lookups(self, request, model_admin):
        rooms = Room.objects.select_related("edition")
        chosen = request.GET.get("edition__id__exact")
        if is_plain_number(chosen):
            rooms = rooms.filter(edition_id=chosen)
        return [(str(room.pk), str(room)) for room in rooms]

    def queryset(self, request, queryset):
        value = self.value()
        if is_plain_number(value):
            return queryset.filter(room_id=value)
        return queryset.none() if value else queryset


@admin.register(Session)
class SessionAdmin(AuditedAdmin, TranslatedAdmin):
    # Every save of a session goes through services.changing_sessions, which records
    # each changed session (this one and the items of its block) itself.
    audit_admin_changes = False
    list_display = [
        "display_title",
        "local_time",
        "kind",
        "room",
        "parent",
        "is_published",
        "edition",
    ]
    list_display_links = ["display_title"]
    list_filter = ["edition", DayFilter, RoomFilter, "kind", "is_published"]
    list_select_related = ["edition", "room__edition", "parent"]
    # A block before its first item when both start together.
    ordering = ["starts_at", "-ends_at", "room__order", "title"]
    search_fields = ["title", "slug", "theme"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["sequence", "updated_at"]
    inlines = [SessionSpeakerInline, BlockItemInline, RecordingInline, MaterialInline]
    actions = ["publish_selected", "unpublish_selected", "duplicate_selected", "shift_selected"]
    fieldsets = [
        (None, {"fields": ["edition", "kind", "title", "slug", "description"]}),
        (
            _("When and where (in the edition's time zone)"),
            {"fields": ["starts_at", "ends_at", "room", "parent"]},
        ),
        (_("Plenary sessions"), {"fields": ["plenary_number", "theme"]}),
        (_("Publication"), {"fields": ["is_published", "sequence", "updated_at"]}),
    ]

    @admin.display(description=_("session"), ordering="title")
    def display_title(self, session: Session) -> str:
        return session.display_title

    @admin.display(description=_("time (event's zone)"), ordering="starts_at")
    def local_time(self, session: Session) -> str:
        zone = session.edition.tz
        start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        return f"{start:%a %d %b %Y, %H:%M} - {end:%H:%M} ({session.edition.time_zone})"

    def _form_zone(self, request: HttpRequest, object_id: str | None):
        """The zone the form's times mean: that of the edition chosen in the form, else
        that of the session being edited, else UTC (the admin's default)."""
        edition_id = request.POST.get("edition") or request.GET.get("edition")
        if not is_plain_number(edition_id) and is_plain_number(object_id):
            edition_id = (
                Session.objects.filter(pk=object_id).values_list("edition_id", flat=True).first()
            )
        edition = None
        if is_plain_number(edition_id):
            edition = Edition.objects.filter(pk=edition_id).first()
        return edition.tz if edition is not None else timezone.get_current_timezone()

    def get_inlines(self, request, obj):
        # Items, recordings and materials are added once the session exists (they take
        # its edition, and its languages).
        return self.inlines if obj is not None else [SessionSpeakerInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            # A room's label names its edition: read them in the same query.
            kwargs["queryset"] = _edition_rooms(request)
        if db_field.name == "parent":
            # Only blocks of the session's edition (all editions, newest first, while
            # none is chosen), each named with its year.
            blocks = Session.objects.select_related("edition").order_by(
                "-edition__year", "starts_at", "title"
            )
            edition_id = _form_edition_id(request)
            if edition_id:
                blocks = blocks.filter(edition_id=edition_id)
            kwargs["queryset"] = blocks
            kwargs["form_class"] = BlockChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with timezone.override(self._form_zone(request, object_id)):
            if request.method == "POST" and is_plain_number(object_id):
                # The session and the items of its block, edited on this page, change
                # as one (their SEQUENCE, the cached programme, the move notices).
                on_page = Session.objects.filter(Q(pk=object_id) | Q(parent_id=object_id))
                with services.changing_sessions(
                    on_page.values_list("pk", flat=True), by=request.user
                ):
                    response = super().changeform_view(request, object_id, form_url, extra_context)
            else:
                response = super().changeform_view(request, object_id, form_url, extra_context)
            if isinstance(response, TemplateResponse):
                response.render()
            return response

    @admin.action(description=_("Publish selected sessions"), permissions=["change"])
    def publish_selected(self, request, queryset):
        result = services.publish_sessions(
            list(queryset.values_list("pk", flat=True)), by=request.user
        )
        if result.changed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d session published.", "%(count)d sessions published.",
                    len(result.changed),
                )
                % {"count": len(result.changed)},
                messages.SUCCESS,
            )  # fmt: skip
        if result.problems:
            self.message_user(
                request,
                _("Left as drafts: %(problems)s") % {"problems": " ".join(result.problems)},
                messages.ERROR,
            )
        if not result.changed and not result.problems:
            self.message_user(request, _("These sessions were already published."))

    @admin.action(
        description=_("Unpublish selected sessions (back to drafts)"), permissions=["change"]
    )
    def unpublish_selected(self, request, queryset):
        result = services.unpublish_sessions(
            list(queryset.values_list("pk", flat=True)), by=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d session is a draft again.", "%(count)d sessions are drafts again.",
                len(result.changed),
            )
            % {"count": len(result.changed)},
            messages.SUCCESS,
        )  # fmt: skip

    @admin.action(description=_("Duplicate selected sessions (as drafts)"), permissions=["add"])
    def duplicate_selected(self, request, queryset):
        copies = [services.duplicate_session(pk) for pk in queryset.values_list("pk", flat=True)]
        self.message_user(
            request,
            ngettext(
                "%(count)d draft copy made; edit its times and publish it.",
                "%(count)d draft copies made; edit their times and publish them.",
                len(copies),
            )
            % {"count": len(copies)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Shift selected sessions by N minutes"), permissions=["change"])
    def shift_selected(self, request, queryset):
        if "apply" in request.POST:
            form = ShiftForm(request.POST)
            if form.is_valid():
                minutes = form.cleaned_data["minutes"]
                try:
                    moved = services.shift_sessions(
                        list(queryset.values_list("pk", flat=True)), minutes, by=request.user
                    )
                except services.AgendaError as error:
                    show_refusal(request, error, about=_("Nothing was moved"))
                    return None
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d session moved by %(minutes)d minutes.",
                        "%(count)d sessions moved by %(minutes)d minutes.",
                        len(moved),
                    )
                    % {"count": len(moved), "minutes": minutes},
                    messages.SUCCESS,
                )
                return None
        else:
            form = ShiftForm()
        sessions = list(queryset.select_related("edition", "room"))
        return action_page(
            self,
            request,
            "agenda/admin/shift_sessions.html",
            title=_("Shift sessions"),
            action_name="shift_selected",
            selected=[session.pk for session in sessions],
            form=form,
            sessions=sessions,
        )
