"""Registrations of people for a conference edition, and the organisers' extra questions.

State changes only through ``registration.services``; the models hold fields,
constraints and cheap derived properties.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
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


def quoted(text: str) -> str:
    """The organisers' words quoted in a sentence of ours, with the quotation marks of
    the active language (“…”, «…»)."""
    return gettext("“{text}”").format(text=text)


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

    class Role(models.TextChoices):
        """What the person is at the conference, as organisers set it (the badge prints
        it). Speakers are not set here: they are read from the programme."""

        PARTICIPANT = "participant", _("Participant")
        ORGANISER = "organiser", _("Organiser")
        PRESS = "press", _("Press")

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
    role = models.CharField(
        _("role"),
        max_length=12,
        choices=Role.choices,
        default=Role.PARTICIPANT,
        help_text=_(
            "Printed on the badge. Leave “Participant” for speakers: a participant linked to "
            "a speaker of this edition's programme is printed as a speaker."
        ),
    )
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
    choice question are ``Choice`` rows; the answers keep their keys.

    A question may be asked of one kind of attendance only (``attendance``) and only
    after given answers to an earlier question with choices of the same edition
    (``depends_on`` and ``shown_for``); ``registration.conditions`` decides whom it
    applies to, and ``clean()`` refuses conditions that could not work: on a question of
    another edition, on one without choices, on a later one, or in a circle."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CHOICE = "choice", _("One choice")
        MULTIPLE = "multiple", _("Multiple choice")
        YES_NO = "yes_no", _("Yes or no")

    ATTENDANCE_CHOICES = [
        ("", _("Everyone")),
        (Registration.Attendance.IN_PERSON, _("Only people attending in person")),
        (Registration.Attendance.ONLINE, _("Only people attending online")),
    ]

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
    attendance = models.CharField(
        _("asked of"),
        max_length=10,
        blank=True,
        choices=ATTENDANCE_CHOICES,
        help_text=_(
            "E.g. the conference dinner for people who come in person. The answers of "
            "someone who changes the way they attend are cleared."
        ),
    )
    depends_on = models.ForeignKey(
        "self",
        verbose_name=_("asked only after an answer to"),
        null=True,
        blank=True,
        # A question others depend on is kept until their conditions are removed; an
        # edition deleted takes its questions with it, conditions and all.
        on_delete=models.RESTRICT,
        related_name="dependents",
    )
    shown_for = models.JSONField(
        _("answers that show it"),
        default=list,
        blank=True,
        help_text=_("The keys of the answers of the question it depends on that show it."),
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
    def can_be_depended_on(self) -> bool:
        """Whether its answers are keys another question's condition can name."""
        return self.has_choices or self.kind == self.Kind.YES_NO

    @property
    def in_person_only(self) -> bool:
        return self.attendance == Registration.Attendance.IN_PERSON

    @property
    def is_conditional(self) -> bool:
        return bool(self.attendance) or self.depends_on_id is not None

    @property
    def field_name(self) -> str:
        """The name of the question's field on the registration form: refusals of an
        answer name it, so that the form shows them beside the question."""
        return f"question_{self.pk}"

    def offered_choices(self) -> list[Choice]:
        """The choices a person may pick now, in order (reads ``choices`` once, so a
        prefetch serves it)."""
        return [choice for choice in self.choices.all() if choice.offered]

    def answer_wordings(self) -> dict[str, str]:
        """Each key an answer can hold, with its wording in the active language, in
        order: the choices (withdrawn ones too), or yes and no; empty for text."""
        if self.kind == self.Kind.YES_NO:
            return {"yes": str(_("Yes")), "no": str(_("No"))}
        if self.has_choices:
            return {choice.key: choice.label for choice in self.choices.all()}
        return {}

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

    def comes_before(self, other: Question) -> bool:
        """Whether it is asked before ``other`` on the form (by order, then as added; a
        question not saved yet comes last among those of its order)."""

        def place(question: Question) -> tuple[int, float]:
            return (question.order, question.pk if question.pk is not None else float("inf"))

        return place(self) < place(other)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.shown_for = list(dict.fromkeys(self.shown_for or [])) if self.depends_on_id else []
        if self.depends_on_id is not None:
            problem, field = self._condition_problem()
            if problem:
                errors.setdefault(field, []).append(problem)
        if self.pk is not None:
            for problem, field in self._dependents_problems():
                errors.setdefault(field, []).append(problem)
        if errors:
            raise ValidationError(errors)

    def _condition_problem(self) -> tuple[str, str]:
        """What is wrong with the question's own condition, and the field to say it on;
        ("", "") when nothing is."""
        controller = self.depends_on
        names = {"question": controller.label}
        if self.pk is not None and controller.pk == self.pk:
            return gettext("A question cannot depend on its own answers."), "depends_on"
        if controller.edition_id != self.edition_id:
            message = gettext(
                "“%(question)s” is a question of the %(year)s edition: a question can only "
                "depend on a question of its own edition."
            )
            return message % {**names, "year": controller.edition.year}, "depends_on"
        if not controller.can_be_depended_on:
            message = gettext(
                "“%(question)s” is answered in words: a question can only depend on a "
                "question with choices (one choice, multiple choice, or yes or no)."
            )
            return message % names, "depends_on"
        circle = self._circle_through(controller)
        if circle:
            message = gettext(
                "This would make a circle: “%(question)s” is itself asked only after an "
                "answer to this question (%(path)s). Remove one of the two conditions."
            )
            path = " → ".join(quoted(question.label) for question in circle)
            return message % {**names, "path": path}, "depends_on"
        if not self.shown_for:
            message = gettext("Tick the answers of “%(question)s” that show this question.")
            return message % names, "depends_on"
        wordings = controller.answer_wordings()
        unknown = [key for key in self.shown_for if key not in wordings]
        if unknown:
            message = gettext("“%(key)s” is not an answer of “%(question)s”.")
            return message % {**names, "key": unknown[0]}, "depends_on"
        if not controller.comes_before(self):
            message = gettext(
                "“%(question)s” comes after this question on the form (order %(theirs)s, "
                "this one %(ours)s): give this question a higher order than the question it "
                "depends on."
            )
            return message % {**names, "theirs": controller.order, "ours": self.order}, "order"
        return "", ""

    def _circle_through(self, controller: Question) -> list[Question]:
        """The questions from ``controller`` back to this one when ``controller``
        depends on it, directly or through others; empty otherwise."""
        path, seen, current = [controller], {controller.pk}, controller
        while current.depends_on_id is not None:
            if current.depends_on_id == self.pk:
                return [*path, self]
            if current.depends_on_id in seen:
                return []  # a circle not through this question: its own questions refuse it
            current = Question.objects.get(pk=current.depends_on_id)
            seen.add(current.pk)
            path.append(current)
        return []

    def _dependents_problems(self) -> list[tuple[str, str]]:
        """What this question's changes would break in the questions that depend on it:
        they need it in their edition, before them, with the answers they name."""
        dependents = list(Question.objects.filter(depends_on=self.pk).order_by("order", "pk"))
        problems: list[tuple[str, str]] = []

        def named(questions: list[Question]) -> dict:
            return {"questions": ", ".join(quoted(q.label) for q in questions)}

        moved = [q for q in dependents if q.edition_id != self.edition_id]
        if moved:
            message = ngettext(
                "%(questions)s depends on this question's answers and belongs to its "
                "edition: remove its condition before moving this question.",
                "%(questions)s depend on this question's answers and belong to its "
                "edition: remove their conditions before moving this question.",
                len(moved),
            )
            problems.append((message % named(moved), "edition"))
        wordings = self.answer_wordings()
        stranded = [
            q
            for q in dependents
            if not self.can_be_depended_on or any(key not in wordings for key in q.shown_for)
        ]
        if stranded:
            message = ngettext(
                "%(questions)s is shown for answers this question would no longer have: "
                "change its condition first.",
                "%(questions)s are shown for answers this question would no longer have: "
                "change their conditions first.",
                len(stranded),
            )
            problems.append((message % named(stranded), "kind"))
        earlier = [q for q in dependents if not self.comes_before(q)]
        if earlier:
            message = ngettext(
                "%(questions)s depends on this question's answers and must come after it: "
                "give this question a lower order.",
                "%(questions)s depend on this question's answers and must come after it: "
                "give this question a lower order.",
                len(earlier),
            )
            problems.append((message % named(earlier), "order"))
        return problems


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
