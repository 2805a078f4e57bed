"""Forms of the agenda: the time-zone picker and the admin's shift page."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from gmc.zone_forms import ZoneField

from .services import MAX_SHIFT_MINUTES


class ZoneForm(forms.Form):
    """The GET form that picks the zone times are shown in; its field is named after the
    query parameter ``gmc.timezones`` reads, and takes a city or country as well as an
    IANA name."""

    def __init__(self, *args, at: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tz"] = ZoneField(
            label=_("Show times in the time zone of"),
            required=False,
            at=at,
            help_text=_("A city or a country, e.g. Hanoi, Beijing or Mexico City."),
        )


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
