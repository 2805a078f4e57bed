"""Badges from the registrations list: the action "Print badges" on the registrations
chosen, and a link that prints the list as filtered and searched. Registration's own
admin is extended here, not there: registration knows nothing of documents."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gmc.admin_actions import action_page
from gmc.errors import refusal_on_form
from gmc.models import Edition
from registration.admin import RegistrationAdmin
from registration.models import Registration

from ..models import BadgePrint
from . import services
from .forms import BadgePaperForm
from .selectors import printable

CHANGELIST = "admin:registration_registration_changelist"


class BadgesRegistrationAdmin(RegistrationAdmin):
    change_list_template = "documents/badges/admin_change_list.html"
    actions = [*RegistrationAdmin.actions, "print_badges"]

    def get_urls(self):
        return [
            path(
                "badges/",
                self.admin_site.admin_view(self.print_list_view),
                name="registration_registration_badges",
            ),
            *super().get_urls(),
        ]

    def _print_page(self, request: HttpRequest, queryset: QuerySet[Registration], form,
                    **context) -> HttpResponse:  # fmt: skip
        chosen = printable(queryset)
        count = chosen.count()
        editions = Edition.objects.filter(
            pk__in=chosen.order_by().values_list("edition_id", flat=True).distinct()
        )
        return action_page(
            self,
            request,
            "documents/badges/admin_print.html",
            title=_("Print badges"),
            form=form,
            count=count,
            left_out=queryset.count() - count,
            editions=list(editions),
            **context,
        )

    def _request_run(self, request: HttpRequest, queryset: QuerySet[Registration], form,
                     *, selection: str, filter_query: str = "") -> int | None:  # fmt: skip
        """The new run's id, or None with the refusal put on ``form``."""
        try:
            run = services.request_badge_print(
                queryset,
                selection=selection,
                paper=form.cleaned_data["paper"],
                by=request.user,
                filter_query=filter_query,
            )
        except services.BadgeError as error:
            refusal_on_form(form, error)
            return None
        return run.pk

    @admin.action(description=gettext_lazy("Print badges"), permissions=["change"])
    def print_badges(self, request: HttpRequest, queryset: QuerySet[Registration]):
        """A page to choose the paper, then a print run of the chosen registrations."""
        form = BadgePaperForm(request.POST if "print" in request.POST else None)
        if form.is_valid():
            run_id = self._request_run(
                request, queryset, form, selection=BadgePrint.Selection.CHOSEN
            )
            if run_id is not None:
                return redirect("documents:badge_print", run_id)
        return self._print_page(
            request,
            queryset,
            form,
            action_name="print_badges",
            selected=queryset.values_list("pk", flat=True),
        )

    def print_list_view(self, request: HttpRequest) -> HttpResponse:
        """The badges of the list as filtered and searched on the change list (the same
        query string), after choosing the paper."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse(CHANGELIST) + "?e=1")
        query = request.GET.urlencode()
        form = BadgePaperForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            run_id = self._request_run(
                request,
                queryset,
                form,
                selection=BadgePrint.Selection.FILTER,
                filter_query=f"?{query}" if query else "",
            )
            if run_id is not None:
                return redirect("documents:badge_print", run_id)
        if request.method == "GET" and not queryset.exists():
            messages.warning(request, _("The list is empty: there are no badges to print."))
        return self._print_page(request, queryset, form, list_query=query)


admin.site.unregister(Registration)
admin.site.register(Registration, BadgesRegistrationAdmin)
