"""What a programme page can be narrowed to, and how each value is spelled.

A visitor filters the programme by day, room, kind, theme and speaker and searches it
for words (``?day=2025-12-03&kind=plenary&q=ethics``). Each parameter has a normaliser
that gives its value one spelling, so that the page cache (``gmc.page_cache``) keeps one
copy per meaning: days as ISO dates, rooms and speakers as their ids, kinds as
``Session.Kind`` values, themes as the slug of their text in the default language, and
the words as typed but in one case, width and spacing, cut to ``MAX_SEARCH_LENGTH``
characters. A value that cannot be one (``room=abc``, an impossible date) is ""
for the page cache: it drops it and renders the page as if it were not asked for.
A value well spelled but naming nothing in the programme (a room of another edition)
is known only once the programme is read: the selector leaves it out, and the view
answers that page without storing it.

Matching is done in Python over the sessions the page reads anyway (an edition's
programme, a few hundred sessions at most): it reads the texts in the active language
with modeltranslation's fallback to the default one, exactly as the page shows them,
folds case and accents the same way in every language (Vietnamese đ, Arabic vowel
marks and hamza forms, Russian ё), and behaves identically on SQLite and PostgreSQL
without costing a query.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import date
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.text import slugify

from .models import Session

# Longer searches are cut to this many characters (after their spacing is collapsed).
MAX_SEARCH_LENGTH = 100
# A theme is named in addresses by the slug of its default-language text, this long at most.
THEME_KEY_LENGTH = 80
# Ids are bigints: anything larger names nothing.
MAX_ID = 2**63 - 1
# Characters searched for as a space: controls and separators of any script.
_SPACES = {"Cc", "Zs", "Zl", "Zp"}
# Characters dropped: invisible formatting, surrogates, private use, unassigned.
_DROPPED = {"Cf", "Cs", "Co", "Cn"}
ARABIC_TATWEEL = "\u0640"


# --- One spelling per value (the page cache's normalisers) -------------------------------


def day_parameter(value: str) -> str:
    """``?day=``: the ISO date (``2025-12-03``), "" for anything that is no date."""
    value = value.strip()
    if len(value) > 32:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return ""


def id_parameter(value: str) -> str:
    """``?room=`` and ``?speaker=``: the id in plain digits (``007`` is ``7``), "" for
    anything that is no id."""
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 24:
        return ""
    number = int(value)
    return str(number) if 0 < number <= MAX_ID else ""


def kind_parameter(value: str) -> str:
    """``?kind=``: a kind of session (``plenary``), "" for any other word."""
    value = value.strip().lower()
    return value if value in Session.Kind.values else ""


def theme_key(text: str) -> str:
    """How a theme is named in addresses: the slug of its text (the default language's
    for a session), cut to ``THEME_KEY_LENGTH``. Applied twice it changes nothing."""
    return slugify(text, allow_unicode=True)[:THEME_KEY_LENGTH].strip("-_")


def theme_parameter(value: str) -> str:
    """``?theme=``: the theme's key (see ``theme_key``)."""
    return theme_key(value[: THEME_KEY_LENGTH * 4])


def search_parameter(value: str) -> str:
    """``?q=``: the words in compatibility form (full-width letters as plain ones), lower
    case, controls and runs of spaces as one space, invisible characters removed, cut
    to ``MAX_SEARCH_LENGTH`` characters; "" when nothing is left. Accents are kept, so
    the form shows the words as typed; matching ignores them (``fold``)."""
    text = value[: MAX_SEARCH_LENGTH * 8]
    # Removing a character can let its neighbours compose, and composing can make
    # another spelling: repeated until nothing changes (twice for nearly any text).
    for _attempt in range(4):
        spelled = _search_spelling(text)
        if spelled == text:
            break
        text = spelled
    return text


def _search_spelling(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = []
    for character in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(character)
        if category in _SPACES:
            kept.append(" ")
        elif category not in _DROPPED:
            kept.append(character)
    text = unicodedata.normalize("NFKC", "".join(kept))
    return " ".join(text.split())[:MAX_SEARCH_LENGTH].rstrip()


# Every parameter of the programme's filters, with its normaliser (for ``public_page``).
PARAMETERS = {
    "q": search_parameter,
    "day": day_parameter,
    "room": id_parameter,
    "kind": kind_parameter,
    "theme": theme_parameter,
    "speaker": id_parameter,
}


# --- Matching ---------------------------------------------------------------------------


def fold(text: str) -> str:
    """``text`` for matching: lower case, without accents or vowel marks (of any script),
    punctuation as spaces, runs of spaces as one. "Dávila" and "davila", "Đổi mới" and
    "doi moi", "ёлка" and "елка", "التَّعْلِيم" and "التعليم" fold alike."""
    text = unicodedata.normalize("NFKD", text.casefold()).replace("đ", "d")
    kept = []
    for character in text:
        if unicodedata.combining(character) or character == ARABIC_TATWEEL:
            continue
        category = unicodedata.category(character)
        if category[0] in "PZ" or category in _SPACES:
            kept.append(" ")
        elif category not in _DROPPED:
            kept.append(character)
    return " ".join("".join(kept).split())


def search_words(query: str) -> list[str]:
    """The folded words of a search; a session matches when it holds every one."""
    return fold(query).split()


# --- A visitor's filter -----------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeFilter:
    """What a visitor narrowed the programme to; empty values filter nothing. The
    fields are named after their query parameters."""

    q: str = ""
    day: str = ""  # ISO date, in the viewer's zone
    room: str = ""  # id
    kind: str = ""
    theme: str = ""  # theme_key
    speaker: str = ""  # id

    @classmethod
    def from_query(cls, query: QueryDict) -> ProgrammeFilter:
        """The filter a query asks for, each value normalised (the page cache may have
        done so already: normalising twice changes nothing). The last of repeated
        values counts, as for the page cache."""
        return cls(**{name: PARAMETERS[name](query.get(name) or "") for name in PARAMETERS})

    @property
    def is_active(self) -> bool:
        return any(self.items())

    def items(self) -> list[tuple[str, str]]:
        """The parameters that filter, in the form's order."""
        return [(f.name, getattr(self, f.name)) for f in fields(self) if getattr(self, f.name)]

    def without(self, *names: str) -> ProgrammeFilter:
        return replace(self, **{name: "" for name in names})

    def query(self, **keep: str) -> str:
        """The query string of this filter, with ``keep`` (e.g. the zone asked for)
        first: "?tz=...&kind=plenary", or "" when there is nothing to say."""
        pairs = [(name, value) for name, value in keep.items() if value] + self.items()
        return "?" + urlencode(pairs) if pairs else ""
