"""Every write to visa letter requests, one function each, and the log of every look at
their personal data (``record_access``).

Locking order: the registration row, then the request row (``_lock``), then the
letter's document (``documents.services``). Each function records what it did in the
``VisaAccessLog`` in its own transaction; Python's logs name requests by their id only,
never a personal detail.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gmc import outbox
from gmc.errors import RefusedMove
from gmc.links import absolute_url
from gmc.models import Edition, User
from registration.models import Registration

from .. import services as documents
from . import letter
from .models import PERSONAL_FIELDS, VisaAccessLog, VisaRequest

logger = logging.getLogger(__name__)

LETTER_KIND = letter.KIND
DECLINED_EMAIL = "documents.visa_request_declined"

Action = VisaAccessLog.Action
Status = VisaRequest.Status


class VisaRequestError(RefusedMove):
    """A refused move on a visa letter request; ``field`` names the form field."""

    code = "documents.visa.refused"


@dataclass(frozen=True)
class Details:
    """What a letter needs, as typed and cleaned by the form."""

    passport_name: str
    nationality: str
    passport_number: str
    date_of_birth: datetime.date
    purpose: str

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in PERSONAL_FIELDS}


# --- the log ---------------------------------------------------------------------------


def record_access(
    by: User | None,
    action: str,
    requests: Iterable[VisaRequest],
    *,
    note: str = "",
) -> int:
    """Log that ``by`` (None: the system) did ``action`` to the personal data of each of
    ``requests``, one entry each, in the caller's transaction. Returns how many."""
    entries = [
        VisaAccessLog(
            actor=by,
            actor_name=str(by)[:200] if by is not None else "",
            action=action,
            request=request,
            request_reference=request.reference,
            note=note[:300],
        )
        for request in requests
    ]
    VisaAccessLog.objects.bulk_create(entries)
    return len(entries)


# --- reads ---------------------------------------------------------------------------


def may_ask(registration: Registration, now: datetime.datetime | None = None) -> bool:
    """Whether the registration may ask for (or change) a letter now: active, in
    person, and the edition not over (in its own time zone)."""
    if not registration.is_active or registration.attendance != Registration.Attendance.IN_PERSON:
        return False
    edition = registration.edition
    last_day = edition.end_date or edition.start_date
    today = (now or timezone.now()).astimezone(edition.tz).date()
    return last_day is None or today <= last_day


def erase_after(edition: Edition) -> datetime.datetime | None:
    """When the passport details of the edition's requests are erased: the retention
    period after the end of its last day, in its zone; None without dates."""
    last_day = edition.end_date or edition.start_date
    if last_day is None:
        return None
    end = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time(), tzinfo=edition.tz
    )
    return end + datetime.timedelta(days=settings.VISA_DATA_RETENTION_DAYS)


# --- the person's moves ----------------------------------------------------------------


def _lock(registration_id: int) -> tuple[Registration, VisaRequest | None]:
    registration = (
        Registration.objects.select_for_update()
        .select_related("edition", "attendee")
        .get(pk=registration_id)
    )
    request = VisaRequest.objects.select_for_update().filter(registration=registration).first()
    if request is not None:
        request.registration = registration
    return registration, request


def _write(request: VisaRequest, details: Details) -> bool:
    """Put ``details`` on the request; whether anything changed."""
    changed = False
    for name, value in details.as_dict().items():
        if getattr(request, name) != value:
            setattr(request, name, value)
            changed = True
    return changed


@transaction.atomic
def request_letter(registration_id: int, *, by: User, details: Details) -> VisaRequest:
    """The person asks for an invitation letter for their registration, or changes what
    they asked: -> PENDING.

    Refused unless the registration is the person's own, active, in person, and its
    edition not over. Changing the details of an approved request revokes its letter
    (it states the old details) and waits for a new decision; of a declined one, asks
    again. Sending the same details again changes nothing. Logged (SUBMITTED or
    CHANGED); no email (organisers see the queue).
    """
    registration, request = _lock(registration_id)
    if registration.attendee_id != by.pk:
        raise VisaRequestError(_("Only the registered person may ask for their letter."))
    if not may_ask(registration):
        raise VisaRequestError(
            _(
                "An invitation letter can be asked for only by people registered to attend "
                "in person, until the conference ends."
            )
        )
    if request is None:
        request = VisaRequest(registration=registration)
        _write(request, details)
        request.save()
        record_access(by, Action.SUBMITTED, [request])
        logger.info("visa letter request %s asked for", request.pk)
        return request
    reopened = request.status in (Status.DECLINED, Status.WITHDRAWN) or request.is_erased
    changed = _write(request, details)
    if not (changed or reopened):
        return request
    if request.status == Status.APPROVED:
        _revoke_letter(request, by=None, reason=_("The person changed the details."))
    request.status = Status.PENDING
    request.submitted_at = timezone.now()
    request.erased_at = None
    request.save()
    record_access(by, Action.SUBMITTED if reopened else Action.CHANGED, [request])
    logger.info("visa letter request %s changed by its person", request.pk)
    return request


# --- the organisers' moves -------------------------------------------------------------


def _lock_request(request_id: int) -> VisaRequest:
    registration_id = (
        VisaRequest.objects.filter(pk=request_id).values_list("registration_id", flat=True).get()
    )
    _registration, request = _lock(registration_id)
    return request


@transaction.atomic
def change_details(request_id: int, *, by: User, details: Details) -> VisaRequest:
    """An organiser corrects the details (a typing mistake the person reported). An
    approved request's letter is made again with them, under its number. Refused once
    the details are erased. Logged (CHANGED)."""
    request = _lock_request(request_id)
    if request.is_erased:
        raise VisaRequestError(_("The personal data of this request has been erased."))
    if not _write(request, details):
        return request
    request.save()
    record_access(by, Action.CHANGED, [request])
    if request.status == Status.APPROVED and request.letter_id:
        documents.request_generation([request.letter_id])
    return request


@transaction.atomic
def approve_request(request_id: int, *, by: User, note: str = "") -> VisaRequest:
    """PENDING (or DECLINED, on second thoughts) -> APPROVED: a letter is issued (a
    ``visa_letter`` document with a new number) and rendered by a worker, which emails
    the person once that it is ready to download from their registration page (the
    email carries a link, never the PDF or a passport detail). Refused for a
    registration not confirmed (on the waiting list: no seat yet), cancelled or online,
    and for erased or withdrawn requests. Repeating it is a no-op. Logged (APPROVED)."""
    request = _lock_request(request_id)
    if request.status == Status.APPROVED:
        return request
    registration = request.registration
    if request.status == Status.WITHDRAWN or request.is_erased:
        raise VisaRequestError(_("This request was withdrawn; its details are erased."))
    if (
        registration.status != Registration.Status.CONFIRMED
        or registration.attendance != Registration.Attendance.IN_PERSON
    ):
        raise VisaRequestError(
            _("Only a confirmed in-person registration can have an invitation letter.")
        )
    request.status = Status.APPROVED
    request.decision_note = note.strip()[:2000]
    request.decided_at, request.decided_by = timezone.now(), by
    request.decisions += 1
    request.letter = documents.issue_document(LETTER_KIND, registration.pk, by=by)
    request.save()
    record_access(by, Action.APPROVED, [request], note=request.letter.number)
    logger.info("visa letter request %s approved", request.pk)
    return request


@transaction.atomic
def decline_request(request_id: int, *, by: User, note: str) -> VisaRequest:
    """PENDING (or APPROVED) -> DECLINED, with a note the person receives by email (in
    their language). An approved request's letter is revoked. Refused without a note,
    and for withdrawn requests. Repeating it is a no-op. Logged (DECLINED)."""
    note = note.strip()
    if not note:
        raise VisaRequestError(_("Say why the request is declined: the person is told."))
    request = _lock_request(request_id)
    if request.status == Status.DECLINED:
        return request
    if request.status == Status.WITHDRAWN:
        raise VisaRequestError(_("This request was withdrawn with its registration."))
    if request.status == Status.APPROVED:
        _revoke_letter(request, by=by, reason=_("The request was declined."))
    request.status = Status.DECLINED
    request.decision_note = note[:2000]
    request.decided_at, request.decided_by = timezone.now(), by
    request.decisions += 1
    request.save()
    record_access(by, Action.DECLINED, [request])
    _email_decline(request)
    logger.info("visa letter request %s declined", request.pk)
    return request


def _email_decline(request: VisaRequest) -> None:
    registration = request.registration
    attendee = registration.attendee
    edition = registration.edition
    with translation.override(outbox.message_language(attendee)):
        edition_title = edition.title
    outbox.queue(
        kind=DECLINED_EMAIL,
        to=attendee,
        obj=request,
        # No passport detail: the context is stored in the outbox in clear.
        context={
            "name": attendee.display_name,
            "edition_title": edition_title,
            "edition_year": edition.year,
            "note": request.decision_note,
            "request_url": absolute_url(reverse("documents:visa_request", args=[edition.year])),
            "contact_email": edition.contact_email,
        },
        key=outbox.make_key(DECLINED_EMAIL, request, attendee.email, f"d{request.decisions}"),
    )


def _revoke_letter(request: VisaRequest, *, by: User | None, reason: str) -> None:
    if request.letter_id is not None:
        documents.revoke_document(request.letter_id, by=by, reason=reason)


# --- the end of a request ----------------------------------------------------------------


def _erase(request: VisaRequest) -> None:
    """Blank the details and the letter's PDF (it states them); keep the request, its
    status and its letter's number and state."""
    for name in PERSONAL_FIELDS:
        setattr(request, name, None)
    request.erased_at = timezone.now()
    if request.letter_id is not None:
        letter.discard_file(request.letter_id)


@transaction.atomic
def withdraw_request(registration_id: int) -> VisaRequest | None:
    """The registration was cancelled or moved online: the request is WITHDRAWN, its
    letter revoked and its details erased at once. Nothing to do without a request, or
    when already withdrawn (a repeat is a no-op). Logged (WITHDRAWN, by the system)."""
    _registration, request = _lock(registration_id)
    if request is None or request.status == Status.WITHDRAWN:
        return request
    _revoke_letter(request, by=None, reason=_("The registration was cancelled."))
    request.status = Status.WITHDRAWN
    if not request.is_erased:
        _erase(request)
    request.save()
    record_access(None, Action.WITHDRAWN, [request])
    logger.info("visa letter request %s withdrawn with its registration", request.pk)
    return request


@transaction.atomic
def erase_details(request_id: int, *, by: User | None = None, note: str = "") -> bool:
    """Erase a request's passport details now (and its letter's PDF); its status, its
    letter's number and state remain for verification. Whether anything was erased: a
    repeat erases nothing. Logged (ERASED)."""
    request = _lock_request(request_id)
    if request.is_erased:
        return False
    _erase(request)
    request.save()
    record_access(by, Action.ERASED, [request], note=note)
    logger.info("visa letter request %s: personal data erased", request.pk)
    return True


def expired(now: datetime.datetime | None = None) -> list[int]:
    """Ids of requests whose details are held past the retention period after their
    edition (``erase_after``)."""
    now = now or timezone.now()
    ids = []
    editions = Edition.objects.filter(
        Q(end_date__isnull=False) | Q(start_date__isnull=False),
        pk__in=VisaRequest.objects.filter(erased_at__isnull=True).values(
            "registration__edition_id"
        ),
    )
    for edition in editions:
        moment = erase_after(edition)
        if moment is not None and moment <= now:
            ids += VisaRequest.objects.filter(
                erased_at__isnull=True, registration__edition=edition
            ).values_list("pk", flat=True)
    return ids


def erase_expired(now: datetime.datetime | None = None) -> int:
    """The beat job's work: erase every request held past its retention period, each in
    its own transaction. How many were erased; a repeat erases none."""
    days = settings.VISA_DATA_RETENTION_DAYS
    note = _("%(days)s days after the conference") % {"days": days}
    return sum(erase_details(request_id, note=note) for request_id in expired(now))


# --- keys -----------------------------------------------------------------------------


def rotate_keys() -> tuple[int, int]:
    """Encrypt every request's details and every letter's PDF again with the first key
    of ``VISA_DATA_KEYS`` (each row in its own transaction, under its lock). Returns how
    many requests and letters; safe to repeat and to interrupt."""
    rows = files = 0
    for request_id in VisaRequest.objects.filter(erased_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            request = _lock_request(request_id)
            # Read with whichever key opens it, written with the first.
            request.save(update_fields=list(PERSONAL_FIELDS))
            rows += 1
            if request.letter_id is not None and letter.reseal_file(request.letter_id):
                files += 1
    return rows, files
