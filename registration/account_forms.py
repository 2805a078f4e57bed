"""Forms of a person's own account pages: validation and cleaning only."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gmc.models import User

from .accounts.services import time_zone_names
from .forms import NAME_HELP_TEXTS, NAME_LABELS, NAME_WIDGETS, name_initial


def _time_zone_choices() -> list[tuple[str, str]]:
    return [("", _("Not set")), *((name, name.replace("_", " ")) for name in time_zone_names())]


def _language_choices() -> list[tuple[str, str]]:
    return [("", _("Not set")), *settings.LANGUAGES]


class ProfileForm(forms.ModelForm):
    """The profile; the time zone and language are chosen from lists, so a value that is
    not on them is a field error."""

    language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        choices=_language_choices,
        help_text=_("Emails are written in this language when it is available."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=_time_zone_choices,
        help_text=_("Used for the times in your emails, e.g. Europe/Paris."),
    )

    class Meta:
        model = User
        fields = [
            "given_name",
            "family_name",
            "badge_name",
            "job_title",
            "organisation_name",
            "organisation_type",
            "country",
            "language",
            "time_zone",
        ]
        labels = NAME_LABELS
        help_texts = NAME_HELP_TEXTS
        widgets = {
            **NAME_WIDGETS,
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
        }

    def __init__(self, *args, **kwargs):
        instance = kwargs["instance"]
        kwargs["initial"] = {**name_initial(instance), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


class DeleteAccountForm(forms.Form):
    """Deleting the account asks for the password, so a session left open is not enough."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password
