"""Reads shared by the registration views, exports and services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import Concat, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from gmc.models import Edition, OrganisationType, User

from .folding import Folded
from .models import Registration, normalise_ticket_code

Status = Registration.Status
Attendance = Registration.Attendance


def my_registrations(user: User) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(attendee=user)
        .select_related("edition")
        .order_by("-edition__year")
    )


def active_registration(user: User, edition: Edition) -> Registration | None:
    return (
        Registration.objects.filter(attendee=user, edition=edition)
        .exclude(status=Status.CANCELLED)
        .first()
    )


def waiting_position(registration: Registration) -> int | None:
    """1 for the first in line; None when the registration is not waiting. Derived from
    the earlier waiting registrations, so it moves as soon as someone ahead leaves."""
    if registration.status != Status.WAITING:
        return None
    ahead = (
        Registration.objects.filter(
            edition_id=registration.edition_id,
            status=Status.WAITING,
            waitlisted_at__lte=registration.waitlisted_at,
        )
        .exclude(waitlisted_at=registration.waitlisted_at, pk__gte=registration.pk)
        .count()
    )
    return ahead + 1


@dataclass(frozen=True)
class SeatSummary:
    capacity: int | None
    confirmed_in_person: int
    confirmed_online: int
    waiting: int
    cancelled: int
    checked_in: int

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_in_person, 0)

    @property
    def over_capacity(self) -> int:
        if self.capacity is None:
            return 0
        return max(self.confirmed_in_person - self.capacity, 0)

    @property
    def confirmed(self) -> int:
        return self.confirmed_in_person + self.confirmed_online


def seat_summary(edition: Edition) -> SeatSummary:
    """All the counts of an edition in one query."""
    counts = Registration.objects.filter(edition=edition).aggregate(
        confirmed_in_person=Count(
            "pk", filter=Q(status=Status.CONFIRMED, attendance=Attendance.IN_PERSON)
        ),
        confirmed_online=Count(
            "pk", filter=Q(status=Status.CONFIRMED, attendance=Attendance.ONLINE)
        ),
        waiting=Count("pk", filter=Q(status=Status.WAITING)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        checked_in=Count("pk", filter=Q(status=Status.CONFIRMED, checked_in_at__isnull=False)),
    )
    return SeatSummary(capacity=edition.capacity, **counts)


# What the check-in search looks in: the name in its parts and as shown, the
# organisation, the email address and the ticket code.
_SEARCHED = [
    "attendee__given_name",
    "attendee__family_name",
    "attendee__badge_name",
    "attendee__full_name",
    "attendee__organisation_name",
    "attendee__email",
    "ticket_code",
]
_MAX_WORDS = 8


def checkin_search(edition: Edition, query: str, limit: int = 50) -> QuerySet[Registration]:
    """Registrations of the edition matching a ticket code (or the check-in address a
    QR code holds), or every word of the query in the names, organisation, email or
    ticket code, ignoring case and accents ("thi lan" finds Nguyễn Thị Lan); confirmed
    ones first. A ticket code is also found as typed from the page: in lower case, with
    spaces or dashes, O for zero and I or L for one."""
    query = query.strip()
    if not query:
        return Registration.objects.none()
    # A phone that read the QR code may paste the whole address: keep the code.
    if "q=" in query:
        query = query.rsplit("q=", 1)[1].split("&", 1)[0]
    parts = []
    for field in _SEARCHED:
        parts += [field, Value(" ")]
    haystack = Folded(Concat(*parts, output_field=CharField()))
    every_word = Q()
    for word in query.split()[:_MAX_WORDS]:
        every_word &= Q(searched__contains=Folded(Value(word)))
    code = normalise_ticket_code(query)
    matches = (
        Registration.objects.filter(edition=edition)
        .alias(searched=haystack)
        .filter(Q(ticket_code=query) | Q(ticket_code=code) | every_word)
    )
    return (
        matches.exclude(status=Status.CANCELLED)
        .select_related("attendee")
        .order_by("status", "attendee__full_name", "pk")[:limit]
    )


def days_before_start(edition: Edition, moment: datetime | None = None) -> int:
    """How many days ``moment`` (now by default) is before the edition's first day, in
    the edition's zone; 0 on or after that day, or when the dates are not set."""
    if edition.start_date is None:
        return 0
    today = timezone.localdate(moment or timezone.now(), edition.tz)
    return max((edition.start_date - today).days, 0)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: float  # of the largest value, for drawing


def _bars(rows: list[tuple[str, int]]) -> list[Bar]:
    top = max((value for _label, value in rows), default=0) or 1
    return [Bar(label, value, round(100 * value / top, 1)) for label, value in rows]


@dataclass(frozen=True)
class DayPoint:
    day: date
    new: int
    total: int


@dataclass(frozen=True)
class Statistics:
    seats: SeatSummary
    by_country: list[Bar]
    by_organisation_type: list[Bar]
    by_attendance: list[Bar]
    by_status: list[Bar]
    over_time: list[DayPoint]
    line_points: str  # SVG polyline points of the running total, in a 600 x 200 box

    @property
    def last_day(self) -> date | None:
        return self.over_time[-1].day if self.over_time else None


def statistics(edition: Edition) -> Statistics:
    """The organisers' numbers for an edition, in a fixed number of queries."""
    active = Registration.objects.filter(edition=edition).exclude(status=Status.CANCELLED)
    country_rows = (
        active.values("attendee__country")
        .annotate(n=Count("pk"))
        .order_by("-n", "attendee__country")
    )
    by_country = [
        (countries.name(row["attendee__country"]) or _("Not given"), row["n"])
        for row in country_rows
    ]
    type_labels = dict(OrganisationType.choices)
    type_rows = (
        active.values("attendee__organisation_type")
        .annotate(n=Count("pk"))
        .order_by("-n", "attendee__organisation_type")
    )
    by_type = [
        (str(type_labels.get(row["attendee__organisation_type"], _("Not given"))), row["n"])
        for row in type_rows
    ]
    attendance_labels = dict(Attendance.choices)
    attendance_rows = active.values("attendance").annotate(n=Count("pk")).order_by("attendance")
    by_attendance = [
        (str(attendance_labels[row["attendance"]]), row["n"]) for row in attendance_rows
    ]
    seats = seat_summary(edition)
    by_status = [
        (str(_("Confirmed")), seats.confirmed),
        (str(_("On the waiting list")), seats.waiting),
        (str(_("Checked in")), seats.checked_in),
        (str(_("Cancelled")), seats.cancelled),
    ]

    day_rows = (
        Registration.objects.filter(edition=edition)
        .annotate(day=TruncDate("created_at", tzinfo=edition.tz))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    per_day = {row["day"]: row["n"] for row in day_rows}
    over_time: list[DayPoint] = []
    if per_day:
        day, last, total = min(per_day), max(per_day), 0
        while day <= last:
            total += per_day.get(day, 0)
            over_time.append(DayPoint(day, per_day.get(day, 0), total))
            day += timedelta(days=1)
    return Statistics(
        seats=seats,
        by_country=_bars(by_country),
        by_organisation_type=_bars(by_type),
        by_attendance=_bars(by_attendance),
        by_status=_bars(by_status),
        over_time=over_time,
        line_points=_line_points(over_time),
    )


def _line_points(points: list[DayPoint], width: int = 600, height: int = 200) -> str:
    if not points:
        return ""
    top = points[-1].total or 1
    step = width / max(len(points) - 1, 1)
    return " ".join(
        f"{round(i * step, 1)},{round(height - height * p.total / top, 1)}"
        for i, p in enumerate(points)
    )
