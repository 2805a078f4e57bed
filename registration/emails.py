"""The emails about a registration: their kinds, variables and sample data, and the
context every one of them is sent with (``email_context``, called by the services)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from gmc import email_kinds, outbox
from gmc.dates import date_range
from gmc.links import absolute_url
from gmc.timezones import zone_label

from .models import Registration
from .selectors import online_links_open_at, waiting_position

VARIABLES = {
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
SAMPLE = {
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


def _kind(key: str, label: str) -> email_kinds.EmailKind:
    return email_kinds.EmailKind(key, label, VARIABLES, SAMPLE)


CONFIRMED = _kind("registration.confirmed", _("Registration confirmed"))
WAITLISTED = _kind("registration.waitlisted", _("Registration on the waiting list"))
PROMOTED = _kind("registration.promoted", _("Seat freed: promoted from the waiting list"))
CANCELLED = _kind("registration.cancelled", _("Registration cancelled"))
CONFIRMED_BY_ORGANISERS = _kind(
    "registration.confirmed_by_organisers",
    _("Confirmed from the waiting list by the organisers (out of turn)"),
)
email_kinds.register(CONFIRMED, WAITLISTED, PROMOTED, CANCELLED, CONFIRMED_BY_ORGANISERS)


def email_context(registration: Registration) -> dict:
    """Everything an email about the registration shows, as JSON: the message is
    rendered later by a worker, possibly after the registration (or account) is gone."""
    edition = registration.edition
    links_open = ""
    opens_at = online_links_open_at(edition)
    # Dates are written now, in the language the email will be rendered in.
    with translation.override(outbox.message_language(registration.attendee)):
        dates = date_range(edition.start_date, edition.end_date)
        online = registration.attendance == Registration.Attendance.ONLINE
        if online and opens_at and opens_at > timezone.now():
            moment = formats.date_format(opens_at.astimezone(edition.tz), "DATETIME_FORMAT")
            links_open = f"{moment}, {zone_label(edition.tz, opens_at)}"
        # The organisers' texts in that language too, else in English.
        edition_title = edition.title
        venue = ", ".join(part for part in (edition.venue, edition.city) if part)
    return {
        "name": registration.attendee.display_name,
        "edition_title": edition_title,
        "edition_year": edition.year,
        "dates": dates,
        "dates_provisional": edition.dates_provisional,
        "venue": venue,
        "attendance": registration.attendance,
        "position": waiting_position(registration),
        "ticket_code": registration.ticket_code,
        "ticket_url": absolute_url(
            reverse("registration:ticket", args=[registration.ticket_code])
        ),
        "ics_url": absolute_url(reverse("registration:ics", args=[edition.year])),
        "my_url": absolute_url(reverse("registration:mine")),
        "register_url": absolute_url(reverse("registration:register_year", args=[edition.year])),
        "contact_email": edition.contact_email,
        "links_open": links_open,
    }
