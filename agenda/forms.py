"""Forms of the agenda: the time-zone picker, an attendee's feedback on a session and
the admin's shift page."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from gmc.zone_forms import ZoneField

from .models.feedback import COMMENT_MAX_LENGTH, Rating
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


class FeedbackForm(forms.Form):
    """A rating from 1 to 5 (a group of radio buttons under its legend) and an optional
    comment. ``agenda.services.give_feedback`` decides whether it is taken."""

    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What worked, what could be better. The organisers read it; speakers may "
            "read it too, without your name."
        ),
        error_messages={
            "max_length": _(
                "Keep the comment to %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )
