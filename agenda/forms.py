"""Forms of the agenda: the time-zone picker and the admin's shift page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gmc.timezones import known_zone_names

from .services import MAX_SHIFT_MINUTES


class ZoneForm(forms.Form):
    """The GET form that picks the zone times are shown in; its field is named after the
    query parameter ``gmc.timezones`` reads."""

    tz = forms.CharField(
        label=_("Show times in the time zone"),
        max_length=64,
        required=False,
        help_text=_("An IANA name such as Europe/Madrid or Asia/Shanghai."),
        widget=forms.TextInput(
            attrs={"list": "zone-names", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, fallback: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fallback = fallback

    def clean_tz(self) -> str:
        value = self.cleaned_data["tz"].strip()
        if value and value not in known_zone_names():
            raise forms.ValidationError(
                _("“%(value)s” is not a time zone we know; times are shown in %(fallback)s."),
                params={"value": value, "fallback": self.fallback},
            )
        return value


class ShiftForm(forms.Form):
    """How far to move the selected sessions (the admin action's intermediate page)."""

    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=-MAX_SHIFT_MINUTES,
        max_value=MAX_SHIFT_MINUTES,
        help_text=_("Positive moves the sessions later, negative earlier, e.g. 15 or -30."),
    )

    def clean_minutes(self) -> int:
        minutes = self.cleaned_data["minutes"]
        if minutes == 0:
            raise forms.ValidationError(_("Enter a number of minutes other than 0."))
        return minutes
