from datetime import datetime

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.formats import date_format, get_format
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from django.utils.translation import get_language_bidi, get_language_info

from gmc import dates, lists, timezones
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
def language_names(codes) -> list[str]:
    """``{{ codes|language_names|join_list }}``: the names of language codes."""
    return [language_name(code) for code in codes or []]


@register.filter
def date_range(start, end=None) -> str:
    """``{{ edition.start_date|date_range:edition.end_date }}``: see gmc.dates.date_range."""
    return dates.date_range(start, end)


@register.simple_tag
def session_times(start, end) -> str:
    """``{% session_times session.starts_at session.ends_at %}``: "09:00-10:30" as two
    ``<time>`` elements, the end with its day when it falls on another day."""
    # As the ``date`` filter shows it: in the active zone, or the one ``|timezone`` gave.
    start = template_localtime(start)
    end = dates.in_zone_of(start, end)
    first, last = dates.time_span(start, end)
    return format_html(
        '<time datetime="{}">{}</time>\N{EN DASH}<time datetime="{}">{}</time>',
        start.isoformat(),
        first,
        end.isoformat(),
        last,
    )


@register.simple_tag
def session_when(start, end) -> str:
    """``{% session_when session.starts_at session.ends_at %}``: the weekday and date
    with the times, in the language's order ("Sunday 3 January 2027, 09:00-10:30",
    "09:00-10:30 Chủ nhật, 3 tháng 1, 2027"); the times as ``<time>`` elements."""
    start = template_localtime(start)
    # The format is the portal's own (gmc/formats/), not anyone's input.
    return format_html(
        get_format("DAY_AND_TIMES_FORMAT"),
        day=date_format(start, "WEEKDAY_DATE_FORMAT"),
        times=session_times(start, end),
    )


@register.filter(needs_autoescape=True)
def join_list(items, autoescape=True) -> str:
    """``{{ names|join_list }}``: a list in a sentence, joined the language's way
    ("a, b and c", "甲、乙和丙"): see gmc.lists."""
    return lists.join_list(items or [], autoescape=autoescape)


@register.filter
def list_separator(loop) -> str:
    """``{{ forloop|list_separator }}`` after each item of a ``{% for %}`` written as a
    list in a sentence: ", ", " and " or nothing, in the language's way."""
    return lists.separator_after(loop["counter0"], loop["counter"] + loop["revcounter0"])


@register.simple_tag
def start_side() -> str:
    """``left``, or ``right`` in a right-to-left language: for an email's inline style
    (``border-{% start_side %}``), where logical properties are not read everywhere."""
    return "right" if get_language_bidi() else "left"


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
