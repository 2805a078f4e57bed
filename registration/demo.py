"""Demo registrations for the current edition, so the organiser pages show something real.

The room is nearly full and a few people wait, as just after organisers add seats: the
seats left outnumber the people waiting, so the next registration or cancellation
first gives seats to those waiting, in turn, and mails them, and a newcomer who
registers in person still gets a seat and a ticket. Some people have cancelled; people
are checked in only once the event has started. The sample people have example.org
addresses and cannot log in, and names in parts as they write them (a Vietnamese name
family name first). The demo attendee account stays unregistered, so a newcomer can
try the journey. Rows are written directly, not through the services, so loading the
demo sends no email. Every row is updated or created by a natural key: loading twice
on the same day changes nothing.

The people's names and the extra questions are in registration/demo_data/*.toml.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import cache

from django.db.models import prefetch_related_objects
from django.utils import timezone

from gmc.demo import ATTENDEE_EMAIL
from gmc.demo_loading import demo_loader, read_demo_data, translated_texts
from gmc.models import Edition, OrganisationType, User
from gmc.selectors import current_edition

from .models import Answer, Choice, Question, Registration

WAITING = 5
# Seats left at loading: more than the people waiting, so a newcomer still gets one.
SEATS_LEFT = 10
CANCELLED = 6
CHECKED_IN = 24
# The edition that took place, and how many of its sample people came to the door (a
# sample of the 180 or so who attended in Mexico City).
PAST_YEAR = 2025
PAST_CHECKED_IN = 24


@cache
def _people() -> dict:
    return read_demo_data("registration", "people")


def load_questions(edition: Edition) -> list[Question]:
    questions = []
    for order, row in enumerate(read_demo_data("registration", "questions")["question"], 1):
        fields = {
            key: value for key, value in row.items() if key not in ("choice", "translations")
        }
        fields.update(kind=Question.Kind(row["kind"]), order=order, **translated_texts(row))
        question, _created = Question.objects.update_or_create(
            edition=edition, label=row["label"], defaults=fields
        )
        for position, choice in enumerate(row.get("choice", []), 1):
            Choice.objects.update_or_create(
                question=question,
                key=choice["key"],
                defaults={
                    "label": choice["label"],
                    "order": position,
                    "offered": True,
                    **translated_texts(choice),
                },
            )
        questions.append(question)
    prefetch_related_objects(questions, "choices")
    return questions


def sample_name(index: int) -> tuple[str, str, str, str]:
    """(given name, family name, badge name, country) of sample person ``index``; the
    badge name writes the family name first where that is the custom (Nguyễn Thị Lan),
    and is empty where given then family name is the order."""
    traditions = _people()["tradition"]
    tradition = traditions[index % len(traditions)]
    givens, families = tradition["given_names"], tradition["family_names"]
    turn = index // len(traditions)
    given, family = givens[turn % len(givens)], families[(turn + index) % len(families)]
    badge = f"{family} {given}" if tradition["family_name_first"] else ""
    return given, family, badge, tradition["country"]


def _organisation(index: int, country: str) -> tuple[str, str]:
    """(type, name) of the organisation of sample person ``index``."""
    people = _people()
    types = people["organisation_types"]
    kind = OrganisationType(types[index % len(types)])
    return kind, f"{people['organisation_names'][kind]} {country}"


def sample_person(index: int) -> User:
    """Sample person ``index`` (participant<index>@example.org), made once."""
    given, family, badge, country = sample_name(index)
    kind, organisation = _organisation(index, country)
    holder = User()
    holder.set_name(given, family, badge)
    user, created = User.objects.update_or_create(
        email=f"participant{index:03d}@example.org",
        defaults={
            "given_name": holder.given_name,
            "family_name": holder.family_name,
            "badge_name": holder.badge_name,
            "full_name": holder.full_name,
            "organisation_type": kind,
            "organisation_name": organisation,
            "country": country,
            "job_title": "Participant",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def plan(edition: Edition) -> list[tuple[str, str]]:
    """(attendance, status) of each sample registration, in the order people came: the
    in-person seats taken but SEATS_LEFT (online people alongside on a hybrid edition),
    then the waiting list, then a few who cancelled. Without a seat limit nobody waits."""
    in_person, online = Registration.Attendance.IN_PERSON, Registration.Attendance.ONLINE
    status = Registration.Status
    limited = edition.offers_in_person and edition.capacity is not None
    seats = max(edition.capacity - SEATS_LEFT, 0) if limited else 40
    rows: list[tuple[str, str]] = []
    taken = 0
    while taken < seats:
        is_online = edition.offers_online and (not edition.offers_in_person or len(rows) % 4 == 3)
        rows.append((online if is_online else in_person, status.CONFIRMED))
        taken += 1 if (not is_online or not limited) else 0
    if limited:
        rows += [(in_person, status.WAITING)] * WAITING
    default = in_person if edition.offers_in_person else online
    rows += [(default, status.CANCELLED)] * CANCELLED
    return rows


def _doors_open(edition: Edition) -> datetime | None:
    """When people can first check in: the opening, or 08:00 on the first day; None when
    the edition has no date."""
    if edition.opening_at is not None:
        return edition.opening_at
    if edition.start_date is None:
        return None
    return datetime.combine(edition.start_date, time(8, 0), tzinfo=edition.tz)


def _registration_fields(index: int, attendance: str, status: str, moment: datetime) -> dict:
    """The fields of sample registration ``index``, made at ``moment``; not checked in."""
    in_person = attendance == Registration.Attendance.IN_PERSON
    return {
        "attendance": attendance,
        "status": status,
        "interpretation_language": "",
        "accessibility_needs": "Step-free access" if index % 17 == 5 else "",
        "dietary_needs": "Vegetarian" if index % 6 == 1 and in_person else "",
        "consent_at": moment,
        "confirmed_at": moment if status != Registration.Status.WAITING else None,
        "waitlisted_at": moment if status == Registration.Status.WAITING else None,
        "cancelled_at": moment if status == Registration.Status.CANCELLED else None,
        "checked_in_at": None,
    }


def _answer(registration: Registration, questions: list[Question], index: int) -> None:
    """The answers of sample person ``index``: each theme in turn (by its key, as the
    form stores it), mostly yes to being listed, now and then a line for the
    declaration, and a dinner menu for most people who come in person."""
    theme, listed, declaration, dinner = questions
    themes = [choice.key for choice in theme.choices.all()]
    menus = [choice.key for choice in dinner.choices.all()]
    answers = {
        theme: themes[index % len(themes)],
        listed: "yes" if index % 5 else "no",
    }
    if index % 9 == 0:
        answers[declaration] = "Recognition of online learning across borders."
    if registration.attendance == Registration.Attendance.IN_PERSON and index % 7:
        answers[dinner] = menus[index % len(menus)]
    for question, value in answers.items():
        Answer.objects.update_or_create(
            registration=registration, question=question, defaults={"value": value}
        )


@demo_loader("registration", after=["gmc"])
def load(stdout) -> None:
    edition = current_edition()
    if edition is None:
        stdout.write("Registration: no current edition, no demo registrations.")
        return
    questions = load_questions(edition)
    rows = plan(edition)
    now = timezone.now()
    opens = edition.registration_opens_at
    start = opens if opens is not None and opens < now else now - timedelta(days=7)
    # People registered between the opening and an hour ago, in the order of the plan.
    step = max(min(now - start, timedelta(days=7)) - timedelta(hours=1), timedelta(0)) / len(rows)
    # Nobody is checked in before the event: only once it has started, from the doors
    # opening on, a minute apart.
    doors = _doors_open(edition)
    check_ins = doors is not None and doors <= now
    checked_in = 0
    for index, (attendance, status) in enumerate(rows):
        person = sample_person(index)
        moment = start + step * index
        defaults = _registration_fields(index, attendance, status, moment)
        if (
            check_ins
            and status == Registration.Status.CONFIRMED
            and attendance == Registration.Attendance.IN_PERSON
            and checked_in < CHECKED_IN
            and doors + timedelta(minutes=checked_in) <= now
        ):
            defaults["checked_in_at"] = doors + timedelta(minutes=checked_in)
            checked_in += 1
        registration, _created = Registration.objects.update_or_create(
            edition=edition, attendee=person, defaults=defaults
        )
        # The moment of registering, spread over the first week, for the statistics.
        Registration.objects.filter(pk=registration.pk).update(created_at=moment)
        _answer(registration, questions, index)
    came = load_past(now)
    counts = {s: sum(1 for _a, st in rows if st == s) for s in Registration.Status.values}
    stdout.write(
        f"Registration: {len(rows)} sample registrations for {edition.year} "
        f"({counts['confirmed']} confirmed, {counts['waiting']} waiting, "
        f"{counts['cancelled']} cancelled, {checked_in} checked in) "
        f"and {len(questions)} extra questions; {came} people checked in at {PAST_YEAR}."
    )


def load_past(now: datetime) -> int:
    """The people of the 2025 edition, all checked in at the door on its opening morning
    (what their certificates of attendance follow), and the demo attendee among them, so
    that their registration page shows a past edition. Nothing before that morning.
    Returns how many came."""
    edition = Edition.objects.filter(year=PAST_YEAR).first()
    doors = _doors_open(edition) if edition is not None else None
    if doors is None or doors > now:
        return 0
    registered = doors - timedelta(days=40)
    people = [sample_person(index) for index in range(PAST_CHECKED_IN)]
    attendee = User.objects.filter(email=ATTENDEE_EMAIL).first()
    if attendee is not None:
        people.append(attendee)
    for index, person in enumerate(people):
        moment = registered + timedelta(hours=index)
        defaults = _registration_fields(
            index, Registration.Attendance.IN_PERSON, Registration.Status.CONFIRMED, moment
        )
        defaults["checked_in_at"] = doors - timedelta(minutes=len(people) - index)
        registration, _created = Registration.objects.update_or_create(
            edition=edition, attendee=person, defaults=defaults
        )
        Registration.objects.filter(pk=registration.pk).update(created_at=moment)
    return len(people)
