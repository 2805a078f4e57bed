"""Scheduled reminders: find the rule occurrences that are due and queue their emails.

A rule's moment is computed each run from the event's stored aware time (UTC) minus the
rule's offset; it is never stored, so a deadline that moves takes its pending reminders
with it. An occurrence is due while ``moment <= now < moment + grace``: a job that
runs every minute sends it on time, one that catches up after downtime still sends it
within the grace period, and after that it is skipped rather than sent late.

Each recipient's email has the outbox key (rule, occurrence, recipient), so a second
run, a second scheduler or a catch-up run never sends it twice. On PostgreSQL the job
also holds a transaction-level advisory lock, so only one run works at a time.

Feedback invitations (the "day ends" event) have one occurrence per day of the
programme, a calendar date in the edition's zone with public sessions other than breaks:
due ``offset`` before that day's midnight, or when its last session ends if that is
later, so every session the email lists can be rated. Their key names the edition and
the day instead of the rule: one invitation per person and day, whatever the rules.
People who already rated every session of the day are left out.

In production run exactly one beat process (the Procfile's ``beat``: ``celery -A gmc
beat``, scaled to one instance, never ``worker --beat``). Should a second one start by
mistake (a deploy overlapping the old release), its runs find the lock taken and do
nothing, and any run that slips past it finds the keys already written.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agenda.models import Session, Star
from declarations import selectors as declaration_selectors
from gmc import email_kinds, outbox
from gmc.dates import day_with_times
from gmc.links import absolute_url
from gmc.models import User
from gmc.timezones import parse_zone, zone_label
from registration import selectors as registration_selectors

from . import preferences
from .models import FEEDBACK_KIND, EmailCategory, ReminderRule

logger = logging.getLogger(__name__)

# --- the emails: their kinds, variables and samples, and the context each person gets ---

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
# The evening of each day of the programme: its own context (the day's sessions).
FEEDBACK_INVITATION = email_kinds.EmailKind(
    FEEDBACK_KIND,
    _("Invitation to rate the day's sessions"),
    {
        "name": _("The person's name"),
        "edition_title": _("The edition's title"),
        "day": _("The day of the conference, e.g. “Wednesday 3 December 2025”"),
        "sessions": _(
            "The day's sessions: a list of items with “title”, “when” (in the person's "
            "time zone when known) and “url” (the session's page, where it is rated)"
        ),
        "zone": _("The name of the time zone the sessions' times are written in"),
        "programme_url": _("Link to the edition's programme"),
        "contact_email": _("The secretariat's address"),
    },
    {
        "name": "Amina Otieno",
        "edition_title": "Global MOOC and Online Education Conference 2025",
        "day": "Wednesday 3 December 2025",
        "sessions": [
            {
                "title": "Opening ceremony",
                "when": "Wednesday 3 December 2025, 09:20\N{EN DASH}12:30",
                "url": "https://gmc.example.org/agenda/session/2025-opening-ceremony/#feedback",
            }
        ],
        "zone": "Mexico City time (UTC-6)",
        "programme_url": "https://gmc.example.org/agenda/2025/",
        "contact_email": "secretariat@example.org",
    },
    EmailCategory.REMINDERS,
)
REMINDER_KINDS = [kind.key for kind in REMINDERS]
email_kinds.register(*REMINDERS, FEEDBACK_INVITATION)


def reminder_kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, kind.label) for kind in [*REMINDERS, FEEDBACK_INVITATION]]


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
            "action_url": absolute_url(_action_path(occurrence)),
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
                session = self.occurrence.session
                self._written[wanted] = {
                    # The organisers' titles in the person's language, else in English.
                    "edition_title": self.occurrence.rule.edition.title,
                    "session_title": session.display_title if session else "",
                    "event": str(self.occurrence.rule.get_event_display()),
                    "when": f"{date_and_time}, {zone_label(zone, local)}",
                    "zone": zone.key,
                }
        return {"name": person.display_name, **self._shared, **self._written[wanted]}


class FeedbackContexts:
    """The context of each person's invitation to rate a day's sessions: the sessions'
    times in their zone (their profile's, else the event's) and their language, written
    once per (language, zone) of a run."""

    def __init__(self, occurrence: Occurrence):
        self.occurrence = occurrence
        edition = occurrence.rule.edition
        self._shared = {
            "programme_url": absolute_url(reverse("agenda:edition", args=[edition.year])),
            "contact_email": edition.contact_email,
        }
        self._written: dict[tuple[str, str], dict] = {}

    def for_person(self, person: User) -> dict:
        edition = self.occurrence.rule.edition
        zone = parse_zone(person.time_zone) or edition.tz
        language = person.language or settings.LANGUAGE_CODE
        wanted = (language, zone.key)
        if wanted not in self._written:
            with translation.override(language):
                sessions = self.occurrence.sessions
                self._written[wanted] = {
                    "edition_title": edition.title,
                    "day": formats.date_format(self.occurrence.day, "WEEKDAY_DATE_FORMAT"),
                    "sessions": [
                        {
                            "title": session.display_title,
                            "when": day_with_times(
                                session.starts_at.astimezone(zone), session.ends_at
                            ),
                            "url": absolute_url(session.get_absolute_url()) + "#feedback",
                        }
                        for session in sessions
                    ],
                    "zone": zone_label(zone, sessions[0].starts_at),
                }
        return {"name": person.display_name, **self._shared, **self._written[wanted]}


# --- the job ---

# pg_try_advisory_xact_lock key of the reminder job: any fixed 64-bit number of our own.
ADVISORY_LOCK_KEY = 7_204_117_001


@dataclass(frozen=True)
class Occurrence:
    """One moment a rule fires: the event time, and the session for session rules; for
    feedback invitations the day (its midnight is the event) and its sessions."""

    rule: ReminderRule
    event_at: datetime
    session: Session | None = None
    day: date | None = None
    sessions: tuple[Session, ...] = ()

    @property
    def moment(self) -> datetime:
        moment = self.event_at - self.rule.offset
        if self.sessions:
            # Not before the day's last session ends: every session listed can be rated.
            moment = max(moment, *(session.ends_at for session in self.sessions))
        return moment

    @property
    def key_part(self) -> str:
        # The event's moment is part of the key: a deadline moved after a reminder went
        # out is a new occurrence, reminded again at its new time.
        stamp = self.event_at.astimezone(ZoneInfo("UTC")).isoformat()
        return f"session:{self.session.pk}@{stamp}" if self.session else stamp

    def key_for(self, person: User) -> str:
        """The outbox key of ``person``'s email. A feedback invitation's names the edition
        and the day, not the rule: one per person and day, whatever rules there are."""
        rule = self.rule
        if self.day is not None:
            return f"{rule.kind}|gmc.edition:{rule.edition_id}|day:{self.day}|user:{person.pk}"
        return f"{rule.kind}|gmc.reminderrule:{rule.pk}|{self.key_part}|user:{person.pk}"


def grace() -> timedelta:
    return timedelta(minutes=settings.REMINDER_GRACE_MINUTES)


def event_time(rule: ReminderRule) -> datetime | None:
    """The stored aware moment of an edition-level event, or None when not set."""
    edition = rule.edition
    if rule.event == ReminderRule.Event.REGISTRATION_CLOSES:
        return edition.registration_closes_at
    if rule.event == ReminderRule.Event.DECLARATION_CLOSES:
        call = getattr(edition, "declaration_call", None)
        return edition.declaration_deadline if call is not None else None
    if rule.event == ReminderRule.Event.CONFERENCE_STARTS:
        return edition.opening_at or edition.starts_at
    return None


OFFSET_UNITS = [("days", _("days")), ("hours", _("hours")), ("minutes", _("minutes"))]
_UNIT_LENGTHS = {
    "days": timedelta(days=1),
    "hours": timedelta(hours=1),
    "minutes": timedelta(minutes=1),
}


def split_offset(offset: timedelta) -> tuple[int, str]:
    """An offset as a number of the largest unit that divides it, e.g. (7, "days")."""
    for unit, length in _UNIT_LENGTHS.items():
        if offset % length == timedelta(0):
            return offset // length, unit
    return round(offset / _UNIT_LENGTHS["minutes"]), "minutes"


def join_offset(number: int, unit: str) -> timedelta:
    return number * _UNIT_LENGTHS[unit]


def offset_in_words(offset: timedelta) -> str:
    """“7 days”, “1 hour”, “90 minutes”: as organisers say it."""
    number, unit = split_offset(offset)
    if unit == "days":
        return ngettext("%(n)s day", "%(n)s days", number) % {"n": number}
    if unit == "hours":
        return ngettext("%(n)s hour", "%(n)s hours", number) % {"n": number}
    return ngettext("%(n)s minute", "%(n)s minutes", number) % {"n": number}


def next_moment(rule: ReminderRule) -> datetime | None:
    """When an edition-level rule fires (for the admin); None for session and day
    rules."""
    event_at = event_time(rule)
    return event_at - rule.offset if event_at else None


def _due_days(rule: ReminderRule, now: datetime, window: timedelta) -> list[Occurrence]:
    """The days of the rule's edition whose feedback invitation is due at ``now`` (one
    query: the public sessions, breaks aside, starting in the days around now)."""
    zone = rule.edition.tz
    sessions = (
        Session.objects.public()
        .filter(
            edition_id=rule.edition_id,
            starts_at__gte=now - timedelta(days=3),
            starts_at__lte=now + timedelta(days=1),
        )
        .exclude(kind=Session.Kind.BREAK)
        .order_by("starts_at", "title")
    )
    days: dict[date, list[Session]] = defaultdict(list)
    for session in sessions:
        days[session.starts_at.astimezone(zone).date()].append(session)
    due = []
    for day, listed in sorted(days.items()):
        midnight = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
        occurrence = Occurrence(rule, midnight, day=day, sessions=tuple(listed))
        if occurrence.moment <= now < occurrence.moment + window:
            due.append(occurrence)
    return due


def due_occurrences(rules: list[ReminderRule], now: datetime) -> list[Occurrence]:
    """The occurrences of ``rules`` due at ``now``: one query per session or day rule,
    none for the others (their events are read from the rule's edition)."""
    window = grace()
    due = []
    for rule in rules:
        if rule.event == ReminderRule.Event.DAY_ENDS:
            due.extend(_due_days(rule, now, window))
            continue
        if rule.event == ReminderRule.Event.SESSION_STARTS:
            # moment <= now < moment + grace, with moment = starts_at - offset.
            sessions = Session.objects.filter(
                edition_id=rule.edition_id,
                is_published=True,
                starts_at__lte=now + rule.offset,
                starts_at__gt=now + rule.offset - window,
            ).filter(Exists(Star.objects.filter(session=OuterRef("pk"))))
            due.extend(Occurrence(rule, session.starts_at, session) for session in sessions)
            continue
        event_at = event_time(rule)
        if event_at is None:
            continue
        occurrence = Occurrence(rule, event_at)
        if occurrence.moment <= now < occurrence.moment + window:
            due.append(occurrence)
    return due


def recipients(occurrence: Occurrence) -> models.QuerySet[User]:
    """Exactly the people the occurrence writes to: active accounts with a verified
    address, in the rule's audience, who have not declined reminders."""
    rule = occurrence.rule
    edition_id, attendance = rule.edition_id, rule.attendance
    audience = rule.audience
    Audience = ReminderRule.Audience
    if audience == Audience.NOT_REGISTERED:
        people = registration_selectors.unregistered_accounts(edition_id)
    elif audience == Audience.REGISTERED:
        people = registration_selectors.participants(edition_id, attendance)
    elif audience == Audience.CONFIRMED:
        people = registration_selectors.confirmed_attendees(edition_id, attendance)
    elif audience in (Audience.WITHOUT_SUBMISSION, Audience.WITH_DRAFT):
        call = getattr(rule.edition, "declaration_call", None)
        if call is None:
            return User.objects.none()
        if audience == Audience.WITHOUT_SUBMISSION:
            people = declaration_selectors.participants_without_submission(call, attendance)
        else:
            people = declaration_selectors.participants_with_draft(call, attendance)
    elif audience == Audience.STARRED:
        if occurrence.session is None:
            return User.objects.none()
        stars = Star.objects.filter(session=occurrence.session, user=OuterRef("pk"))
        people = registration_selectors.confirmed_attendees(edition_id, attendance).filter(
            Exists(stars)
        )
    else:
        return User.objects.none()
    if occurrence.sessions:
        # Nobody is asked again about a day whose every session they rated.
        listed = [session.pk for session in occurrence.sessions]
        people = people.annotate(
            rated=Count("session_feedback", filter=Q(session_feedback__session__in=listed))
        ).exclude(rated=len(listed))
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    people = people.filter(Exists(verified))
    people = preferences.exclude_opted_out(people, EmailCategory.REMINDERS)
    return people.only("pk", "email", "full_name", "language", "time_zone").order_by("pk")


def rule_wording(rule: ReminderRule) -> dict[str, str] | None:
    """The rule's own subject and text, or None when it sends its email's wording."""
    if not (rule.subject.strip() and rule.text.strip()):
        return None
    return {"subject": rule.subject, "text": rule.text}


def queue_occurrence(occurrence: Occurrence) -> int:
    """Queue the occurrence's email to each recipient who does not have it yet, in a
    fixed number of queries. Returns how many were queued. Safe to repeat."""
    rule = occurrence.rule
    contexts = FeedbackContexts(occurrence) if occurrence.day else ReminderContexts(occurrence)
    # The rule's own wording travels with each message and is rendered when it is sent
    # (gmc.outbox.render), like a template of the email.
    own = rule_wording(rule)
    own_wording = {"wording": own} if own else {}
    messages = [
        outbox.Outgoing(
            key=occurrence.key_for(person),
            to=person,
            context={**contexts.for_person(person), **own_wording},
        )
        for person in recipients(occurrence)
    ]
    return outbox.queue_many(kind=rule.kind, messages=messages, category=EmailCategory.REMINDERS)


def _take_lock() -> bool:
    """Only one run at a time on PostgreSQL (released when the transaction ends). Other
    databases rely on the unique keys alone."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        return bool(cursor.fetchone()[0])


@dataclass(frozen=True)
class RunResult:
    locked_out: bool
    occurrences: int
    queued: int


def send_due(now: datetime | None = None) -> RunResult:
    """Queue every due reminder. Side effects: outbox rows (delivered after commit).
    Repeating it, or running it twice at once, queues each email once; a run that
    finds another one working returns at once with ``locked_out``."""
    now = now or timezone.now()
    with transaction.atomic():
        if not _take_lock():
            logger.info("reminders: another run holds the lock; skipping")
            return RunResult(True, 0, 0)
        rules = list(
            ReminderRule.objects.filter(is_active=True).select_related(
                "edition", "edition__declaration_call"
            )
        )
        occurrences = due_occurrences(rules, now)
        queued = sum(queue_occurrence(occurrence) for occurrence in occurrences)
    if queued:
        logger.info("reminders: queued %s emails for %s occurrences", queued, len(occurrences))
    return RunResult(False, len(occurrences), queued)
