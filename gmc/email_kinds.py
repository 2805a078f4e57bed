"""Every automatic email organisers may reword: its variables and sample data.

The variables listed are what the sending code puts in the message's context (plus
``site_url`` and, for emails people can decline, ``unsubscribe_url``); an organiser's
template may use these and no others. The samples feed the admin's preview and the
check made when a template is saved (``mailings.wording``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Always available, whatever the kind.
COMMON_VARIABLES = {
    "site_url": _("The portal's address"),
}
UNSUBSCRIBE_VARIABLES = {
    "unsubscribe_url": _("One-click link to stop receiving emails of this category"),
}


@dataclass(frozen=True)
class EmailKind:
    label: str
    variables: dict[str, str]
    sample: dict
    # The key of the category people may decline (mailings.models.EmailCategory); empty:
    # transactional, always sent.
    category: str = ""

    @property
    def all_variables(self) -> dict[str, str]:
        extra = UNSUBSCRIBE_VARIABLES if self.category else {}
        return {**self.variables, **COMMON_VARIABLES, **extra}

    def sample_context(self) -> dict:
        context = {"site_url": "https://gmc.example.org", **self.sample}
        if self.category:
            context["unsubscribe_url"] = "https://gmc.example.org/email/unsubscribe/sample/"
        return context


_REGISTRATION_VARIABLES = {
    "name": _("The person's name"),
    "edition_title": _("The edition's title"),
    "edition_year": _("The edition's year"),
    "dates": _("The conference dates, written out"),
    "dates_provisional": _("Whether the dates are provisional (true or false)"),
    "venue": _("Venue and city"),
    "attendance": _("“in_person” or “online”"),
    "position": _("Place on the waiting list"),
    "ticket_code": _("The ticket code"),
    "ticket_url": _("Link to the ticket"),
    "ics_url": _("Link to the calendar file"),
    "my_url": _("Link to the person's registration"),
    "register_url": _("Link to the registration form"),
    "contact_email": _("The secretariat's address"),
    "links_open": _("For online attendees: when the joining links appear, written out"),
}
_REGISTRATION_SAMPLE = {
    "name": "Amina Otieno",
    "edition_title": "Global MOOC and Online Education Conference 2026",
    "edition_year": 2026,
    "dates": "28\N{EN DASH}30 December 2026",
    "dates_provisional": True,
    "venue": "Main hall, Hanoi",
    "attendance": "in_person",
    "position": 3,
    "ticket_code": "sample-ticket-code",
    "ticket_url": "https://gmc.example.org/registration/ticket/sample-ticket-code/",
    "ics_url": "https://gmc.example.org/registration/2026/calendar.ics",
    "my_url": "https://gmc.example.org/registration/mine/",
    "register_url": "https://gmc.example.org/registration/2026/",
    "contact_email": "secretariat@example.org",
    "links_open": "27 December 2026, 09:00 (Asia/Ho_Chi_Minh)",
}

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


def _reminder_sample(event: str, session_title: str = "") -> dict:
    return {
        "name": "Amina Otieno",
        "edition_title": "Global MOOC and Online Education Conference 2026",
        "event": event,
        "when": "18 December 2026, 23:59 (Africa/Nairobi)",
        "zone": "Africa/Nairobi",
        "action_url": "https://gmc.example.org/",
        "session_title": session_title,
        "contact_email": "secretariat@example.org",
    }


KINDS: dict[str, EmailKind] = {
    "registration.confirmed": EmailKind(
        _("Registration confirmed"), _REGISTRATION_VARIABLES, _REGISTRATION_SAMPLE
    ),
    "registration.waitlisted": EmailKind(
        _("Registration on the waiting list"), _REGISTRATION_VARIABLES, _REGISTRATION_SAMPLE
    ),
    "registration.promoted": EmailKind(
        _("Seat freed: promoted from the waiting list"),
        _REGISTRATION_VARIABLES,
        _REGISTRATION_SAMPLE,
    ),
    "registration.cancelled": EmailKind(
        _("Registration cancelled"), _REGISTRATION_VARIABLES, _REGISTRATION_SAMPLE
    ),
    "registration.confirmed_by_organisers": EmailKind(
        _("Confirmed from the waiting list by the organisers (out of turn)"),
        _REGISTRATION_VARIABLES,
        _REGISTRATION_SAMPLE,
    ),
    "declarations.receipt": EmailKind(
        _("Declaration input received"),
        {
            "name": _("The contributor's name"),
            "edition_title": _("The edition's title"),
            "submitted_at": _("When the input was sent, with the zone"),
            "closes_at": _("The deadline, with the zone"),
            "resubmission": _("Whether this replaces earlier input (true or false)"),
            "answers": _("The answers: a list of items with “topic” and “text”"),
            "attachments": _("The names of the attached files"),
            "quote_consent": _("How the contributor may be quoted"),
            "url": _("Path of the input page, to follow the portal's address"),
        },
        {
            "name": "Amina Otieno",
            "edition_title": "Global MOOC and Online Education Conference 2026",
            "submitted_at": "1 December 2026, 10:00 (Asia/Ho_Chi_Minh)",
            "closes_at": "14 December 2026, 23:59 (Asia/Ho_Chi_Minh)",
            "resubmission": False,
            "answers": [{"topic": "Role and impact", "text": "Courses reached new students."}],
            "attachments": ["Course report.pdf"],
            "quote_consent": "With my name",
            "url": "/declarations/2026/",
        },
    ),
    "reminders.registration_closing": EmailKind(
        _("Reminder: registration closes"),
        _REMINDER_VARIABLES,
        _reminder_sample("Registration closes"),
        "reminders",
    ),
    "reminders.declaration_closing": EmailKind(
        _("Reminder: declaration input closes"),
        _REMINDER_VARIABLES,
        _reminder_sample("Declaration input closes"),
        "reminders",
    ),
    "reminders.conference_starting": EmailKind(
        _("Reminder: the conference starts"),
        _REMINDER_VARIABLES,
        _reminder_sample("The conference starts"),
        "reminders",
    ),
    "reminders.session_starting": EmailKind(
        _("Reminder: a starred session starts"),
        _REMINDER_VARIABLES,
        _reminder_sample("A starred session starts", "Opening ceremony"),
        "reminders",
    ),
    "messages.broadcast": EmailKind(
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
        "announcements",
    ),
    "agenda.sessions_moved": EmailKind(
        _("A starred session moved"),
        {
            "name": _("The person's name"),
            "edition_title": _("The edition's title"),
            "sessions": _(
                "The sessions that moved: a list of items with “title”, “when”, "
                "“was_when” (empty when the time is the same), “room”, “was_room” "
                "(empty when the room is the same) and “url”"
            ),
            "zone": _("The time zone the times are written in"),
            "agenda_url": _("Link to the person's agenda"),
        },
        {
            "name": "Amina Otieno",
            "edition_title": "Global MOOC and Online Education Conference 2026",
            "sessions": [
                {
                    "title": "Plenary session 1",
                    "when": "Monday 28 December 2026, 14:30\N{EN DASH}16:00",
                    "was_when": "Monday 28 December 2026, 14:00",
                    "room": "Main hall",
                    "was_room": "",
                    "url": "https://gmc.example.org/agenda/session/2026-plenary-1/",
                }
            ],
            "zone": "Hanoi time (UTC+7)",
            "agenda_url": "https://gmc.example.org/agenda/mine/",
        },
        "programme_changes",
    ),
}

REMINDER_KINDS = [kind for kind in KINDS if kind.startswith("reminders.")]


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, f"{info.label} ({kind})") for kind, info in KINDS.items()]


def reminder_kind_choices() -> list[tuple[str, str]]:
    return [(kind, KINDS[kind].label) for kind in REMINDER_KINDS]


def category_of(kind: str) -> str:
    info = KINDS.get(kind)
    return info.category if info else ""
