"""Validation and cleaning of what a visa invitation letter needs."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .services import Details

# Passports print their numbers in Latin capitals and digits (ICAO Doc 9303: up to nine
# in the machine-readable zone; some countries print longer ones on the data page).
PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")
OLDEST_BIRTH_YEAR = 1900


class VisaDetailsForm(forms.Form):
    """The person's details as their passport gives them. The same form serves the
    person (on their registration) and the organisers who correct a request."""

    passport_name = forms.CharField(
        label=_("Full name as in your passport"),
        max_length=200,
        help_text=_("Exactly as printed in your passport, given names and family name."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please give your full name as in your passport.")},
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        help_text=_("The country that issued your passport."),
        error_messages={
            "required": _("Please choose your nationality."),
            "invalid_choice": _("Please choose your nationality from the list."),
        },
    )
    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=30,
        help_text=_("Letters and digits, as printed in your passport."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"}),
        error_messages={"required": _("Please give your passport number.")},
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        help_text=_("As in your passport, e.g. 1985-04-23 (year, month, day)."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Please give your date of birth."),
            "invalid": _("Please write your date of birth as year-month-day, e.g. 1985-04-23."),
        },
    )
    purpose = forms.CharField(
        label=_("Purpose of travel"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the letter should say you travel for."),
        error_messages={"required": _("Please say what you travel for.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = [("", "---------"), *countries]

    def clean_passport_name(self) -> str:
        return " ".join(self.cleaned_data["passport_name"].split())

    def clean_passport_number(self) -> str:
        typed = self.cleaned_data["passport_number"]
        number = "".join(typed.split()).replace("-", "").upper()
        if not PASSPORT_NUMBER.match(number):
            raise forms.ValidationError(
                _(
                    "A passport number has 5 to 20 letters (A to Z) and digits, without other "
                    "signs. Please check it against your passport."
                )
            )
        return number

    def clean_date_of_birth(self) -> datetime.date:
        born = self.cleaned_data["date_of_birth"]
        if born >= timezone.now().date():
            raise forms.ValidationError(_("A date of birth is in the past. Please check it."))
        if born.year < OLDEST_BIRTH_YEAR:
            raise forms.ValidationError(
                _("Please check the year of your date of birth: it is before %(year)s.")
                % {"year": OLDEST_BIRTH_YEAR}
            )
        return born

    def clean_purpose(self) -> str:
        return self.cleaned_data["purpose"].strip()

    def details(self) -> Details:
        return Details(**{name: self.cleaned_data[name] for name in Details.__dataclass_fields__})


class DecisionForm(forms.Form):
    """The organisers' note with a decision: required to decline (the person is told
    why), optional to approve."""

    note = forms.CharField(
        label=_("Note to the person"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Declining: why, in words the person understands; it is emailed to them."),
    )
    decision = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why the request is declined: the person is told."))
        return cleaned
