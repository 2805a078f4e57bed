"""Demo reminder rules: the same reminders for 2025 and the current edition.

The rules are in mailings/demo_data/reminder_rules.toml; each row is updated or created
by (edition, name), so loading twice changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from gmc.demo_loading import demo_loader, read_demo_data
from gmc.models import Edition

from .models import ReminderRule

YEARS = (2025, 2026)


def load_reminder_rules(editions: dict[int, Edition]) -> int:
    """The same reminders for each edition given, keyed by (edition, name)."""
    rules = read_demo_data("mailings", "reminder_rules")["rule"]
    count = 0
    for edition in editions.values():
        for rule in rules:
            attendance = rule.get("attendance", "")
            ReminderRule.objects.update_or_create(
                edition=edition,
                name=rule["name"],
                defaults={
                    "event": ReminderRule.Event(rule["event"]),
                    "offset": timedelta(**rule["offset"]),
                    "audience": ReminderRule.Audience(rule["audience"]),
                    "attendance": ReminderRule.Attendance(attendance) if attendance else "",
                    "kind": rule["kind"],
                    "is_active": True,
                },
            )
            count += 1
    return count


@demo_loader("mailings", after=["gmc"])
def load(stdout) -> None:
    editions = {e.year: e for e in Edition.objects.filter(year__in=YEARS).order_by("year")}
    count = load_reminder_rules(editions)
    stdout.write(f"Mailings: {count} reminder rules for {', '.join(map(str, editions))}.")
