"""Organisers' exports of a call's input: CSV, XLSX and JSON (one row per submission, a
column per topic), a ZIP of the attachments, and the compilation in Markdown."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.utils import timezone
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _

from gmc import spreadsheets
from gmc.models import OrganisationType

from . import selectors
from .models import Call, Submission

# Attachments are copied into the ZIP in pieces of this size.
COPY_CHUNK = 1024 * 1024
# The ZIP stays in memory up to this size, then moves to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def _moment(call: Call, value) -> str:
    if value is None:
        return ""
    return timezone.localtime(value, call.edition.tz).strftime("%Y-%m-%d %H:%M")


def records(call: Call) -> Iterator[dict]:
    """One dict per sent submission, the topics' answers by topic title."""
    topics = list(call.topics.all())
    type_labels = dict(OrganisationType.choices)
    for submission in selectors.submissions_for_export(call):
        answers = {a.topic_id: a.text for a in submission.answers.all()}
        yield {
            "id": submission.pk,
            "submitted_at": _moment(call, submission.submitted_at),
            "status": str(submission.get_status_display()),
            "name": submission.contributor.display_name if submission.contributor else "",
            "email": submission.contributor.email if submission.contributor else "",
            "organisation": submission.organisation_name,
            "organisation_type": str(type_labels.get(submission.organisation_type, "")),
            "country": submission.country.name or "",
            "quote_consent": str(submission.get_quote_consent_display()),
            "showcase_consent": submission.showcase_consent,
            "showcase_published": submission.showcase_published,
            "tags": [tag.name for tag in submission.tags.all()],
            "internal_notes": submission.internal_notes,
            "attachments": [a.label for a in submission.attachments.all()],
            "answers": {topic.title: answers.get(topic.pk, "") for topic in topics},
        }


def table(call: Call) -> tuple[list[str], Iterator[list[str]]]:
    """The header and the rows of the CSV and XLSX exports (``gmc.spreadsheets`` keeps every
    cell from being run as a formula)."""
    topics = list(call.topics.all())
    header = [
        _("Submission"),
        _("Submitted"),
        _("Status"),
        _("Name"),
        _("Email"),
        _("Organisation"),
        _("Organisation type"),
        _("Country"),
        _("Quoting"),
        _("Good-practice case allowed"),
        _("Published in the showcase"),
        _("Tags"),
        _("Internal notes"),
        _("Attachments"),
        *[topic.title for topic in topics],
    ]
    yes, no = _("yes"), _("no")

    def rows() -> Iterator[list[str]]:
        for record in records(call):
            values = [
                record["id"],
                record["submitted_at"],
                record["status"],
                record["name"],
                record["email"],
                record["organisation"],
                record["organisation_type"],
                record["country"],
                record["quote_consent"],
                yes if record["showcase_consent"] else no,
                yes if record["showcase_published"] else no,
                ", ".join(record["tags"]),
                record["internal_notes"],
                "; ".join(record["attachments"]),
                *record["answers"].values(),
            ]
            yield [str(value) for value in values]

    return [str(h) for h in header], rows()


def to_xlsx(header: list[str], rows: Iterable[list[str]]) -> bytes:
    return spreadsheets.to_xlsx(header, rows, sheet=_("Declaration input"), column_width=30)


def to_json(call: Call) -> bytes:
    data = {
        "edition": call.edition.year,
        "opens_at": call.opens_at.isoformat(),
        "closes_at": call.closes_at.isoformat() if call.closes_at else None,
        "topics": [
            {"order": t.order, "title": t.title, "word_limit": t.word_limit}
            for t in call.topics.all()
        ],
        "submissions": list(records(call)),
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _folder(submission: Submission) -> str:
    person = submission.contributor.full_name if submission.contributor else ""
    name = slugify(person)[:40] or "participant"
    return f"submission-{submission.pk}-{name}"


def attachments_zip(call: Call) -> IO[bytes]:
    """A ZIP of every attachment of the sent submissions, one folder per submission,
    links listed in a text file. Built in a temporary file, copied a megabyte at a time,
    so memory stays bounded whatever the total size. Returns the file at its start."""
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  returned open
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        links: dict[str, list[str]] = {}
        for attachment in selectors.attachments_for_call(call).iterator(chunk_size=200):
            folder = _folder(attachment.submission)
            if attachment.is_link:
                links.setdefault(folder, []).append(
                    f"{attachment.title} {attachment.link}".strip()
                )
                continue
            name = get_valid_filename(attachment.original_name or "attachment")
            path, counter = f"{folder}/{name}", 2
            while path in used:
                path, counter = f"{folder}/{counter}-{name}", counter + 1
            used.add(path)
            try:
                source = attachment.file.open("rb")
            except FileNotFoundError:
                continue
            with source, archive.open(path, "w", force_zip64=True) as target:
                shutil.copyfileobj(source, target, COPY_CHUNK)
        for folder, lines in links.items():
            archive.writestr(f"{folder}/links.txt", "\n".join(lines) + "\n")
    output.seek(0)
    return output


# Characters that start Markdown markup inside a line: links and images ([ ]),
# autolinks and raw HTML (< >), code spans, emphasis, strikethrough, table cells, and
# the backslash itself. A backslash before them (CommonMark allows one before any ASCII
# punctuation) shows them as typed.
MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>~|])")
# An ampersand that would start an entity or character reference (&lt; &#106;).
MARKDOWN_ENTITY = re.compile(r"&(?=#?\w+;)")
# What starts a block at the beginning of a line: headings, quotes, list items, rules
# and setext underlines (* _ ` ~ are escaped everywhere already).
MARKDOWN_BLOCK_START = re.compile(r"^([#>+=-]|\d+[.)])")


def markdown_inline(text: str) -> str:
    """Typed text as Markdown that renders as exactly that text, on one line (for titles,
    names and other text placed inside markup of ours)."""
    text = " ".join(text.split())
    return MARKDOWN_ENTITY.sub(r"\\&", MARKDOWN_INLINE.sub(r"\\\1", text))


def markdown_line(text: str) -> str:
    """One typed line as Markdown that renders as exactly that text: no link, image, HTML,
    heading, list or code block can come out of it."""
    text = markdown_inline(text)
    match = MARKDOWN_BLOCK_START.match(text)
    if match:
        marker = match.group(1)
        text = marker[:-1] + "\\" + text[len(marker) - 1 :]
    return text


def _quote_markdown(text: str) -> str:
    """Typed input as a Markdown block quote: every line escaped, lines typed one under
    the other kept apart by a hard line break (a trailing backslash), empty lines kept as
    paragraph breaks."""
    lines = [markdown_line(line) for line in text.splitlines()]
    quoted = []
    for index, line in enumerate(lines):
        if not line:
            quoted.append(">")
        elif index + 1 < len(lines) and lines[index + 1]:
            quoted.append(f"> {line}\\")
        else:
            quoted.append(f"> {line}")
    return "\n".join(quoted)


def compilation_markdown(call: Call) -> str:
    """The compilation as Markdown: included answers by topic, signed as consented.
    Everything typed (answers, names, titles) is escaped: a participant's link, image or
    HTML shows as text in whatever renderer opens the file."""
    title = _("Compilation of input for the declaration")
    lines = [f"# {markdown_inline(title)}: {markdown_inline(call.edition.title)}", ""]
    for group in selectors.compilation(call):
        lines += [f"## {group.topic.order}. {markdown_inline(group.topic.title)}", ""]
        lines += [f"*{markdown_inline(group.topic.guiding_question)}*", ""]
        if not group.quotes:
            lines += [markdown_inline(_("No included input on this topic.")), ""]
        for quote in group.quotes:
            attribution = markdown_inline(quote.attribution)
            lines += [_quote_markdown(quote.text), ">", f"> — {attribution}", ""]
    return "\n".join(lines)
