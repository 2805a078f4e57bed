from datetime import datetime

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from gmc import dates, timezones
from gmc.links import absolute_url

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


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[tuple[str, str]]:
    """The absolute address of this page in each language, as (hreflang, address), then
    ("x-default", the English one); nothing on a page with one address for every
    language (the admin) or no page at all (404)."""
    request = context.get("request")
    if request is None or getattr(request, "resolver_match", None) is None:
        return []
    addresses = [(code, translate_url(request.path, code)) for code, _name in settings.LANGUAGES]
    default = translate_url(request.path, settings.LANGUAGE_CODE)
    if len({address for _code, address in addresses}) < len(addresses):
        return []
    return [(code, absolute_url(address)) for code, address in addresses] + [
        ("x-default", absolute_url(default))
    ]
