"""Forms of a person's own account pages: validation and cleaning only."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gmc.models import User
from gmc.zone_forms import ZoneField

from ..forms import NAME_HELP_TEXTS, NAME_LABELS, NAME_WIDGETS, name_initial


def _language_choices() -> list[tuple[str, str]]:
    return [("", _("Not set")), *settings.LANGUAGES]


class ProfileForm(forms.ModelForm):
    """The profile; the language is chosen from a list and the time zone typed as a city
    or country (with suggestions), so a value that is neither is a field error."""

    language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        choices=_language_choices,
        help_text=_("Emails are written in this language when it is available."),
    )
    time_zone = ZoneField(
        label=_("Time zone"),
        required=False,
        help_text=_(
            "The city or country whose time you live by, e.g. Paris or Hanoi: used for "
            "the times in your emails and, until you choose another, on the programme."
        ),
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
