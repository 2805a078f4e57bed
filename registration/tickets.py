"""The ticket's QR code and the event's calendar file, both made on the server."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import icalendar
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db.models import Max, Min
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from agenda.models import Session
from gmc.links import absolute_url, calendar_uid
from gmc.models import Edition

from .models import Registration
from .selectors import joining_details


def checkin_address(registration: Registration) -> str:
    """What the QR code holds: the check-in lookup of this ticket. An organiser's phone
    camera opens it straight in the check-in page, in the organiser's own language (the
    address has no language prefix, whatever the ticket's); anyone else gets a refusal."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("registration:checkin")
    return absolute_url(f"{path}?q={registration.ticket_code}")


def qr_svg(data: str, *, label: str) -> SafeString:
    """An inline SVG QR code of ``data`` (no image file, no external service)."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
        border=4,
    )
    svg = image.to_string(encoding="unicode")
    # Drop the XML declaration (not allowed inside HTML) and name the image for screen
    # readers. The markup is made by qrcode from our own data, so it is safe to inline.
    svg = svg[svg.index("<svg") :]
    svg = svg.replace(
        "<svg",
        format_html('<svg role="img" class="ticket-qr" aria-label="{}"', label),
        1,
    )
    # Safe to inline: the markup is qrcode's own (the data becomes path geometry, never text)
    # and the one text in it, the label, is escaped above.
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


def edition_address(edition: Edition) -> str:
    """The edition's public page, or the home page while the site has no such page."""
    try:
        path = edition.get_absolute_url()
    except NoReverseMatch:
        path = reverse("home")
    return absolute_url(path)


def event_uid(edition: Edition) -> str:
    """Stable across downloads and addresses, so a calendar updates the event instead of
    doubling it."""
    return calendar_uid(f"gmc-edition-{edition.year}")


def event_span(edition: Edition) -> tuple[datetime, datetime] | None:
    """When the conference starts and ends, aware: the opening and end of the programme
    as organisers set them, else the span of its published sessions, else its days from
    the first midnight to the last in the event's zone. None while it has no date."""
    sessions = Session.objects.filter(edition=edition).public()
    span = sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    start = edition.opening_at or span["first"] or edition.starts_at
    if start is None:
        return None
    last_day = edition.end_date or edition.start_date
    end = edition.closing_at or (span["last"] if span["last"] and span["last"] > start else None)
    if end is None and last_day is not None:
        end = edition.local_datetime(last_day + timedelta(days=1), time.min)
    if end is None or end <= start:
        end = start + timedelta(hours=8)
    return start, end


def event_ics(edition: Edition, registration: Registration | None = None) -> bytes:
    """The edition as an iCalendar event with its start and end times in UTC (never
    all-day dates, which calendars place on the reader's days, not the event's)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//GMC portal//Registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", event_uid(edition))
    event.add("dtstamp", (edition.updated_at or timezone.now()).astimezone(UTC))
    event.add("summary", edition.title)
    span = event_span(edition)
    if span is not None:
        event.add("dtstart", span[0].astimezone(UTC))
        event.add("dtend", span[1].astimezone(UTC))
    location = ", ".join(
        part for part in (edition.venue, edition.city, str(edition.country.name or "")) if part
    )
    if location:
        event.add("location", location)
    description = [edition.theme] if edition.theme else []
    description.append(edition_address(edition))
    if (
        registration is not None
        and registration.attendance == Registration.Attendance.ONLINE
        and registration.status == Registration.Status.CONFIRMED
    ):
        # The page with the links, which works whenever the file was downloaded; the
        # joining instructions themselves only once they are open.
        description.append(absolute_url(registration.get_ticket_url()))
        joining = joining_details(edition)
        if joining.details:
            description.append(joining.details)
    event.add("description", "\n\n".join(description))
    event.add("url", edition_address(edition))
    calendar.add_component(event)
    return calendar.to_ical()
