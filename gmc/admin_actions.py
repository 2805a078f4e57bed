"""The page an admin action shows before it acts: a confirmation, or a form to fill.

Every such page has one frame (``templates/admin/action_page.html``, which the action's
own template extends): the breadcrumbs, what will happen, the selected rows sent again
with the action's name, the form's fields (a group of choices as a fieldset with its
legend), a button to go ahead and one back to the list. A page of the same kind that is
not an action (the badges of a filtered list) has no action name and no selection, and
keeps the list's query (``list_query``) in its links back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.admin import ModelAdmin, helpers
from django.forms import Form
from django.http import HttpRequest
from django.template.response import TemplateResponse


def action_page(
    model_admin: ModelAdmin,
    request: HttpRequest,
    template: str,
    *,
    title: str,
    action_name: str = "",
    selected: Iterable[int] = (),
    form: Form | None = None,
    **context,
) -> TemplateResponse:
    """The page of ``action_name`` for the rows ``selected`` (their primary keys), from
    ``template`` with ``context`` besides what the frame needs."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": title,
            "form": form,
            "selected": list(selected),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_name": action_name,
            "select_across": request.POST.get("select_across", "0"),
            **context,
        },
    )
