"""The organisers' forms of badge printing: validation only, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gmc.models import Edition

from ..models import BadgePrint
from .layout import A4, SHEETS

PAPER_HELP = _(
    "Sheets have crop marks showing where to cut; a label printer prints one badge a label."
)


def paper_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Paper"),
        choices=[(sheet.key, sheet.label) for sheet in SHEETS.values()],
        initial=A4.key,
        widget=forms.RadioSelect,
        help_text=PAPER_HELP,
        error_messages={"invalid_choice": _("Choose a paper from the list.")},
    )


class BadgeRunForm(forms.Form):
    """A print run of an edition's badges, from the organisers' badge page."""

    edition = forms.ModelChoiceField(
        label=_("Edition"),
        queryset=Edition.objects.order_by("-year"),
        empty_label=None,
        to_field_name="year",
    )
    selection = forms.ChoiceField(
        label=_("Which badges"),
        choices=[
            (BadgePrint.Selection.EDITION, BadgePrint.Selection.EDITION.label),
            (BadgePrint.Selection.NOT_CHECKED_IN, BadgePrint.Selection.NOT_CHECKED_IN.label),
        ],
        initial=BadgePrint.Selection.EDITION,
        widget=forms.RadioSelect,
        help_text=_(
            "Cancelled registrations, online attendance and the waiting list are left out. "
            "To print others, choose them in the registrations list and use its action "
            "“Print badges”."
        ),
    )
    paper = paper_field()


class BadgePaperForm(forms.Form):
    """The paper of a run of the admin list's registrations (filtered or chosen)."""

    paper = paper_field()
