"""A form field for a time zone that people fill in by city or country.

A text box with the current zones as suggestions (a ``<datalist>``, which browsers
offer without any script); what is typed is read by ``gmc.timezones.resolve_zone_name``
("Hanoi", "Hà Nội", "Vietnam", "Asia/Ho_Chi_Minh" or a suggestion's own text) and
cleaned to the zone's IANA name.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gmc import timezones


@lru_cache(maxsize=32)
def _options(language: str | None, day: date | None) -> SafeString:
    """The suggestions, made once per language and day: looping over some 400 zones on
    every request would cost more than the page."""
    at = datetime.combine(day, datetime.min.time(), tzinfo=timezones.UTC) if day else None
    labels = ((timezones.option_label(entry, at),) for entry in timezones.current_zones())
    return format_html_join("", '<option value="{}">', labels)


class ZoneInput(forms.TextInput):
    """A text box followed by its list of suggestions."""

    def __init__(self, attrs=None, at: datetime | None = None):
        defaults = {"autocomplete": "off", "spellcheck": "false"}
        super().__init__({**defaults, **(attrs or {})})
        self.at = at

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}-options"
        box = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        day = self.at.date() if self.at else timezone.now().date()
        options = _options(get_language(), day)
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)


class ZoneField(forms.CharField):
    """Cleans a city, country or zone name to the IANA name of a current zone ("" when
    left empty). ``at`` is the moment offsets in the suggestions are given for."""

    default_error_messages = {
        "unknown": _(
            "“%(value)s” is not a time zone we know. Type a city or a country, "
            "e.g. Hanoi, Mexico City or Madrid."
        ),
        "ambiguous": _("“%(value)s” has several time zones; choose one: %(options)s."),
    }

    def __init__(self, *, at: datetime | None = None, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("widget", ZoneInput(at=at))
        super().__init__(**kwargs)
        self.at = at

    def prepare_value(self, value):
        # A stored IANA name is shown the way the suggestions write it.
        if isinstance(value, str) and value in timezones.known_zone_names():
            return timezones.option_value(value, self.at)
        return value

    def to_python(self, value) -> str:
        value = super().to_python(value).strip()
        if not value:
            return ""
        try:
            name = timezones.resolve_zone_name(value)
        except timezones.AmbiguousZone as ambiguous:
            options = "; ".join(timezones.option_label(c, self.at) for c in ambiguous.candidates)
            raise forms.ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"value": value, "options": options},
            ) from None
        if name is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )
        return name
