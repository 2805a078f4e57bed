"""Forms of the agenda: the time-zone picker, the programme's filters, an attendee's
feedback on a session and the admin's shift page."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from gmc.zone_forms import ZoneField

from .filters import MAX_SEARCH_LENGTH
from .models.feedback import COMMENT_MAX_LENGTH, Rating
from .selectors import FilteredProgramme
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


class ProgrammeFilterForm(forms.Form):
    """The GET form that narrows a programme page. Never bound: it shows the filter the
    page applied (its values already in their one spelling, see ``agenda.filters``) and
    offers only what the programme holds; a list with a single choice is left out
    unless it is in use. Its fields are named after the query parameters."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        widget=forms.SearchInput,
        help_text=_("Words from a title, a description or the name of a speaker."),
    )
    day = forms.ChoiceField(label=_("Day"), required=False)
    room = forms.ChoiceField(label=_("Room"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    speaker = forms.ChoiceField(label=_("Speaker"), required=False)

    def __init__(self, programme: FilteredProgramme):
        applied = programme.filter
        super().__init__(initial=dict(applied.items()), auto_id="filter-%s")
        choices = programme.choices
        offered = {
            "day": [
                (d.isoformat(), date_format(d, "SHORT_WEEKDAY_DATE_FORMAT")) for d in choices.days
            ],
            "room": [(str(r.pk), r.name) for r in choices.rooms],
            "kind": choices.kinds,
            "theme": choices.themes,
            "speaker": [(str(s.pk), s.name) for s in choices.speakers],
        }
        anything = {
            "day": _("Any day"),
            "room": _("Any room"),
            "kind": _("Any kind"),
            "theme": _("Any theme"),
            "speaker": _("Any speaker"),
        }
        for name, values in offered.items():
            if len(values) < 2 and not getattr(applied, name):
                del self.fields[name]
            else:
                self.fields[name].choices = [("", anything[name]), *values]

    def label_of(self, name: str, value: str) -> str:
        """How the form names a value of one of its fields (the words of a search as
        they are)."""
        field = self.fields.get(name)
        if isinstance(field, forms.ChoiceField):
            return str(dict(field.choices).get(value, value))
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
