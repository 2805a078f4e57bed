"""Demo registrations for the current edition, so the organiser pages show something real.

The room is full: every in-person seat is taken and a few people wait, so that the
waiting list, promotions (cancel someone in the admin) and the statistics can be seen.
Some people have cancelled and some are already checked in. The sample people have
example.org addresses and cannot log in; the demo attendee account stays unregistered,
so a newcomer can try the journey (they join the waiting list, and an organiser can
confirm them from it). Rows are written directly, not through the services, so loading
the demo sends no email. Every row is updated or created by a natural key: loading
twice on the same day changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gmc.models import Edition, OrganisationType, User
from gmc.selectors import current_edition

from .models import Answer, Question, Registration

FIRST_NAMES = [
    "Mai", "Wei", "Lucía", "Amina", "Jean", "Olivia", "Arjun", "Fernanda", "Omar", "Hannah",
    "Budi", "Somchai", "Maria", "Chinedu", "Thandiwe", "Yuki", "Ji-woo", "Carmen", "Ivan",
    "Linh", "Sofia", "Kwame", "Anh", "Rahul",
]  # fmt: skip
LAST_NAMES = [
    "Nguyen", "Zhang", "García", "Odhiambo", "Dupont", "Smith", "Patel", "Souza", "Hassan",
    "Müller", "Santoso", "Srisuk", "Reyes", "Okafor", "Dlamini", "Tanaka", "Kim",
]  # fmt: skip
COUNTRIES = [
    "VN", "VN", "VN", "CN", "CN", "MX", "KE", "FR", "GB", "US", "IN", "BR", "EG", "DE",
    "ID", "TH", "PH", "NG", "ZA", "JP", "KR", "ES", "RU", "VN", "CN",
]  # fmt: skip
TYPES = [
    OrganisationType.UNIVERSITY,
    OrganisationType.UNIVERSITY,
    OrganisationType.UNIVERSITY,
    OrganisationType.PLATFORM,
    OrganisationType.GOVERNMENT,
    OrganisationType.INTERNATIONAL,
    OrganisationType.RESEARCH,
    OrganisationType.COMPANY,
    OrganisationType.OTHER,
]
ORGANISATIONS = {
    OrganisationType.UNIVERSITY: "Sample University",
    OrganisationType.PLATFORM: "Sample Learning Platform",
    OrganisationType.GOVERNMENT: "Sample Ministry of Education",
    OrganisationType.INTERNATIONAL: "Sample International Organisation",
    OrganisationType.RESEARCH: "Sample Research Institute",
    OrganisationType.COMPANY: "Sample EdTech Company",
    OrganisationType.OTHER: "Sample Foundation",
}

THEMES = [
    "Artificial intelligence and the future of learning",
    "Quality and recognition of MOOCs",
    "Digital equity and inclusion",
    "Policy and governance of online education",
]
QUESTIONS = [
    {
        "label": "Which theme interests you most?",
        "kind": Question.Kind.CHOICE,
        "choices": "\n".join(THEMES),
        "required": True,
        "order": 1,
    },
    {
        "label": "May we list your name and organisation among the participants?",
        "kind": Question.Kind.YES_NO,
        "choices": "",
        "required": True,
        "order": 2,
    },
    {
        "label": "What should the conference declaration address?",
        "help_text": "Optional: a sentence or two.",
        "kind": Question.Kind.TEXT,
        "choices": "",
        "required": False,
        "order": 3,
    },
]

WAITING = 5
CANCELLED = 6
CHECKED_IN = 24


def load_questions(edition: Edition) -> list[Question]:
    questions = []
    for row in QUESTIONS:
        question, _created = Question.objects.update_or_create(
            edition=edition, label=row["label"], defaults=row
        )
        questions.append(question)
    return questions


def _person(index: int) -> User:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
    kind = TYPES[index % len(TYPES)]
    country = COUNTRIES[index % len(COUNTRIES)]
    user, created = User.objects.update_or_create(
        email=f"participant{index:03d}@example.org",
        defaults={
            "full_name": f"{first} {last}",
            "organisation_type": kind,
            "organisation_name": f"{ORGANISATIONS[kind]} {country}",
            "country": country,
            "job_title": "Participant",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def plan(edition: Edition) -> list[tuple[str, str]]:
    """(attendance, status) of each sample registration, in the order people came: every
    in-person seat taken (online people alongside on a hybrid edition), then the waiting
    list, then a few who cancelled. Without a seat limit nobody waits."""
    in_person, online = Registration.Attendance.IN_PERSON, Registration.Attendance.ONLINE
    status = Registration.Status
    limited = edition.offers_in_person and edition.capacity is not None
    seats = edition.capacity if limited else 40
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
    checked_in = 0
    for index, (attendance, status) in enumerate(rows):
        person = _person(index)
        moment = start + step * index
        in_person = attendance == Registration.Attendance.IN_PERSON
        defaults = {
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
        if status == Registration.Status.CONFIRMED and in_person and checked_in < CHECKED_IN:
            defaults["checked_in_at"] = moment + timedelta(days=1)
            checked_in += 1
        registration, _created = Registration.objects.update_or_create(
            edition=edition, attendee=person, defaults=defaults
        )
        # The moment of registering, spread over the first week, for the statistics.
        Registration.objects.filter(pk=registration.pk).update(created_at=moment)
        answers = {
            questions[0]: THEMES[index % len(THEMES)],
            questions[1]: "yes" if index % 5 else "no",
        }
        if index % 9 == 0:
            answers[questions[2]] = "Recognition of online learning across borders."
        for question, value in answers.items():
            Answer.objects.update_or_create(
                registration=registration, question=question, defaults={"value": value}
            )
    counts = {s: sum(1 for _a, st in rows if st == s) for s in Registration.Status.values}
    stdout.write(
        f"Registration: {len(rows)} sample registrations for {edition.year} "
        f"({counts['confirmed']} confirmed, {counts['waiting']} waiting, "
        f"{counts['cancelled']} cancelled, {checked_in} checked in) "
        f"and {len(questions)} extra questions."
    )
