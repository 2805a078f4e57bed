"""Forms of the organisers' message pages and of the email preferences: validation only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gmc.models import Edition

from .models import Broadcast, EmailCategory
from .services import DRAFT_FIELDS


class BroadcastForm(forms.ModelForm):
    class Meta:
        model = Broadcast
        # The fields the draft service lets organisers change, and no others.
        fields = list(DRAFT_FIELDS)
        labels = {
            "registration_status": _("Registration status"),
            "attendance": _("Attendance"),
            "check_in": _("Check-in at the conference"),
            "declaration_status": _("Declaration input"),
        }
        help_texts = {
            "attendance": _("Empty: everyone."),
            "check_in": _("Empty: whether checked in or not."),
            "country": _("The country in the person's profile. Empty: every country."),
            "organisation_type": _("Empty: every type."),
            "declaration_status": _("Empty: whatever they did."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = Edition.objects.order_by("-year")
        self.fields["body"].widget.attrs["rows"] = 12


def changed_values(form: forms.ModelForm) -> dict:
    """The cleaned values of the fields the person changed (for ``update_draft``)."""
    return {name: form.cleaned_data[name] for name in form.changed_data}


class SendForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the recipients and the preview; send it now."),
    )


class PreferencesForm(forms.Form):
    accepted = forms.MultipleChoiceField(
        label=_("Emails I want to receive"),
        choices=EmailCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Confirmations of your registration, receipts of your input and account "
            "emails (such as password resets) are always sent."
        ),
    )
