"""Organisers' view of session feedback in the admin: the list of ratings (with their
authors: organisers only), its CSV export, and the summaries per session and per kind.

Who sees the author: only this list and each rating's own page, for organisers (the
Organisers group's ``agenda.view_feedback``), so that they can act on a comment (an
abusive one, or a person asking for theirs). The summaries, the per-session page (which
is the copy meant for speakers) and every export name nobody. Speakers have no account
role in the portal: they see feedback only as organisers pass that copy on.

Nobody changes feedback here: it is each attendee's own words (superusers may delete a
rating, e.g. at its author's request).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from gmc import spreadsheets
from gmc.models import Edition
from gmc.query_numbers import is_plain_number

from . import exports, selectors
from .models import Feedback, Session


class RatedSessionFilter(admin.SimpleListFilter):
    """The sessions that have feedback, those of the chosen edition when one is."""

    title = _("session")
    parameter_name = "session"

    def lookups(self, request, model_admin):
        sessions = Session.objects.filter(feedback__isnull=False).select_related("edition")
        chosen = request.GET.get("session__edition__id__exact")
        if is_plain_number(chosen):
            sessions = sessions.filter(edition_id=chosen)
        return [
            (str(s.pk), f"{s.edition.year} · {s.display_title}")
            for s in sessions.distinct().order_by("-edition__year", "starts_at")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if is_plain_number(value):
            return queryset.filter(session_id=value)
        return queryset.none() if value else queryset


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    change_list_template = "agenda/admin/feedback_change_list.html"
    list_display = ["session_title", "rating", "comment_start", "author", "created_at"]
    list_filter = [
        "session__edition",
        "session__kind",
        RatedSessionFilter,
        "rating",
    ]
    search_fields = ["session__title", "comment"]
    list_select_related = ["session__edition", "author"]
    list_per_page = 50
    date_hierarchy = "created_at"
    fields = ["session", "author", "rating", "comment", "created_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("session"), ordering="session__starts_at")
    def session_title(self, feedback: Feedback) -> str:
        return f"{feedback.session.edition.year} · {feedback.session.display_title}"

    @admin.display(description=_("comment"))
    def comment_start(self, feedback: Feedback) -> str:
        return Truncator(feedback.comment).chars(120)

    # --- the summaries and exports -------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("summary/", view(self.summary_view), name="agenda_feedback_summary"),
            path(
                "summary/export/<str:by>.csv",
                view(self.summary_export_view),
                name="agenda_feedback_summary_export",
            ),
            path(
                "summary/session/<int:session_id>/",
                view(self.session_view),
                name="agenda_feedback_session",
            ),
            path("export.csv", view(self.export_view), name="agenda_feedback_export"),
            *super().get_urls(),
        ]

    def _check(self, request: HttpRequest) -> None:
        if not self.has_view_permission(request):
            raise PermissionDenied

    def _editions(self) -> list[Edition]:
        """Editions with feedback, newest first."""
        return list(
            Edition.objects.annotate(
                rated=Count("sessions__feedback", filter=Q(sessions__feedback__isnull=False))
            )
            .filter(rated__gt=0)
            .order_by("-year")
        )

    def _edition(self, request: HttpRequest, editions: list[Edition]) -> Edition | None:
        asked = request.GET.get("edition")
        for edition in editions:
            if str(edition.pk) == asked:
                return edition
        return editions[0] if editions else None

    def summary_view(self, request: HttpRequest) -> HttpResponse:
        """Averages and counts per kind and per session of one edition."""
        self._check(request)
        editions = self._editions()
        edition = self._edition(request, editions)
        feedback = Feedback.objects.filter(session__edition=edition)
        return TemplateResponse(
            request,
            "agenda/admin/feedback_summary.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Feedback summary"),
                "editions": editions,
                "edition": edition,
                "by_kind": selectors.feedback_by_kind(feedback) if edition else [],
                "by_session": selectors.feedback_by_session(feedback) if edition else [],
            },
        )

    def session_view(self, request: HttpRequest, session_id: int) -> HttpResponse:
        """One session's figures and comments, naming nobody: the copy for speakers."""
        self._check(request)
        session = get_object_or_404(Session.objects.select_related("edition"), pk=session_id)
        figures, comments = selectors.feedback_of_session(session)
        return TemplateResponse(
            request,
            "agenda/admin/feedback_session.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": session.display_title,
                "session": session,
                "figures": figures,
                "comments": comments,
            },
        )

    def _csv(self, name: str, header: list[str], rows) -> HttpResponse:
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = HttpResponse(
            spreadsheets.to_csv(header, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response

    def summary_export_view(self, request: HttpRequest, by: str) -> HttpResponse:
        """The summary of one edition as CSV, one row a session or a kind."""
        self._check(request)
        tables = {"session": exports.sessions_table, "kind": exports.kinds_table}
        if by not in tables:
            raise Http404
        edition = self._edition(request, self._editions())
        if edition is None:
            raise Http404
        header, rows = tables[by](Feedback.objects.filter(session__edition=edition))
        return self._csv(f"feedback-{edition.year}-by-{by}", header, rows)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The list as filtered and searched on the change list, as CSV (no authors)."""
        self._check(request)
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:agenda_feedback_changelist") + "?e=1")
        header, rows = exports.feedback_table(queryset)
        return self._csv("feedback", header, rows)
