"""The message catalogues stay whole: every marked string translated in each language,
no catalogue behind the code, no placeholder lost or renamed in a translation, and no
user-facing text in a template left unmarked."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils.translation import to_locale

BASE = Path(settings.BASE_DIR)
LOCALE = BASE / "locale"
# Every offered language but English, the language the strings are written in.
LANGUAGES = [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]
# The options of `make messages` (keep the two the same).
MAKEMESSAGES = [
    "makemessages",
    "--no-location",
    "--ignore=.venv",
    "--ignore=node_modules",
    "--ignore=tests",
    "--ignore=bench",
    "--ignore=build",
]


# --- reading a catalogue -------------------------------------------------------------


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def label(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt else self.msgid


def _unquote(text: str) -> str:
    return text[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")


def read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (the header and obsolete ones left out)."""
    entries: list[Entry] = []
    entry, current = Entry(), None

    def finish():
        nonlocal entry, current
        if current is not None and entry.msgid:
            entries.append(entry)
        entry, current = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _unquote(line)
            if current == "msgctxt":
                entry.msgctxt += value
            elif current == "msgid":
                entry.msgid += value
            elif current == "msgid_plural":
                entry.msgid_plural += value
            elif isinstance(current, int):
                entry.msgstr[current] += value
        else:
            keyword, _space, value = line.partition(" ")
            if keyword in ("msgctxt", "msgid", "msgid_plural"):
                setattr(entry, keyword, _unquote(value))
                current = keyword
            elif keyword == "msgstr":
                entry.msgstr[0], current = _unquote(value), 0
            elif keyword.startswith("msgstr["):
                index = int(keyword[7:-1])
                entry.msgstr[index], current = _unquote(value), index
    finish()
    return entries


def catalogue(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


# --- translations ----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_translated(language):
    missing = [
        entry.label()
        for entry in read_po(catalogue(language))
        if "fuzzy" in entry.flags or not all(entry.msgstr.values()) or not entry.msgstr
    ]
    assert not missing, (
        f"{language}: {len(missing)} strings without a (checked) translation, e.g. {missing[:5]}"
    )


# --- placeholders ----------------------------------------------------------------------

PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")
BRACE = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")


def placeholders(text: str, entry: Entry) -> list[str]:
    found = []
    if "python-format" in entry.flags or "%" in text:
        found += [f"%({name})" if name else "%" for name in PERCENT.findall(text)]
    if "python-brace-format" in entry.flags or "no-python-brace-format" not in entry.flags:
        found += [f"{{{name}}}" for name in BRACE.findall(text)]
    return sorted(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language):
    wrong = []
    for entry in read_po(catalogue(language)):
        expected = placeholders(entry.msgid, entry)
        if entry.msgid_plural is None:
            translated = entry.msgstr.get(0, "")
            if translated and placeholders(translated, entry) != expected:
                wrong.append((entry.label(), translated))
            continue
        # A plural form may leave the count out ("one seat"), never name another one.
        allowed = set(expected) | set(placeholders(entry.msgid_plural, entry))
        for translated in entry.msgstr.values():
            if translated and not set(placeholders(translated, entry)) <= allowed:
                wrong.append((entry.label(), translated))
    assert not wrong, f"{language}: placeholders dropped or renamed: {wrong[:5]}"


def test_the_placeholder_check_sees_a_renamed_placeholder():
    entry = Entry(msgid="Hello %(name)s, {count} left", flags={"python-format"})
    assert placeholders("Hola %(name)s, {count}", entry) == placeholders(entry.msgid, entry)
    assert placeholders("Hola %(nombre)s, {count}", entry) != placeholders(entry.msgid, entry)
    assert placeholders("Hola, {cuenta}", entry) != placeholders(entry.msgid, entry)


# --- catalogues against the code -------------------------------------------------------


def _source_copy(target: Path) -> None:
    """The project's code and templates, with the catalogues, without what makemessages
    is told to leave alone (or never reads: dependencies, generated files)."""
    skipped = {".venv", "node_modules", "tests", "bench", "build", "var", ".git"}
    shutil.copytree(
        BASE,
        target,
        symlinks=True,
        ignore=lambda directory, names: [
            name
            for name in names
            if (Path(directory) == BASE and name in skipped)
            or name in {"__pycache__", ".pytest_cache", ".ruff_cache"}
            or name.endswith(".mo")
        ],
    )


def test_catalogues_are_up_to_date_with_the_code(tmp_path):
    if not shutil.which("xgettext"):
        pytest.fail("gettext is not installed (Debian package gettext)")
    copy = tmp_path / "project"
    _source_copy(copy)
    environment = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "gmc.settings"}
    subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES, *(f"--locale={code}" for code in LANGUAGES)],
        cwd=copy,
        env=environment,
        check=True,
        capture_output=True,
    )
    stale = {}
    for language in LANGUAGES:
        ours = {entry.key for entry in read_po(catalogue(language))}
        fresh = {
            entry.key
            for entry in read_po(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        }
        if ours != fresh:
            stale[language] = {
                "missing": sorted(key[1] for key in fresh - ours)[:10],
                "no longer in the code": sorted(key[1] for key in ours - fresh)[:10],
            }
    assert not stale, f"run `make messages`: {stale}"


# --- unmarked text in templates ------------------------------------------------------

TEMPLATES = BASE / "templates"
# Attributes people read or hear.
READ_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-placeholder",
    "aria-roledescription",
    "aria-valuetext",
    "label",
}
MASK = "\x00"
LETTERS = re.compile(r"[^\W\d_]{2,}")
# Words that are the same in every language: the conference's and organisations' own
# names, and addresses.
ALLOWED = re.compile(r"^(?:GMC|UNESCO|IITE|MOOC|©|https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$")
TRANSLATING = {"translate", "trans", "blocktranslate", "blocktrans"}


def masked_source(text: str) -> str:
    """The template with every tag, variable and translated text replaced by MASK, so
    that what is left of the letters is literal text."""
    out: list[str] = []
    inside_translation = inside_comment = inside_verbatim = False
    for token in Lexer(text).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name == "comment":
                inside_comment = True
            elif name == "endcomment":
                inside_comment = False
            elif name in ("blocktranslate", "blocktrans"):
                inside_translation = True
            elif name in ("endblocktranslate", "endblocktrans"):
                inside_translation = False
            elif name == "verbatim":
                inside_verbatim = True
            elif name == "endverbatim":
                inside_verbatim = False
            out.append(_tag_or_mask(out))
        elif token.token_type == TokenType.TEXT:
            skip = inside_translation or inside_comment or inside_verbatim
            out.append(MASK if skip else token.contents)
        elif token.token_type == TokenType.COMMENT:
            continue
        else:
            out.append(_tag_or_mask(out))
    return "".join(out)


def _tag_or_mask(out: list[str]) -> str:
    """A tag whose name a template decides (``<{% if href %}a ...``) is read as a tag."""
    return "x" if out and out[-1].endswith(("<", "</")) else MASK


def _unmarked(text: str) -> list[str]:
    words = []
    for piece in text.replace(MASK, " ").split():
        if LETTERS.search(piece) and not ALLOWED.match(piece.strip(".,:;()·")):
            words.append(piece)
    return words


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg"):
            self.skipping += 1
        attributes = dict(attrs)
        for name, value in attrs:
            read = name in READ_ATTRIBUTES or (
                name == "content" and attributes.get("name") == "description"
            )
            if read and value:
                self.found += _unmarked(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.found += _unmarked(data)


def unmarked_text(path: Path) -> list[str]:
    source = masked_source(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        return _unmarked(source)
    finder = _TextFinder()
    finder.feed(source)
    finder.close()
    return finder.found


# Templates that no person reads.
FOR_MACHINES = {"gmc/robots.txt"}


def test_template_text_is_marked_for_translation():
    found = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if str(path.relative_to(TEMPLATES)) in FOR_MACHINES:
            continue
        if path.suffix in (".html", ".txt") and (words := unmarked_text(path)):
            found[str(path.relative_to(BASE))] = words
    assert not found, found


def test_the_template_check_sees_unmarked_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<p title="Open it">{% translate "Marked" %} {{ name }}</p>'
        "<p>{% blocktranslate %}Also {{ marked }}{% endblocktranslate %}</p>"
        "{# a note #}{% comment %}Notes for us{% endcomment %}<p>GMC ©</p>"
        "<p>{{ left }} left</p>"
    )
    assert unmarked_text(page) == ["Open", "it", "left"]
    mail = tmp_path / "mail.txt"
    mail.write_text("{% load i18n %}{% translate 'Hello' %}\nSee you {{ name }}\n")
    assert unmarked_text(mail) == ["See", "you"]
