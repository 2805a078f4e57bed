"""Reads of mailings shared by its views, admin and services."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from gmc.models import OutboxMessage

from .models import Broadcast


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
