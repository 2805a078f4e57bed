"""Reads shared by the registration views, exports and services."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from django.db.models import (
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Lower, Trim, TruncDate
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_countries import countries

from agenda.models import Room
from gmc.models import Edition, OrganisationType, User

from . import conditions
from .folding import Folded
from .models import Answer, Question, Registration, normalise_ticket_code

Status = Registration.Status
Attendance = Registration.Attendance


def my_registrations(user: User) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(attendee=user)
        .select_related("edition")
        .order_by("-edition__year")
    )


def active_registration(user: User, edition: Edition) -> Registration | None:
    return Registration.objects.for_edition(edition).active().filter(attendee=user).first()


# --- Who takes part ------------------------------------------------------------------
# The audiences of an edition, defined here once and composed by the declarations, the
# agenda and the organisers' messages and reminders. Organisers are not set apart: one
# who registered takes part like anyone else.


def people_holding(registrations: QuerySet[Registration]) -> QuerySet[User]:
    """Active accounts holding one of ``registrations`` (e.g. an edition's registrations
    narrowed by ``RegistrationQuerySet`` methods)."""
    return User.objects.filter(
        Exists(registrations.filter(attendee=OuterRef("pk"))), is_active=True
    )


def participants(edition: Edition | int, attendance: str = "") -> QuerySet[User]:
    """Who takes part in the edition: active accounts with an active registration
    (confirmed or waiting), in the given mode when there is one."""
    return people_holding(Registration.objects.for_edition(edition).active().attending(attendance))


def confirmed_attendees(edition: Edition | int, attendance: str = "") -> QuerySet[User]:
    """Active accounts holding a confirmed place (checked in or not), in the given mode
    when there is one."""
    return people_holding(
        Registration.objects.for_edition(edition).confirmed().attending(attendance)
    )


def unregistered_accounts(edition: Edition | int) -> QuerySet[User]:
    """Active accounts without any registration for the edition: a person who
    registered and cancelled made their choice and is not among them."""
    registered = Registration.objects.for_edition(edition).filter(attendee=OuterRef("pk"))
    return User.objects.filter(is_active=True).exclude(Exists(registered))


def is_participant(user: User, edition: Edition | int) -> bool:
    """Whether ``user`` takes part in the edition, as ``participants`` counts it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Registration.objects.for_edition(edition).active().filter(attendee=user).exists()


def is_confirmed_attendee(user: User | None, edition: Edition | int) -> bool:
    """Whether ``user`` holds a confirmed place in the edition (checked in or not), as
    ``confirmed_attendees`` counts them: who may rate its sessions."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Registration.objects.for_edition(edition).confirmed().filter(attendee=user).exists()


def is_online_attendee(user: User | None, edition: Edition | int) -> bool:
    """Whether ``user`` takes part in the edition online (online attendees are never
    waiting: they are confirmed at once)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    registrations = Registration.objects.for_edition(edition).active().online()
    return registrations.filter(attendee=user).exists()


def waiting_position(registration: Registration) -> int | None:
    """1 for the first in line; None when the registration is not waiting. Derived from
    the earlier waiting registrations, so it moves as soon as someone ahead leaves."""
    if registration.status != Status.WAITING:
        return None
    ahead = (
        Registration.objects.for_edition(registration.edition_id)
        .waiting()
        .filter(waitlisted_at__lte=registration.waitlisted_at)
        .exclude(waitlisted_at=registration.waitlisted_at, pk__gte=registration.pk)
        .count()
    )
    return ahead + 1


def with_waiting_position(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    """Annotate ``line_position``, the place on the waiting list as ``waiting_position``
    counts it, in the same query and whatever else filters the list (meaningful for
    waiting registrations only)."""
    ahead = (
        Registration.objects.waiting()
        .filter(edition_id=OuterRef("edition_id"))
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("edition_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(line_position=Coalesce(Subquery(ahead), Value(0)) + 1)


# Online attendees' links appear a day before the opening: time to try them out, without
# the links travelling around for weeks before the conference.
ONLINE_LINKS_LEAD = timedelta(days=1)


def online_links_open_at(edition: Edition) -> datetime | None:
    """When online attendees see their joining links; None when the start is unknown."""
    start = edition.opening_at or edition.starts_at
    return start - ONLINE_LINKS_LEAD if start else None


@dataclass(frozen=True)
class JoiningDetails:
    """What an online attendee is shown instead of a ticket."""

    opens_at: datetime | None
    not_yet: bool  # before ``opens_at``: nothing is shown, the page says when
    details: str  # the edition's joining instructions, once published
    rooms: list[Room]  # rooms whose stream or recording links are published

    @property
    def shown(self) -> bool:
        return not self.not_yet and bool(self.details or self.rooms)


def joining_details(edition: Edition, now: datetime | None = None) -> JoiningDetails:
    """The links an online attendee of ``edition`` sees now: the organisers publish
    them (the edition's details, each room's links) and they open ``ONLINE_LINKS_LEAD``
    before the start."""
    opens_at = online_links_open_at(edition)
    if opens_at is not None and (now or timezone.now()) < opens_at:
        return JoiningDetails(opens_at, True, "", [])
    details = edition.online_joining_details if edition.online_details_published else ""
    rooms = list(
        Room.objects.filter(edition=edition, links_published=True)
        .exclude(stream_url="", recording_url="")
        .order_by("order", "name")
    )
    return JoiningDetails(opens_at, False, details, rooms)


@dataclass(frozen=True)
class WaitingPlace:
    registration: Registration
    position: int  # 1 for the first in line


@dataclass(frozen=True)
class ConfirmationPlan:
    """What confirming some people of one edition's waiting list would do: whom it
    skips (people ahead of them who stay waiting) and by how many seats the in-person
    confirmations would then exceed the capacity."""

    edition: Edition
    chosen: list[WaitingPlace]
    skipped: list[WaitingPlace]
    confirmed_in_person: int
    over_capacity: int

    @property
    def out_of_turn(self) -> bool:
        return bool(self.skipped) or self.over_capacity > 0

    @property
    def signature(self) -> str:
        """Changes when anything the organiser was shown changes."""
        chosen = ",".join(str(p.registration.pk) for p in self.chosen)
        skipped = ",".join(str(p.registration.pk) for p in self.skipped)
        return f"{self.edition.pk}:{chosen}:{skipped}:{self.over_capacity}"


def confirmation_plans(registration_ids: list[int]) -> list[ConfirmationPlan]:
    """The plan of each edition among the given registrations (those not waiting are
    left out: the service refuses or ignores them), in two queries per edition."""
    edition_ids = (
        Registration.objects.waiting()
        .filter(pk__in=registration_ids)
        .order_by()
        .values_list("edition_id", flat=True)
        .distinct()
    )
    chosen_ids = set(registration_ids)
    plans = []
    for edition in Edition.objects.filter(pk__in=list(edition_ids)).order_by("-year"):
        waiting = (
            Registration.objects.for_edition(edition)
            .waiting()
            .select_related("attendee")
            .order_by("waitlisted_at", "pk")
        )
        places = [WaitingPlace(r, i) for i, r in enumerate(waiting, start=1)]
        chosen = [p for p in places if p.registration.pk in chosen_ids]
        last = chosen[-1].position if chosen else 0
        skipped = [p for p in places[:last] if p.registration.pk not in chosen_ids]
        confirmed = Registration.objects.for_edition(edition).confirmed().in_person().count()
        over = 0
        if edition.capacity is not None:
            over = max(confirmed + len(chosen) - edition.capacity, 0)
        plans.append(ConfirmationPlan(edition, chosen, skipped, confirmed, over))
    return plans


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
    spaces or dashes, O for zero and I or L for one. Each comes with its answers
    (``given_answers``), of which ``door_answers`` picks those the door may need (the
    dinner, a visit...)."""
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
    given_answers = Prefetch(
        "answers",
        queryset=Answer.objects.exclude(value="")
        .select_related("question")
        .prefetch_related("question__choices"),
        to_attr="given_answers",
    )
    return (
        matches.active()
        .select_related("attendee")
        .order_by("status", "attendee__full_name", "pk")[:limit]
        .prefetch_related(given_answers)
    )


def door_answers(registration: Registration) -> list[Answer]:
    """A registration's answers to the in-person questions that apply to it, from the
    answers ``checkin_search`` fetched with it."""
    return [
        answer
        for answer in conditions.applicable_answers(
            registration.given_answers, registration.attendance
        )
        if answer.question.in_person_only
    ]


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
class Headline:
    people: int
    in_person: int
    online: int
    institutions: int
    countries: int

    @property
    def people_rounded(self) -> str:
        """As a report writes it: 187 -> "180+" (exact below 20), in the current
        language's digits and grouping ("1,230+", "1 230+")."""
        if self.people < 20 or self.people % 10 == 0:
            return formats.number_format(self.people, force_grouping=True)
        return f"{formats.number_format(self.people - self.people % 10, force_grouping=True)}+"


@dataclass(frozen=True)
class Tick:
    label: str
    at: float  # position along the axis, in the chart's units


@dataclass(frozen=True)
class AnswerChart:
    """How people answered one question with choices."""

    question: Question
    bars: list[Bar]


def answer_charts(edition: Edition) -> list[AnswerChart]:
    """The answers of the active registrations to each question with choices (one,
    several, yes or no), in the question's order, read in the active language. Only
    answers to questions that apply to the person count (``registration.conditions``:
    an answer kept from before an organiser made the question depend on another is not
    counted for someone it does not apply to). A choice is counted by its key, so
    picking it on the Arabic or the Spanish page is the same answer; a line that is no
    key (text kept from before choices had keys) is counted under its own text, after
    the choices. Withdrawn choices appear when someone picked them. Three queries."""
    questions = list(
        Question.objects.filter(edition=edition)
        .prefetch_related("choices")
        .order_by("order", "pk")
    )
    rows = (
        Answer.objects.filter(
            registration__in=Registration.objects.for_edition(edition).active(),
            question__in=questions,
        )
        .exclude(value="")
        .order_by("registration_id")
        .values_list("registration_id", "registration__attendance", "question_id", "value")
    )
    counts: dict[int, Counter] = {question.pk: Counter() for question in questions}
    for (_registration, attendance), answers in groupby(rows, key=lambda row: row[:2]):
        given = {question_id: value for _r, _a, question_id, value in answers}
        shown = conditions.applicable(questions, attendance=attendance, answers=given)
        for question_id, value in given.items():
            if question_id in shown:
                counts[question_id].update(set(conditions.answer_lines(value)))
    charts = []
    for question in questions:
        if question.kind == Question.Kind.TEXT:
            continue
        tally = counts[question.pk]
        if question.kind == Question.Kind.YES_NO:
            bars = [(str(_("Yes")), tally.pop("yes", 0)), (str(_("No")), tally.pop("no", 0))]
        else:
            bars = [
                (choice.label, tally.pop(choice.key, 0))
                for choice in question.choices.all()
                if choice.offered or tally[choice.key]
            ]
        bars += sorted(tally.items(), key=lambda item: (-item[1], item[0]))
        charts.append(AnswerChart(question, _bars(bars)))
    return charts


@dataclass(frozen=True)
class Statistics:
    seats: SeatSummary
    headline: Headline
    by_country: list[Bar]
    by_organisation_type: list[Bar]
    by_attendance: list[Bar]
    by_status: list[Bar]
    over_time: list[DayPoint]
    answers: list[AnswerChart]
    line_points: str  # SVG polyline points of the running total, in a 600 x 200 box
    y_ticks: list[Tick]  # running totals, ``at`` from the top of the box
    x_ticks: list[Tick]  # days, ``at`` from the left

    @property
    def last_day(self) -> date | None:
        return self.over_time[-1].day if self.over_time else None

    @property
    def status_total(self) -> int:
        return sum(bar.value for bar in self.by_status)


def statistics(edition: Edition) -> Statistics:
    """The organisers' numbers for an edition, in a fixed number of queries."""
    active = Registration.objects.for_edition(edition).active()
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
    # Each registration once: a checked-in person is "attended", not also "confirmed".
    by_status = [
        (str(_("Confirmed, not checked in")), seats.confirmed - seats.checked_in),
        (str(_("Attended (checked in)")), seats.checked_in),
        (str(_("On the waiting list")), seats.waiting),
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
        headline=headline_figures(edition),
        by_country=_bars(by_country),
        by_organisation_type=_bars(by_type),
        by_attendance=_bars(by_attendance),
        by_status=_bars(by_status),
        over_time=over_time,
        answers=answer_charts(edition),
        line_points=_line_points(over_time),
        y_ticks=_y_ticks(over_time),
        x_ticks=_x_ticks(over_time),
    )


def headline_figures(edition: Edition) -> Headline:
    """The figures of a report ("180+ representatives of 76 institutions from 34
    countries"), of the confirmed registrations (attended or expected), in one query.
    An institution is the organisation the portal knows, else the name as typed
    (letter case and spaces aside)."""
    confirmed = Registration.objects.for_edition(edition).confirmed()
    typed_name = Lower(Trim("attendee__organisation_name"))
    counts = confirmed.aggregate(
        people=Count("pk"),
        in_person=Count("pk", filter=Q(attendance=Attendance.IN_PERSON)),
        online=Count("pk", filter=Q(attendance=Attendance.ONLINE)),
        known=Count("attendee__organisation", distinct=True),
        typed=Count(
            typed_name,
            distinct=True,
            filter=Q(attendee__organisation__isnull=True) & ~Q(attendee__organisation_name=""),
        ),
        countries=Count("attendee__country", distinct=True, filter=~Q(attendee__country="")),
    )
    return Headline(
        people=counts["people"],
        in_person=counts["in_person"],
        online=counts["online"],
        institutions=counts["known"] + counts["typed"],
        countries=counts["countries"],
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


def _round_step(top: int, most: int = 5) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... that splits ``top`` in at most ``most``."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            if top / (power * factor) <= most:
                return power * factor
        power *= 10


def _y_ticks(points: list[DayPoint], height: int = 200) -> list[Tick]:
    """Round values from 0 up to the final total, which is labelled too."""
    if not points:
        return []
    top = points[-1].total or 1
    step = _round_step(top)
    values = list(range(0, top + 1, step))
    if top - values[-1] > step / 3:
        values.append(top)
    return [
        Tick(
            formats.number_format(value, force_grouping=True),
            round(height - height * value / top, 1),
        )
        for value in values
    ]


def _x_ticks(points: list[DayPoint], width: int = 600) -> list[Tick]:
    """The first, middle and last day."""
    if not points:
        return []
    last = len(points) - 1
    step = width / max(last, 1)
    return [
        Tick(formats.date_format(points[i].day, "SHORT_DATE_FORMAT"), round(i * step, 1))
        for i in sorted({0, last // 2, last})
    ]
