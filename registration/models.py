"""Registrations of people for a conference edition, and the organisers' extra questions.

State changes only through ``registration.services``; the models hold fields,
constraints and cheap derived properties.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# Crockford's base32: digits and capital letters without I, L, O and U, so that no
# character of a code read aloud or typed at the door is taken for another. Twenty of
# them are 100 random bits: unguessable, and short enough to type when a phone cannot
# read the QR code. Codes made before (URL-safe base64) stay valid as they are.
TICKET_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TICKET_CODE_LENGTH = 20
# What people type for what they read: lower case, O for zero, I or L for one.
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_ticket_code() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_CODE_LENGTH))


def normalise_ticket_code(typed: str) -> str:
    """A typed ticket code in the form codes are stored in: capitals, look-alikes read as
    the characters of the alphabet, spaces and dashes left out."""
    code = "".join(typed.split()).replace("-", "").upper()
    return code.translate(_LOOK_ALIKES)


def is_new_ticket_code(code: str) -> bool:
    return len(code) == TICKET_CODE_LENGTH and all(c in TICKET_ALPHABET for c in code)


class RegistrationQuerySet(models.QuerySet):
    """The meanings of "taking part", "in person", "checked in"... each defined once,
    to be chained (``Registration.objects.for_edition(e).active().online()``); the
    edition-level audiences of people are in ``registration.selectors``."""

    def for_edition(self, edition) -> RegistrationQuerySet:
        """``edition`` is an Edition or its id."""
        return self.filter(edition_id=getattr(edition, "pk", edition))

    def active(self) -> RegistrationQuerySet:
        """Taking part: confirmed, or waiting for an in-person seat. A person on the
        waiting list registered and expects to hear about the edition, may send
        declaration input and may still get a seat; only a cancellation ends that."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def confirmed(self) -> RegistrationQuerySet:
        """Holding a place (a seat in the room, or the online links); checked in or
        not: a checked-in person keeps the confirmed status."""
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.WAITING)

    def cancelled(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.CANCELLED)

    def attending(self, attendance: str) -> RegistrationQuerySet:
        """In the given mode (``Registration.Attendance``); every mode when empty."""
        return self.filter(attendance=attendance) if attendance else self

    def in_person(self) -> RegistrationQuerySet:
        return self.attending(Registration.Attendance.IN_PERSON)

    def online(self) -> RegistrationQuerySet:
        return self.attending(Registration.Attendance.ONLINE)

    def checked_in(self) -> RegistrationQuerySet:
        """Checked in at the door (whatever the status now)."""
        return self.filter(checked_in_at__isnull=False)

    def not_checked_in(self) -> RegistrationQuerySet:
        return self.filter(checked_in_at__isnull=True)

    def attended(self) -> RegistrationQuerySet:
        """Came: checked in at the door, or marked as having joined online."""
        return self.filter(
            models.Q(checked_in_at__isnull=False) | models.Q(joined_at__isnull=False)
        )


class Registration(models.Model):
    """One person's registration for one edition (a database constraint).

    ``status`` is CONFIRMED, WAITING (in person only: no seat was free) or CANCELLED.
    Having attended is not a status but the ``checked_in_at`` moment (in person) or the
    ``joined_at`` one (online, marked by organisers): a checked-in person still holds
    the confirmed seat, so every seat count reads ``status`` alone,
    and the door check-in can never disturb the waiting list. ``display_status`` adds
    "attended" for people.

    Only these functions of ``registration.services`` change the state:
    ``register_attendee`` (creates, or re-opens a cancelled one), ``update_registration``,
    ``cancel_registration``, ``promote_from_waitlist``, ``confirm_from_waitlist``,
    ``check_in``, ``mark_joined`` and ``resend_confirmation``. Each status change increments
    ``status_version``, which is part of the outbox key of the email it sends: a second
    confirmation after cancelling and registering again is a new message, a repeated
    call is not.
    """

    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    edition = models.ForeignKey(
        "gmc.Edition",
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendee"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    interpretation_language = models.CharField(
        _("interpretation language"), max_length=10, blank=True
    )
    accessibility_needs = models.TextField(_("accessibility needs"), max_length=1000, blank=True)
    dietary_needs = models.TextField(_("dietary needs"), max_length=500, blank=True)
    consent_at = models.DateTimeField(
        _("consented to the privacy notice and code of conduct"),
        help_text=_("When the attendee agreed to the privacy notice and the code of conduct."),
    )
    ticket_code = models.CharField(
        _("ticket code"), max_length=64, unique=True, default=new_ticket_code, editable=False
    )
    status_version = models.PositiveIntegerField(
        _("status changes"),
        default=0,
        editable=False,
        help_text=_("Counts status changes; keys the email each change sends."),
    )
    waitlisted_at = models.DateTimeField(_("joined the waiting list"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The organiser who confirmed it from the waiting list."),
    )
    confirmation_reason = models.TextField(
        _("reason for confirming out of turn"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Why the organisers confirmed this person ahead of others on the waiting list "
            "or beyond the capacity."
        ),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    joined_at = models.DateTimeField(
        _("joined online"),
        null=True,
        blank=True,
        help_text=_("When the organisers marked this online participant as having joined."),
    )
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked as joined by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmation_resent_at = models.DateTimeField(
        _("confirmation last resent"), null=True, blank=True
    )
    resend_count = models.PositiveIntegerField(_("confirmations resent"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "attendee"],
                name="one_registration_per_person_per_edition",
                violation_error_message=_("This person is already registered for the edition."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="waiting") | models.Q(attendance="in_person"),
                name="registration_only_in_person_waits",
                violation_error_message=_("Only in-person registrations can wait for a seat."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["edition", "waitlisted_at", "id"],
                condition=models.Q(status="waiting"),
                name="registration_waiting_order",
            ),
            models.Index(fields=["edition", "status", "attendance"], name="registration_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.attendee}, {self.edition.year}"

    def get_absolute_url(self) -> str:
        return reverse("registration:mine")

    def get_ticket_url(self) -> str:
        return reverse("registration:ticket", args=[self.ticket_code])

    @property
    def ticket_code_display(self) -> str:
        """The code in groups of four, easier to read out and type (spaces are ignored
        when it is typed back in); codes of the older kind are shown as they are."""
        code = self.ticket_code
        if not is_new_ticket_code(code):
            return code
        return " ".join(code[i : i + 4] for i in range(0, len(code), 4))

    @property
    def is_active(self) -> bool:
        """The one-row form of ``Registration.objects.active()``."""
        return self.status in ACTIVE_STATUSES

    @property
    def attended(self) -> bool:
        """The one-row form of ``Registration.objects.attended()``."""
        return self.checked_in_at is not None or self.joined_at is not None

    @property
    def display_status(self) -> str:
        if self.status == self.Status.CONFIRMED and self.attended:
            return str(_("Attended"))
        return str(self.get_status_display())


# What ``RegistrationQuerySet.active`` and ``Registration.is_active`` call taking part.
ACTIVE_STATUSES = (Registration.Status.CONFIRMED, Registration.Status.WAITING)


class Question(models.Model):
    """An organisers' extra question of an edition's registration form. The choices of a
    choice question are ``Choice`` rows; the answers keep their keys."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("One choice")
        MULTIPLE = "multiple", _("Multiple choice")
        YES_NO = "yes_no", _("Yes or no")

    edition = models.ForeignKey(
        "gmc.Edition",
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="registration_questions",
    )
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    in_person_only = models.BooleanField(
        _("in-person attendance only"),
        default=False,
        help_text=_(
            "Asked only of people who attend in person (e.g. the conference dinner); "
            "answers are cleared when someone attends online."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")
        ordering = ["edition", "order", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.CHOICE, self.Kind.MULTIPLE)

    @property
    def field_name(self) -> str:
        """The name of the question's field on the registration form: refusals of an
        answer name it, so that the form shows them beside the question."""
        return f"question_{self.pk}"

    def offered_choices(self) -> list[Choice]:
        """The choices a person may pick now, in order (reads ``choices`` once, so a
        prefetch serves it)."""
        return [choice for choice in self.choices.all() if choice.offered]

    def display_answer(self, value: str) -> str:
        """A stored answer on one line, in the active language: a choice's key reads as
        the choice's wording (English where it is not written), a line that is no key
        (text kept from before choices had keys) as it is."""
        if self.kind == self.Kind.YES_NO:
            return str(_("Yes")) if value == "yes" else str(_("No")) if value else ""
        lines = [line for line in value.splitlines() if line]
        if self.has_choices:
            labels = {choice.key: choice.label for choice in self.choices.all()}
            lines = [labels.get(line, line) for line in lines]
        return "; ".join(lines)


def choice_key(label: str, taken: set[str]) -> str:
    """A key for a new choice, made from its (English) wording and unlike the ``taken``
    ones: "Digital equity and inclusion" -> "digital-equity-and-inclusion", then
    "...-2" if that one is taken; cut at a word within the length; "choice" for a
    wording without Latin letters."""
    base, limit = slugify(label), Choice.KEY_LENGTH - 4  # room for "-999"
    if len(base) > limit:
        cut = base[: limit + 1]
        base = cut.rsplit("-", 1)[0] if "-" in cut else base[:limit]
    base = base.strip("-") or "choice"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


class Choice(models.Model):
    """One choice of a choice question, its wording written per language.

    An answer stores the ``key``, never the wording: the same choice picked on the
    Arabic or the Spanish page is one answer, shown in the reader's language, and
    rewording a choice does not change what past answers mean. The key is set when the
    choice is added and then kept; a choice no longer wanted is withdrawn (``offered``
    off), so the answers that picked it keep their wording.
    """

    KEY_LENGTH = 50

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    key = models.SlugField(
        _("key"),
        max_length=KEY_LENGTH,
        blank=True,
        allow_unicode=False,
        help_text=_(
            "What the answers keep: set when the choice is added and never changed. Left "
            "empty, it is made from the English wording."
        ),
    )
    label = models.CharField(_("choice"), max_length=200)
    offered = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("Untick to stop offering it: the answers that picked it keep it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "key"],
                name="one_key_per_choice_of_a_question",
                violation_error_message=_("Another choice of this question has this key."),
            ),
            models.CheckConstraint(condition=~models.Q(key=""), name="choice_has_a_key"),
        ]

    def __str__(self) -> str:
        return self.label


class AnswerQuerySet(models.QuerySet):
    def choosing(self, key: str) -> AnswerQuerySet:
        """Answers that picked the choice ``key`` (alone or among others)."""
        return self.filter(value__regex=rf"(^|\n){re.escape(key)}(\n|$)")


class Answer(models.Model):
    """A registration's answer to an extra question. A choice is stored as its key,
    multiple choices one key a line (a line that is no key is text kept from before
    choices had keys); yes/no as "yes" or "no". Written by the registration services
    only."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    value = models.TextField(_("answer"), max_length=2000, blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.display_value}"

    @property
    def display_value(self) -> str:
        """The answer on one line, in the active language, as shown to organisers and in
        exports (``Question.display_answer``)."""
        return self.question.display_answer(self.value)
