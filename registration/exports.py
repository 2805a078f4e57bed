"""Organisers' exports of registrations: CSV and XLSX, one row a registration, the
extra questions as columns, the answers in the organiser's language (a choice is
stored by its key, so it reads the same whatever language the person registered in).
An answer to a question that does not apply to the person (``registration.conditions``)
is left out, as the form would not have asked it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gmc import spreadsheets
from gmc.models import OrganisationType

from . import conditions
from .models import Question, Registration


def _moment(registration: Registration, value) -> str:
    if value is None:
        return ""
    return value.astimezone(registration.edition.tz).strftime("%Y-%m-%d %H:%M")


def export_questions(registrations: QuerySet[Registration]) -> list[Question]:
    editions = registrations.order_by().values("edition_id").distinct()
    return list(
        Question.objects.filter(edition_id__in=editions)
        .select_related("edition")
        .prefetch_related("choices")
        .order_by("edition__year", "order", "pk")
    )


def table(registrations: QuerySet[Registration]) -> tuple[list[str], Iterator[list[str]]]:
    """The header and the rows of an export, in a fixed number of queries."""
    questions = export_questions(registrations)
    by_edition: dict[int, list[Question]] = {}
    for question in questions:
        by_edition.setdefault(question.edition_id, []).append(question)
    several_editions = len({q.edition_id for q in questions}) > 1
    type_labels = dict(OrganisationType.choices)
    header = [
        _("Edition"),
        _("Ticket code"),
        _("Name"),
        _("Given name(s)"),
        _("Family name"),
        _("Name on the ticket"),
        _("Email"),
        _("Organisation"),
        _("Organisation type"),
        _("Country"),
        _("Attendance"),
        _("Status"),
        _("Checked in"),
        _("Interpretation"),
        _("Accessibility needs"),
        _("Dietary needs"),
        _("Registered"),
        _("Confirmed"),
        _("Joined the waiting list"),
        _("Cancelled"),
    ] + [f"{q.edition.year}: {q.label}" if several_editions else q.label for q in questions]

    def rows() -> Iterator[list[str]]:
        queryset = (
            registrations.select_related("attendee", "edition")
            .prefetch_related("answers")
            .order_by("edition__year", "created_at", "pk")
        )
        for registration in queryset.iterator(chunk_size=500):
            attendee = registration.attendee
            answers = {a.question_id: a.value for a in registration.answers.all()}
            shown = conditions.applicable(
                by_edition.get(registration.edition_id, []),
                attendance=registration.attendance,
                answers=answers,
            )
            answers = {pk: value for pk, value in answers.items() if pk in shown}
            yield [
                str(value)
                for value in [
                    registration.edition.year,
                    registration.ticket_code,
                    attendee.display_name,
                    attendee.given_name,
                    attendee.family_name,
                    attendee.badge_name,
                    attendee.email,
                    attendee.organisation_name,
                    type_labels.get(attendee.organisation_type, ""),
                    attendee.country.name or "",
                    registration.get_attendance_display(),
                    registration.get_status_display(),
                    _moment(registration, registration.checked_in_at),
                    registration.interpretation_language,
                    registration.accessibility_needs,
                    registration.dietary_needs,
                    _moment(registration, registration.created_at),
                    _moment(registration, registration.confirmed_at),
                    _moment(registration, registration.waitlisted_at),
                    _moment(registration, registration.cancelled_at),
                    *[q.display_answer(answers.get(q.pk, "")) for q in questions],
                ]
            ]

    return [str(h) for h in header], rows()


def to_xlsx(header: list[str], rows: Iterable[list[str]]) -> bytes:
    return spreadsheets.to_xlsx(header, rows, sheet=_("Registrations"), column_width=22)
