"""Reads of mailings shared by its views, admin and services."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from gmc.models import OutboxMessage
from gmc.outbox_hooks import Wording

from .models import Broadcast, EmailTemplate
from .wording import file_wording


def custom_template(kind: str, language: str) -> EmailTemplate | None:
    """The organisers' template of ``kind`` in ``language``, else in the default
    language, else None (the built-in files are used)."""
    languages = [language or settings.LANGUAGE_CODE]
    if settings.LANGUAGE_CODE not in languages:
        languages.append(settings.LANGUAGE_CODE)
    found = {
        t.language: t for t in EmailTemplate.objects.filter(kind=kind, language__in=languages)
    }
    return next((found[lang] for lang in languages if lang in found), None)


def custom_wording(kind: str, language: str) -> Wording | None:
    """The outbox's question (``gmc.outbox_hooks.CustomWording``): what organisers
    wrote for ``kind`` in ``language``, if anything."""
    template = custom_template(kind, language)
    return template.wording if template is not None else None


def current_wording(kind: str, language: str) -> dict[str, str]:
    """What ``kind`` says today, for an organiser to start a template from: their own
    template in ``language`` (else the default language, else the one they changed
    last), else the built-in files."""
    template = custom_template(kind, language or settings.LANGUAGE_CODE)
    if template is None:
        template = EmailTemplate.objects.filter(kind=kind).order_by("-updated_at").first()
    if template is not None:
        return {"subject": template.subject, "text": template.text, "html": template.html}
    return file_wording(kind)


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    failed: int
    unsubscribed: int
    remaining: int
    done: bool


def progress(broadcast: Broadcast) -> Progress:
    """Where the sending stands, counted from the outbox rows in one query."""
    Status = OutboxMessage.Status
    counts = broadcast.outbox_messages.aggregate(
        rows=Count("pk"),
        sent=Count("pk", filter=Q(status=Status.SENT)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        unsubscribed=Count("pk", filter=Q(status=Status.SUPPRESSED)),
        pending=Count("pk", filter=Q(status=Status.PENDING)),
    )
    total = max(broadcast.recipient_count, counts["rows"])
    finished = counts["sent"] + counts["failed"] + counts["unsubscribed"]
    return Progress(
        total=total,
        sent=counts["sent"],
        failed=counts["failed"],
        unsubscribed=counts["unsubscribed"],
        remaining=total - finished,
        done=broadcast.status == Broadcast.Status.QUEUED and counts["pending"] == 0,
    )
