"""Organisers' exports of a call's input: CSV, XLSX and JSON (one row per submission, a
column per topic), a ZIP of the attachments, and the compilation in Markdown."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.utils import timezone
from django.utils.html import escape
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _

from gmc import tables
from gmc.models import OrganisationType
from gmc.tables import safe_cell

from . import selectors
from .models import Call, Submission

# A spreadsheet runs a cell that starts with one of these as a formula; a prefixed
# apostrophe keeps contributor-typed text as text.
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
            "name": submission.contributor.get_full_name() if submission.contributor else "",
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
    """The header and the rows of the CSV and XLSX exports, every cell text that a
    spreadsheet will not run as a formula."""
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
            yield [safe_cell(str(value)) for value in values]

    return [str(h) for h in header], rows()


def to_xlsx(header: list[str], rows: Iterable[list[str]]) -> bytes:
    return tables.to_xlsx(header, rows, sheet=_("Declaration input"), column_width=30)


def to_json(call: Call) -> bytes:
    data = {
        "edition": call.edition.year,
        "opens_at": call.opens_at.isoformat(),
        "closes_at": call.closes_at.isoformat(),
        "topics": [
            {"order": t.order, "title": t.title, "word_limit": t.word_limit}
            for t in call.topics.all()
        ],
        "submissions": list(records(call)),
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _folder(submission: Submission) -> str:
    person = submission.contributor.get_full_name() if submission.contributor else ""
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


def _quote_markdown(text: str) -> str:
    # Escaped like HTML: a Markdown renderer passes raw HTML through, and typed markup
    # must stay text.
    return "\n".join(f"> {line}" if line else ">" for line in escape(text).splitlines())


def compilation_markdown(call: Call) -> str:
    """The compilation as Markdown: included answers by topic, signed as consented."""
    lines = [
        f"# {escape(_('Compilation of input for the declaration'))}: {escape(call.edition.title)}",
        "",
    ]
    for group in selectors.compilation(call):
        lines += [f"## {group.topic.order}. {escape(group.topic.title)}", ""]
        lines += [f"*{escape(group.topic.guiding_question)}*", ""]
        if not group.quotes:
            lines += [escape(_("No included input on this topic.")), ""]
        for quote in group.quotes:
            lines += [_quote_markdown(quote.text), ">", f"> — {escape(quote.attribution)}", ""]
    return "\n".join(lines)
