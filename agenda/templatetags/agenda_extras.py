"""Template filters of the agenda's pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from gmc.templatetags.gmc_extras import language_name

register = template.Library()


@register.filter
def kept_for_registered(items: Iterable) -> bool:
    """``{% if recordings|kept_for_registered %}``: whether any of the recordings or
    materials is for registered participants only."""
    return any(not item.is_public for item in items)


@register.filter
def recording_languages(recordings: Iterable) -> list[str]:
    """The names of the languages the recordings are in, in the visitor's language."""
    return [language_name(recording.language) for recording in recordings]
