"""Lists written in a sentence, joined the way the current language does it (CLDR's
list patterns, kept in gmc/formats/: LIST_PAIR_SEPARATOR, LIST_SEPARATOR,
LIST_LAST_SEPARATOR): "a, b and c" in English, "甲、乙和丙" in Chinese, "أ وب وج" in
Arabic, with "и" in Russian.

The patterns are the portal's format modules rather than a library's (Babel has them
too): they sit beside the language's dates, each list of the portal is of names that
may be links (HTML), and a template's ``{% for %}`` needs the text between two items,
which Babel's ``format_list`` does not give."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString


def separator_after(index: int, length: int) -> str:
    """What follows item ``index`` (from 0) of a list of ``length`` items in a
    sentence: nothing after the last."""
    if index >= length - 1:
        return ""
    if length == 2:
        return get_format("LIST_PAIR_SEPARATOR")
    if index == length - 2:
        return get_format("LIST_LAST_SEPARATOR")
    return get_format("LIST_SEPARATOR")


def join_list(items: Iterable, *, autoescape: bool = False) -> str:
    """``items`` (turned to text) as a list in a sentence, empty ones left out. With
    ``autoescape``, or when an item is already HTML, the result is HTML: each item
    escaped unless it is safe."""
    items = [item for item in items if item not in (None, "")]
    if not (autoescape or any(isinstance(item, SafeData) for item in items)):
        return "".join(
            str(item) + separator_after(index, len(items)) for index, item in enumerate(items)
        )
    # Escaped pieces added together stay safe: no mark_safe needed.
    joined = SafeString()
    for index, item in enumerate(items):
        joined += conditional_escape(item) + conditional_escape(separator_after(index, len(items)))
    return joined
