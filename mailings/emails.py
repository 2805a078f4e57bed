"""The emails of this app: organisers' messages and the scheduled reminders. Their kinds,
variables and sample data, and the contexts they are sent with (``broadcast_context``,
called by ``mailings.services``, and ``ReminderContexts``, by ``mailings.reminders``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from gmc import email_kinds
from gmc.links import absolute_url
from gmc.models import User
from gmc.timezones import parse_zone, zone_label

from .models import Broadcast, EmailCategory, ReminderRule

if TYPE_CHECKING:
    from .reminders import Occurrence

BROADCAST = email_kinds.EmailKind(
    "messages.broadcast",
    _("Message from the organisers (layout around the message)"),
    {
        "name": _("The person's name"),
        "edition_title": _("The edition's title"),
        "subject": _("The message's subject"),
        "body": _("The message's text"),
        "contact_email": _("The secretariat's address"),
        "is_test": _("Whether this is an organiser's test copy (true or false)"),
        "greeting": _("Whether the message starts with “Dear {name},” (true or false)"),
    },
    {
        "name": "Amina Otieno",
        "edition_title": "Global MOOC and Online Education Conference 2026",
        "is_test": False,
        "greeting": True,
        "subject": "Programme update",
        "body": "The opening ceremony starts half an hour later.\n\nSee you there.",
        "contact_email": "secretariat@example.org",
    },
    EmailCategory.ANNOUNCEMENTS,
)

_REMINDER_VARIABLES = {
    "name": _("The person's name"),
    "edition_title": _("The edition's title"),
    "event": _("What happens, e.g. “Registration closes”"),
    "when": _("The moment, in the person's time zone when known, with the zone named"),
    "zone": _("The name of the time zone “when” is written in"),
    "action_url": _("Where to act: register, send input, join, see the session"),
    "session_title": _("For session reminders: the session's title"),
    "contact_email": _("The secretariat's address"),
}


def _reminder(key: str, label: str, event: str, session_title: str = "") -> email_kinds.EmailKind:
    sample = {
        "name": "Amina Otieno",
        "edition_title": "Global MOOC and Online Education Conference 2026",
        "event": event,
        "when": "18 December 2026, 23:59 (Africa/Nairobi)",
        "zone": "Africa/Nairobi",
        "action_url": "https://gmc.example.org/",
        "session_title": session_title,
        "contact_email": "secretariat@example.org",
    }
    return email_kinds.EmailKind(key, label, _REMINDER_VARIABLES, sample, EmailCategory.REMINDERS)


# Any reminder rule may send any of these, whatever its event: they share one context.
REMINDERS = [
    _reminder(
        "reminders.registration_closing",
        _("Reminder: registration closes"),
        "Registration closes",
    ),
    _reminder(
        "reminders.declaration_closing",
        _("Reminder: declaration input closes"),
        "Declaration input closes",
    ),
    _reminder(
        "reminders.conference_starting",
        _("Reminder: the conference starts"),
        "The conference starts",
    ),
    _reminder(
        "reminders.session_starting",
        _("Reminder: a starred session starts"),
        "A starred session starts",
        "Opening ceremony",
    ),
]
REMINDER_KINDS = [kind.key for kind in REMINDERS]
email_kinds.register(*REMINDERS, BROADCAST)


def reminder_kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, kind.label) for kind in REMINDERS]


def broadcast_context(broadcast: Broadcast, person: User, *, test: bool = False) -> dict:
    """The message as ``person`` receives it; ``test`` marks the author's test copy."""
    return {
        "name": person.display_name,
        # The templates open with "Dear {{ name }}," unless the author said otherwise;
        # rows queued before this option existed lack the key and keep the greeting.
        "greeting": broadcast.greeting,
        "edition_title": broadcast.edition.title,
        "subject": broadcast.subject,
        "body": broadcast.body,
        "contact_email": broadcast.edition.contact_email,
        "is_test": test,
    }


def _action_path(occurrence: Occurrence) -> str:
    rule, year = occurrence.rule, occurrence.rule.edition.year
    if occurrence.session is not None:
        return occurrence.session.get_absolute_url()
    if rule.event == ReminderRule.Event.REGISTRATION_CLOSES:
        return reverse("registration:register_year", args=[year])
    if rule.event == ReminderRule.Event.DECLARATION_CLOSES:
        return reverse("declarations:submit_year", args=[year])
    return reverse("registration:mine")


class ReminderContexts:
    """The context of each person's reminder of one occurrence. The event's label and
    moment are written once per (language, zone) of a run, not once per recipient."""

    def __init__(self, occurrence: Occurrence):
        self.occurrence = occurrence
        edition = occurrence.rule.edition
        self._shared = {
            "edition_title": edition.title,
            "action_url": absolute_url(_action_path(occurrence)),
            "session_title": occurrence.session.title if occurrence.session else "",
            "contact_email": edition.contact_email,
        }
        self._written: dict[tuple[str, str], dict[str, str]] = {}

    def for_person(self, person: User) -> dict:
        zone = parse_zone(person.time_zone) or self.occurrence.rule.edition.tz
        language = person.language or settings.LANGUAGE_CODE
        wanted = (language, zone.key)
        if wanted not in self._written:
            with translation.override(language):
                local = self.occurrence.event_at.astimezone(zone)
                date_and_time = formats.date_format(local, "DATETIME_FORMAT")
                self._written[wanted] = {
                    "event": str(self.occurrence.rule.get_event_display()),
                    "when": f"{date_and_time}, {zone_label(zone, local)}",
                    "zone": zone.key,
                }
        return {"name": person.get_full_name(), **self._shared, **self._written[wanted]}
