"""Every write and state change of registrations, one function each.

Locking order, the same everywhere so that two transitions never wait on each other in
a circle: the person's user row (registering only), then the edition row
(``_lock_edition``), then the registration rows. Every move that may take an in-person
seat (registering in person, moving to in person, promoting, confirming from the
waiting list) decides it while the edition row is locked, by counting the confirmed
in-person registrations, so two people after the last seat are decided one after the
other; a move that frees a seat holds the lock too and gives the seat to the next in
line in the same transaction. The count, not a stored counter: nothing can bypass it
(a cascade, a test's factory, a row written by hand), and under the lock it costs one
indexed statement (``registration_seats``).

Registering online takes no seat and so no edition lock: a rush of online
registrations waits for nobody, and for in-person ones only while the seat is decided.
The edition lock is ``FOR NO KEY UPDATE``: it does not block the foreign-key checks of
registrations inserted meanwhile, which take ``FOR KEY SHARE`` on the edition row.

Emails go through ``gmc.outbox.queue`` in the same transaction; each status change
sends one message whose key includes the registration's ``status_version``, so a
repeated call (which changes nothing) queues nothing, and a later change of the same
kind (a second confirmation after cancelling and registering again) is a new message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gmc import audit, outbox
from gmc.errors import RefusedMove
from gmc.models import Edition, User

from . import conditions
from .emails import email_context
from .extensions import registration_changed
from .models import Answer, Question, Registration
from .selectors import days_before_start, waiting_position

# "Resend my confirmation" is honoured once in this interval per registration.
RESEND_INTERVAL = timedelta(minutes=10)

# What an organiser may change about someone's registration, as the audit log shows it.
AUDITED_FIELDS = [
    "attendance",
    "interpretation_language",
    "accessibility_needs",
    "dietary_needs",
    "role",
    "status",
]

audit.declare_actions(
    {
        "registration.added_by_organisers": gettext_lazy("Registered by the organisers"),
        "registration.updated": gettext_lazy("Details changed by the organisers"),
        "registration.cancelled": gettext_lazy("Cancelled by the organisers"),
        "registration.confirmed_from_waitlist": gettext_lazy(
            "Confirmed from the waiting list by the organisers"
        ),
        "registration.checked_in": gettext_lazy("Checked in at the conference"),
        "registration.joined": gettext_lazy("Marked as joined online"),
    }
)


class RegistrationError(RefusedMove):
    """A refused registration move; ``field`` names the form field it concerns."""

    code = "registration.refused"


@dataclass(frozen=True)
class CheckInResult:
    registration: Registration
    already: bool  # True when the person had been checked in before: nothing changed
    days_early: int = 0  # days before the edition's first day (in its zone) it happened


AnswerValue = str | bool | list[str] | None


# --- reads used under the lock -------------------------------------------------------


def _lock_edition(edition_id: int) -> Edition:
    """Lock the edition row: the seat count is exact while it is held. ``no_key``: the
    online registrations written meanwhile (their foreign key to the edition) go on."""
    return Edition.objects.select_for_update(no_key=True).get(pk=edition_id)


def _lock_person(user_id: int) -> None:
    """Lock the person's user row: two submissions of one person's registration, online
    ones included (which take no edition lock), are decided one after the other."""
    User.objects.select_for_update(no_key=True).filter(pk=user_id).values_list("pk").get()


def _lock_registration(registration_id: int) -> tuple[Edition, Registration]:
    """Lock the edition, then the registration (the module's locking order)."""
    edition_id = (
        Registration.objects.filter(pk=registration_id).values_list("edition_id", flat=True).get()
    )
    edition = _lock_edition(edition_id)
    registration = (
        Registration.objects.select_for_update().select_related("attendee").get(pk=registration_id)
    )
    registration.edition = edition
    return edition, registration


def confirmed_in_person(edition: Edition) -> int:
    return Registration.objects.for_edition(edition).confirmed().in_person().count()


def seats_left(edition: Edition) -> int | None:
    """Free in-person seats, or None for no limit. Exact only under the edition lock."""
    if edition.capacity is None:
        return None
    return max(edition.capacity - confirmed_in_person(edition), 0)


def _seat_for_newcomer(edition: Edition) -> bool:
    """Under the edition lock: whether someone registering in person now gets a seat.

    One statement when the edition is full (the count). People already waiting keep
    their place: a seat free while someone waits (the capacity was raised, an
    organiser's change) goes to them first."""
    free = seats_left(edition)
    if free is None:
        return True
    if free > 0 and Registration.objects.for_edition(edition).waiting().exists():
        free -= len(promote_from_waitlist(edition.pk))
    return free > 0


# --- emails ----------------------------------------------------------------------------


def _notify(kind: str, registration: Registration, *, occurrence: str = "") -> None:
    attendee = registration.attendee
    occurrence = occurrence or f"v{registration.status_version}"
    outbox.queue(
        kind=kind,
        to=attendee,
        obj=registration,
        context=email_context(registration),
        key=outbox.make_key(kind, registration, attendee.email, occurrence),
    )


def _record(
    by: User | None,
    action: str,
    registration: Registration,
    changes: audit.Changes,
    *,
    note: str = "",
) -> None:
    """Log an organiser's change to someone's registration. The person's own changes
    and the system's (``by`` None: promotions, account deletion) are not logged: the
    log answers "who else touched my registration", and nothing changed, nothing
    logged."""
    if by is None or by.pk == registration.attendee_id or not (changes or note):
        return
    audit.record(by, action, registration, changes=changes, note=note)


def _announce(registration: Registration, previous_status: str, previous_attendance: str) -> None:
    """Tell the apps built on registration (``extensions.registration_changed``), in
    this transaction: e.g. a visa letter is revoked with the registration."""
    registration_changed.send(
        sender=Registration,
        registration=registration,
        previous_status=previous_status,
        previous_attendance=previous_attendance,
    )


def _set_status(registration: Registration, status: str, **moments) -> list[str]:
    registration.status = status
    registration.status_version += 1
    for name, value in moments.items():
        setattr(registration, name, value)
    return ["status", "status_version", *moments, "updated_at"]


# --- validation shared by register and update ------------------------------------------


def _checked_role(role: str) -> str:
    if role not in Registration.Role.values:
        raise RegistrationError(_("Choose a role from the list."), field="role")
    return role


def check_details(edition: Edition, attendance: str, interpretation_language: str) -> None:
    allowed = []
    if edition.offers_in_person:
        allowed.append(Registration.Attendance.IN_PERSON)
    if edition.offers_online:
        allowed.append(Registration.Attendance.ONLINE)
    if attendance not in allowed:
        raise RegistrationError(
            _("This edition does not offer that kind of attendance."), field="attendance"
        )
    if interpretation_language and interpretation_language not in (
        edition.interpretation_languages or []
    ):
        raise RegistrationError(
            _("This edition does not offer interpretation into that language."),
            field="interpretation_language",
        )


def _check_window(edition: Edition) -> None:
    state = edition.registration_state()
    if state == "not_open":
        raise RegistrationError(_("Registration for this edition has not opened yet."))
    if state == "closed":
        raise RegistrationError(_("Registration for this edition is closed."))


def check_registering(
    edition: Edition,
    existing: Registration | None,
    *,
    attendance: str,
    interpretation_language: str,
    enforce_window: bool = True,
) -> None:
    """Raise RegistrationError when registering someone for ``edition`` is refused:
    ``existing`` (their registration for it, if any) is active, the window is shut
    (unless ``enforce_window`` is off), or the edition does not offer these details.
    Writes nothing: ``register_attendee`` asks it under the edition lock, a form asks
    it beforehand to show the refusal with what was typed."""
    if existing is not None and existing.is_active:
        raise RegistrationError(
            _("This person is already registered for the edition."),
            code="registration.already_registered",
            field="attendee",
        )
    if enforce_window:
        _check_window(edition)
    check_details(edition, attendance, interpretation_language)


def check_update(
    edition: Edition,
    registration: Registration,
    *,
    attendance: str,
    interpretation_language: str,
    enforce_window: bool = True,
) -> None:
    """Raise RegistrationError when ``update_registration`` would refuse to give
    ``registration`` these details: it is cancelled, the window is shut (unless
    ``enforce_window`` is off), the edition does not offer them, or it moves to in
    person and no seat is free. Writes nothing; the seat count is exact only under the
    edition lock, where ``update_registration`` asks it again."""
    if not registration.is_active:
        raise RegistrationError(_("A cancelled registration cannot be changed."))
    if enforce_window and edition.registration_state() != "open":
        raise RegistrationError(
            _("Registration is closed; please write to the organisers to change it.")
        )
    check_details(edition, attendance, interpretation_language)
    if attendance != registration.attendance and attendance == Registration.Attendance.IN_PERSON:
        free = seats_left(edition)
        if free is not None and free <= 0:
            raise RegistrationError(
                _("All in-person seats are taken; your registration stays online."),
                code="registration.no_seat",
                field="attendance",
            )


def _save_answers(registration: Registration, answers: Mapping[int, AnswerValue] | None) -> None:
    """Store the answers to the edition's questions that apply to the registration
    (``registration.conditions``: its attendance and its answers, those given now over
    those held), and delete its answers to the questions that do not, whatever was
    sent for them: a question hidden by an answer, or by the way the person attends,
    keeps nothing. Questions of other editions and unknown ids are ignored (a forged
    form cannot write into another edition). A choice is stored as its key. Refuses
    (RegistrationError on the question's field) a choice that is not offered, unless the
    registration already holds it (a choice withdrawn after the person picked it stays
    theirs), and a yes/no answer that is neither."""
    questions = {
        q.pk: q
        for q in Question.objects.filter(edition_id=registration.edition_id).prefetch_related(
            "choices"
        )
    }
    held = dict(
        Answer.objects.filter(registration=registration).values_list("question_id", "value")
    )
    given: dict[int, list[str]] = {}
    for question_id, value in (answers or {}).items():
        question = questions.get(int(question_id))
        if question is not None:
            given[question.pk] = conditions.answer_lines(value)
    shown = conditions.applicable(
        questions.values(), attendance=registration.attendance, answers={**held, **given}
    )
    dropped = [question_id for question_id in held if question_id not in shown]
    if dropped:
        Answer.objects.filter(registration=registration, question_id__in=dropped).delete()
    for question_id, lines in given.items():
        if question_id not in shown:
            continue
        question = questions[question_id]
        if question.has_choices:
            allowed = {choice.key for choice in question.offered_choices()}
            allowed.update(held.get(question.pk, "").splitlines())
        elif question.kind == Question.Kind.YES_NO:
            allowed = {"yes", "no"}
        else:
            allowed = None
        for line in lines if allowed is not None else []:
            if line not in allowed:
                raise RegistrationError(
                    _(
                        "“%(value)s” is not one of the choices of “%(question)s”. Please "
                        "pick one of the choices shown."
                    )
                    % {"value": line, "question": question.label},
                    code="registration.not_a_choice",
                    field=question.field_name,
                )
        Answer.objects.update_or_create(
            registration=registration,
            question=question,
            defaults={"value": "\n".join(lines)[:2000]},
        )


# --- transitions -----------------------------------------------------------------------


@transaction.atomic
def register_attendee(
    edition_id: int,
    *,
    attendee: User,
    attendance: str,
    consent: bool,
    interpretation_language: str = "",
    accessibility_needs: str = "",
    dietary_needs: str = "",
    answers: Mapping[int, AnswerValue] | None = None,
    enforce_window: bool = True,
    by: User | None = None,
    role: str = "",
) -> Registration:
    """Register a person: -> CONFIRMED (a seat, or online) or WAITING (in person, full).

    Locks the person's user row first, so two submissions of theirs are decided one
    after the other (the database allows one registration per person per edition). In
    person, the seat is then decided under the edition lock, even when many people
    register at once; online, no edition lock is taken. A person who already holds an
    active registration gets it back unchanged (submitting twice is harmless); a
    cancelled one is re-opened. ``enforce_window=False`` is for organisers in the
    admin, who may register people outside the window; ``by`` is the organiser who
    registers someone else, and may give the ``role`` printed on the badge (empty keeps
    the one a re-opened registration had, or "participant"). Side effects: one email,
    "registration.confirmed" or "registration.waitlisted"; an audit entry when ``by``
    is someone else. Safe to repeat for the person themselves; an organiser registering
    someone already registered is refused (``check_registering``).
    """
    _lock_person(attendee.pk)
    # Read before the edition lock, to hold that lock for as few statements as can be:
    # with the person's row locked, no registration of theirs appears meanwhile, and one
    # that exists is read again below under its own row lock.
    existing = Registration.objects.filter(edition_id=edition_id, attendee=attendee).first()
    in_person = attendance == Registration.Attendance.IN_PERSON
    edition = _lock_edition(edition_id) if in_person else Edition.objects.get(pk=edition_id)
    if existing is not None:
        existing = Registration.objects.select_for_update().get(pk=existing.pk)
    if existing is not None and existing.is_active and (by is None or by.pk == attendee.pk):
        return existing
    check_registering(
        edition,
        existing,
        attendance=attendance,
        interpretation_language=interpretation_language,
        enforce_window=enforce_window,
    )
    if not consent:
        raise RegistrationError(
            _("Please agree to the privacy notice and the code of conduct."), field="consent"
        )
    now = timezone.now()
    registration = existing or Registration(edition=edition, attendee=attendee)
    registration.edition = edition
    registration.attendance = attendance
    registration.interpretation_language = interpretation_language
    registration.accessibility_needs = accessibility_needs[:1000]
    registration.dietary_needs = (
        dietary_needs[:500] if attendance == Registration.Attendance.IN_PERSON else ""
    )
    registration.consent_at = now
    registration.cancelled_at = None
    registration.checked_in_at = None
    registration.checked_in_by = None
    registration.waitlisted_at = None
    registration.confirmed_at = None
    registration.confirmed_by = None
    registration.confirmation_reason = ""
    if role:
        registration.role = _checked_role(role)

    if not in_person or _seat_for_newcomer(edition):
        _set_status(registration, Registration.Status.CONFIRMED, confirmed_at=now)
        kind = "registration.confirmed"
    else:
        _set_status(registration, Registration.Status.WAITING, waitlisted_at=now)
        kind = "registration.waitlisted"
    registration.save()
    _save_answers(registration, answers)
    _notify(kind, registration)
    _record(
        by,
        "registration.added_by_organisers",
        registration,
        audit.diff({}, audit.snapshot(registration, AUDITED_FIELDS)),
    )
    return registration


@transaction.atomic
def update_registration(
    registration_id: int,
    *,
    by: User,
    attendance: str | None = None,
    interpretation_language: str | None = None,
    accessibility_needs: str | None = None,
    dietary_needs: str | None = None,
    answers: Mapping[int, AnswerValue] | None = None,
    enforce_window: bool = True,
    role: str | None = None,
) -> Registration:
    """Change the details of an active registration (``None`` leaves a field as it is;
    the ``role`` printed on the badge is the organisers' to set).

    Moving to online frees an in-person seat (or leaves the waiting list) and confirms
    the registration; the freed seat goes to the next in line. Moving to in person needs
    a free seat and is refused otherwise, so nobody loses a confirmed place by editing.
    Side effects: a confirmation email when a waiting registration becomes confirmed,
    the promotion emails of whoever gets the freed seat, an audit entry with the
    changed fields when ``by`` is someone else than the attendee, and
    ``registration_changed`` when the attendance or status changed. Safe to repeat.
    """
    edition, registration = _lock_registration(registration_id)
    before = audit.snapshot(registration, AUDITED_FIELDS)
    new_attendance = attendance or registration.attendance
    language = (
        registration.interpretation_language
        if interpretation_language is None
        else interpretation_language
    )
    check_update(
        edition,
        registration,
        attendance=new_attendance,
        interpretation_language=language,
        enforce_window=enforce_window,
    )
    fields = ["attendance", "interpretation_language", "accessibility_needs", "dietary_needs"]
    old_attendance, old_status = registration.attendance, registration.status
    registration.attendance = new_attendance
    registration.interpretation_language = language
    if accessibility_needs is not None:
        registration.accessibility_needs = accessibility_needs[:1000]
    if dietary_needs is not None:
        registration.dietary_needs = dietary_needs[:500]
    if new_attendance == Registration.Attendance.ONLINE:
        registration.dietary_needs = ""
    if role is not None:
        registration.role = _checked_role(role)
        fields.append("role")

    freed_seat = False
    confirmed_now = False
    if old_attendance != new_attendance and new_attendance == Registration.Attendance.ONLINE:
        freed_seat = old_status == Registration.Status.CONFIRMED
        if old_status == Registration.Status.WAITING:
            fields += _set_status(
                registration,
                Registration.Status.CONFIRMED,
                confirmed_at=timezone.now(),
                waitlisted_at=None,
            )
            confirmed_now = True
    registration.save(update_fields=list(dict.fromkeys([*fields, "updated_at"])))
    _save_answers(registration, answers)
    if (old_attendance, old_status) != (registration.attendance, registration.status):
        _announce(registration, old_status, old_attendance)
    _record(
        by,
        "registration.updated",
        registration,
        audit.diff(before, audit.snapshot(registration, AUDITED_FIELDS)),
    )
    if confirmed_now:
        _notify("registration.confirmed", registration)
    if freed_seat:
        promote_from_waitlist(edition.pk)
    return registration


@transaction.atomic
def cancel_registration(registration_id: int, *, by: User | None) -> Registration:
    """CONFIRMED/WAITING -> CANCELLED; a freed in-person seat goes to the next in line.
    Refused (RegistrationError) once the person has been checked in: they came.

    ``by`` is the attendee or an organiser (None for the system, e.g. account
    deletion). Side effects: "registration.cancelled" to the attendee,
    "registration.promoted" to whoever gets the seat, an audit entry when an
    organiser cancels someone's registration, and ``registration_changed`` for the
    apps built on registration. Repeating it is a no-op.
    """
    edition, registration = _lock_registration(registration_id)
    if registration.status == Registration.Status.CANCELLED:
        return registration
    if registration.checked_in_at is not None:
        raise RegistrationError(
            _(
                "This registration was checked in at the conference, so it can no longer "
                "be cancelled."
            )
        )
    freed_seat = (
        registration.status == Registration.Status.CONFIRMED
        and registration.attendance == Registration.Attendance.IN_PERSON
    )
    old_status = registration.status
    fields = _set_status(registration, Registration.Status.CANCELLED, cancelled_at=timezone.now())
    registration.save(update_fields=fields)
    _announce(registration, old_status, registration.attendance)
    _notify("registration.cancelled", registration)
    _record(
        by,
        "registration.cancelled",
        registration,
        {"status": (old_status, registration.status)},
    )
    if freed_seat:
        promote_from_waitlist(edition.pk)
    return registration


@transaction.atomic
def promote_from_waitlist(edition_id: int) -> list[Registration]:
    """WAITING -> CONFIRMED for as many as there are free seats, first come first served.

    Side effects: one "registration.promoted" email each. Safe to repeat: with no free
    seat or nobody waiting it does nothing.
    """
    edition = _lock_edition(edition_id)
    free = seats_left(edition)
    waiting = (
        Registration.objects.select_for_update()
        .select_related("attendee")
        .for_edition(edition)
        .waiting()
        .order_by("waitlisted_at", "pk")
    )
    if free is not None:
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = []
    now = timezone.now()
    for registration in waiting:
        registration.edition = edition
        fields = _set_status(registration, Registration.Status.CONFIRMED, confirmed_at=now)
        registration.save(update_fields=fields)
        _notify("registration.promoted", registration)
        promoted.append(registration)
    return promoted


@transaction.atomic
def confirm_from_waitlist(registration_id: int, *, by: User, reason: str = "") -> Registration:
    """WAITING -> CONFIRMED by an organiser's decision.

    The first in line while a seat is free is the ordinary promotion: the email says a
    seat has become free. Anyone else (people ahead of them are skipped) or beyond the
    capacity (organisers own it and may seat a speaker or a guest) is an explicit
    decision that needs a ``reason``; it is stored with the organiser, and the email says
    that the organisers have confirmed the place. Decided under the edition lock, so the
    place in line and the seat count are those of the moment of confirming.

    Side effects: "registration.promoted" or "registration.confirmed_by_organisers",
    and an audit entry with the reason as its note. Repeating it is a no-op; a cancelled
    registration is refused, and so is a decision out of turn without a reason.
    """
    edition, registration = _lock_registration(registration_id)
    if registration.status == Registration.Status.CONFIRMED:
        return registration
    if registration.status != Registration.Status.WAITING:
        raise RegistrationError(_("Only a registration on the waiting list can be confirmed."))
    ahead = (waiting_position(registration) or 1) - 1
    free = seats_left(edition)
    out_of_turn = ahead > 0 or (free is not None and free <= 0)
    reason = reason.strip()
    if out_of_turn and not reason:
        raise RegistrationError(
            _(
                "Confirming someone ahead of others on the waiting list or beyond the "
                "capacity needs a reason."
            ),
            field="reason",
        )
    fields = _set_status(
        registration,
        Registration.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        confirmed_by=by,
        confirmation_reason=reason[:1000],
    )
    registration.save(update_fields=fields)
    _notify(
        "registration.confirmed_by_organisers" if out_of_turn else "registration.promoted",
        registration,
    )
    _record(
        by,
        "registration.confirmed_from_waitlist",
        registration,
        {"status": (Registration.Status.WAITING, registration.status)},
        note=registration.confirmation_reason,
    )
    return registration


@transaction.atomic
def check_in(registration_id: int, *, by: User) -> CheckInResult:
    """Mark a confirmed registration as attended, now. Checking in twice changes nothing
    and says so (``already``). Before the edition's first day it still checks in (the
    door must never be blocked by a wrong date) and says how many days early
    (``days_early``) for the page to warn. No email; an audit entry. Refused for
    waiting or cancelled ones."""
    registration = (
        Registration.objects.select_for_update()
        .select_related("attendee", "edition")
        .get(pk=registration_id)
    )
    if registration.checked_in_at is not None:
        return CheckInResult(registration, already=True)
    if registration.status != Registration.Status.CONFIRMED:
        raise RegistrationError(
            _("Only a confirmed registration can be checked in (this one is: %(status)s).")
            % {"status": registration.get_status_display()}
        )
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = by
    registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    _record(
        by,
        "registration.checked_in",
        registration,
        {"checked_in_at": (None, registration.checked_in_at)},
    )
    early = days_before_start(registration.edition, registration.checked_in_at)
    return CheckInResult(registration, already=False, days_early=early)


@transaction.atomic
def resend_confirmation(registration_id: int, *, by: User | None) -> Registration:
    """Send the confirmation (with the ticket) of a confirmed registration again.

    Rate-limited to once per ``RESEND_INTERVAL`` per registration, decided under the row
    lock, so a double click sends one. Side effect: one "registration.confirmed" email.
    Raises RegistrationError when it is too soon or the registration is not confirmed.
    """
    registration = (
        Registration.objects.select_for_update()
        .select_related("attendee", "edition")
        .get(pk=registration_id)
    )
    if registration.status != Registration.Status.CONFIRMED:
        raise RegistrationError(_("Only a confirmed registration has a confirmation to resend."))
    now = timezone.now()
    last = registration.confirmation_resent_at
    if last is not None and now - last < RESEND_INTERVAL:
        wait = int((RESEND_INTERVAL - (now - last)).total_seconds() // 60) + 1
        raise RegistrationError(
            _(
                "The confirmation was sent again a few minutes ago. Please check your spam "
                "folder, or try again in %(minutes)s minutes."
            )
            % {"minutes": wait}
        )
    registration.confirmation_resent_at = now
    registration.resend_count += 1
    registration.save(update_fields=["confirmation_resent_at", "resend_count", "updated_at"])
    _notify(
        "registration.confirmed",
        registration,
        occurrence=f"v{registration.status_version}.resend{registration.resend_count}",
    )
    return registration


def edition_has_ended(edition: Edition, now=None) -> bool:
    """Whether the edition's last day is over in its own time zone (False without dates)."""
    last_day = edition.end_date or edition.start_date
    if last_day is None:
        return False
    return (now or timezone.now()).astimezone(edition.tz).date() > last_day


@transaction.atomic
def mark_joined(registration_id: int, *, by: User) -> Registration:
    """Mark a confirmed online registration as having joined the conference (what a
    certificate of attendance follows for people who were not at the door). A repeat
    changes nothing. Refused for in-person, waiting or cancelled registrations. An audit
    entry; no email."""
    registration = Registration.objects.select_for_update().get(pk=registration_id)
    if registration.joined_at is not None:
        return registration
    if registration.attendance != Registration.Attendance.ONLINE:
        raise RegistrationError(
            _("Only an online registration can be marked as joined: check people in instead.")
        )
    if registration.status != Registration.Status.CONFIRMED:
        raise RegistrationError(
            _("Only a confirmed registration can be marked as joined (this one is: %(status)s).")
            % {"status": registration.get_status_display()}
        )
    registration.joined_at = timezone.now()
    registration.joined_by = by
    registration.save(update_fields=["joined_at", "joined_by", "updated_at"])
    _record(by, "registration.joined", registration, {"joined_at": (None, registration.joined_at)})
    return registration


def mark_online_joined_after_end(edition_id: int, *, by: User) -> int:
    """The organisers' rule for online attendance: once the edition has ended, every
    confirmed online registration counts as having joined. Returns how many were
    marked now; nothing before the end (``RegistrationError``). Safe to repeat."""
    edition = Edition.objects.get(pk=edition_id)
    if not edition_has_ended(edition):
        raise RegistrationError(
            _("%(edition)s has not ended yet: online participants are marked after it.")
            % {"edition": edition}
        )
    ids = list(
        Registration.objects.for_edition(edition)
        .confirmed()
        .online()
        .filter(joined_at__isnull=True)
        .values_list("pk", flat=True)
    )
    for registration_id in ids:
        mark_joined(registration_id, by=by)
    return len(ids)
