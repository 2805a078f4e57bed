from datetime import datetime

from django import template
from django.utils.translation import get_language_info

from gmc import dates, timezones

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """The name of a language code in the visitor's language; the code itself when
    Django does not know it (an organiser may type any code in the admin)."""
    try:
        return get_language_info(str(code))["name_translated"]
    except KeyError:
        return str(code)


@register.filter
def date_range(start, end=None) -> str:
    """``{{ edition.start_date|date_range:edition.end_date }}``: see gmc.dates.date_range."""
    return dates.date_range(start, end)


@register.filter
def zone_label(zone_name: str, at=None) -> str:
    """A zone as people say it, with its offset at ``at`` (a datetime; default now):
    ``{{ edition.time_zone|zone_label:moment }}`` gives "Hanoi time (UTC+7)"."""
    return timezones.zone_label(zone_name or "UTC", at if isinstance(at, datetime) else None)
