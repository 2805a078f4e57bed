"""Refused moves: the one shape of the error a service raises when its rules say no,
and the one way pages and the admin show it.

Each app subclasses ``RefusedMove`` with its own ``code`` (``RegistrationError``,
``DeclarationError``, ``AgendaError``...): callers catch the app's class, or this one
to treat every refusal alike.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest


class RefusedMove(Exception):
    """A move the rules refuse, e.g. registering after the deadline.

    ``message`` is written for the person who tried and shown to them as it is;
    ``code`` names the refusal for callers, tests and logs, and stays when the wording
    changes: the class's own unless the raise names a narrower one; ``field`` is the form
    field the refusal concerns, if any.
    """

    code: str = "refused"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


def show_refusal(request: HttpRequest, error: RefusedMove, *, about: str = "") -> None:
    """Tell the person on the next page (a view's or the admin's) why nothing happened;
    ``about`` names what was refused when a page reports several at once."""
    messages.error(request, f"{about}: {error.message}" if about else error.message)


def refusal_on_form(form: forms.BaseForm, error: RefusedMove) -> None:
    """Show a refusal on the form being sent again: by the field it concerns when the
    form has that field, otherwise above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


# Where a refusal met while saving an admin form waits for that form to be shown again.
_REFUSAL_ON_REQUEST = "_refused_at_saving"


class RefusalOnFormAdmin:
    """ModelAdmin mixin (put it before ``admin.ModelAdmin``) for admins that save through a
    service which may refuse at saving what the form's check allowed a moment before (the
    last seat went, the message's sending began). The admin's transaction is then rolled
    back, so nothing is saved or logged, and the same form is shown again as it was sent,
    with the refusal on it: nothing the organiser typed is lost."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RefusedMove as refused:
            if request.method != "POST" or hasattr(request, _REFUSAL_ON_REQUEST):
                raise
            setattr(request, _REFUSAL_ON_REQUEST, refused)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refused = getattr(request, _REFUSAL_ON_REQUEST, None)
        if refused is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                shown = self.errors.get(
                    refused.field if refused.field in self.fields else NON_FIELD_ERRORS, []
                )
                if refused.message not in shown:
                    refusal_on_form(self, refused)
                return cleaned

        return RefusedForm
