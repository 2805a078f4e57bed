"""Email the organisers set up once: reminder rules, people's opt-outs, editable email
templates and messages to a segment of participants.

Reminder moments are never stored: ``mailings.reminders`` computes them from the event's
stored aware time each time it runs, so when a deadline moves the pending reminders
move with it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from gmc import email_kinds
from gmc.models import OrganisationType
from gmc.outbox_hooks import Wording

# The email that invites confirmed attendees to rate the sessions of a day
# (mailings.reminders): the one kind the "day ends" event sends, and that event only.
FEEDBACK_KIND = "reminders.feedback"


class EmailCategory(models.TextChoices):
    """What kind of email a message is. Transactional emails (confirmations, receipts,
    account emails) have no category and are always sent; the others can be declined."""

    REMINDERS = "reminders", _("Reminders before deadlines and sessions")
    ANNOUNCEMENTS = "announcements", _("Messages from the organisers")
    PROGRAMME_CHANGES = "programme_changes", _("A session in my agenda moves")


class ReminderRule(models.Model):
    """“Write to <audience> <offset> before <event> of <edition>, with <kind>.”

    Read by ``mailings.reminders.send_due``; nothing here changes state. An occurrence is one
    moment of the event (one per starred session for session reminders, one per day of
    the programme for feedback invitations, sent in the evening of that day: ``offset``
    before its midnight, or once its last session has ended if that is later).
    """

    class Event(models.TextChoices):
        REGISTRATION_CLOSES = "registration_closes", _("Registration closes")
        DECLARATION_CLOSES = "declaration_closes", _("Declaration input closes")
        CONFERENCE_STARTS = "conference_starts", _("The conference starts")
        SESSION_STARTS = "session_starts", _("A starred session starts")
        DAY_ENDS = "day_ends", _("A day of the conference ends (feedback on its sessions)")

    class Audience(models.TextChoices):
        NOT_REGISTERED = "not_registered", _("Verified accounts not registered for the edition")
        REGISTERED = "registered", _("Registered participants (confirmed or waiting)")
        CONFIRMED = "confirmed", _("Confirmed attendees")
        WITHOUT_SUBMISSION = (
            "without_submission",
            _("Registered participants who have not sent declaration input"),
        )
        WITH_DRAFT = "with_draft", _("Registered participants with a declaration draft")
        STARRED = "starred", _("Confirmed attendees who starred the session")

    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    edition = models.ForeignKey(
        "gmc.Edition",
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="reminder_rules",
    )
    name = models.CharField(_("name"), max_length=200)
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    offset = models.DurationField(_("how long before"))
    audience = models.CharField(_("recipients"), max_length=30, choices=Audience.choices)
    attendance = models.CharField(
        _("attendance"),
        max_length=10,
        choices=Attendance.choices,
        blank=True,
        help_text=_("Only people attending this way; empty for everyone."),
    )
    kind = models.CharField(
        _("email"),
        max_length=100,
        help_text=_("Which email is sent; its wording is edited under “Email templates”."),
    )
    subject = models.CharField(
        _("own subject"),
        max_length=255,
        blank=True,
        help_text=_("Empty: the subject of the chosen email."),
    )
    text = models.TextField(
        _("own text"),
        blank=True,
        help_text=_(
            "Empty: the text of the chosen email. Written here, it replaces that text for "
            "this rule only (for example a travel check before the conference)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["edition", "event", "-offset"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "name"],
                name="reminder_rule_unique_name_per_edition",
                violation_error_message=_("This edition already has a rule of that name."),
            ),
            models.CheckConstraint(
                condition=models.Q(offset__gte=timedelta(0)),
                name="reminder_rule_offset_not_negative",
                violation_error_message=_("A reminder is sent before the event, not after."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .wording import check_template

        reminder_kinds = [
            key
            for key, kind in email_kinds.KINDS.items()
            if kind.category == EmailCategory.REMINDERS
        ]

        errors: dict[str, list] = {}
        session_event = self.event == self.Event.SESSION_STARTS
        if session_event != (self.audience == self.Audience.STARRED):
            errors.setdefault("audience", []).append(
                _("Session reminders go to the people who starred the session, and only they do.")
            )
        day_event = self.event == self.Event.DAY_ENDS
        if day_event and self.audience != self.Audience.CONFIRMED:
            errors.setdefault("audience", []).append(
                _("Feedback invitations go to confirmed attendees: only they can rate sessions.")
            )
        if self.kind and self.kind not in reminder_kinds:
            errors.setdefault("kind", []).append(_("Choose one of the reminder emails."))
        elif self.kind and day_event != (self.kind == FEEDBACK_KIND):
            errors.setdefault("kind", []).append(
                _("The feedback invitation lists a day's sessions: it goes with that event alone.")
            )
        if day_event and self.offset is not None and self.offset >= timedelta(days=1):
            errors.setdefault("offset", []).append(
                _(
                    "A feedback invitation goes out on the day itself: less than 24 hours "
                    "before its end."
                )
            )
        if bool(self.subject.strip()) != bool(self.text.strip()):
            errors.setdefault("text" if self.subject.strip() else "subject", []).append(
                _("Write both an own subject and an own text, or leave both empty.")
            )
        elif self.subject.strip() and self.kind in reminder_kinds:
            # The same check as a template of the email: its variables, and no others.
            wording = {"subject": self.subject, "text": self.text}
            for field_name, messages in check_template(self.kind, wording).items():
                errors.setdefault(field_name, []).extend(messages)
        if self.offset is not None and self.offset < timedelta(0):
            errors.setdefault("offset", []).append(
                _("A reminder is sent before the event, not after.")
            )
        if errors:
            raise ValidationError(errors)


class EmailOptOut(models.Model):
    """A person declined a category of email (one-click unsubscribe or preferences).
    Written by ``mailings.preferences.unsubscribe`` / ``set_preferences``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="email_opt_outs",
    )
    category = models.CharField(_("category"), max_length=20, choices=EmailCategory.choices)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("email opt-out")
        verbose_name_plural = _("email opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="one_opt_out_per_category"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ✕ {self.get_category_display()}"


class EmailTemplate(models.Model):
    """Organisers' wording of one automatic email in one language. When none is set for
    the message's language (nor the default language), the built-in files are used."""

    kind = models.CharField(_("email"), max_length=100)
    language = models.CharField(_("language"), max_length=10)
    # A template's source, not the subject sent: tags take room (the built-in subjects
    # of some emails are longer than 255 characters).
    subject = models.CharField(_("subject"), max_length=1000)
    text = models.TextField(_("plain text"))
    html = models.TextField(
        _("HTML body"),
        blank=True,
        help_text=_(
            "The body only; it is placed in the site's email layout. Empty: the plain "
            "text is shown, paragraph by paragraph."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language"],
                name="one_email_template_per_kind_and_language",
                violation_error_message=_("This email already has a template in that language."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"

    @property
    def wording(self) -> Wording:
        return Wording(subject=self.subject, text=self.text, html=self.html)


class OutboxRecord(GenericRelation):
    """The outbox rows sent about an object (``gmc.OutboxMessage.source``), for reading
    and counting. Deleting the object deletes none of them: the outbox is the record of
    what was sent (``mailings.receivers`` detaches them instead)."""

    def bulk_related_objects(self, objs, using=DEFAULT_DB_ALIAS):
        # What the deletion collector (and the admin's confirmation page) would delete.
        return self.remote_field.model._base_manager.db_manager(using).none()


class Broadcast(models.Model):
    """An organisers' message to a segment of an edition's participants.

    ``status`` moves DRAFT -> SENDING (``mailings.services.start_sending``) -> QUEUED once
    every recipient has an outbox row (``mailings.services.queue_next_batch``, resumed by
    ``resume_queueing`` should its task be lost); a draft's
    fields change only through ``mailings.services.update_draft``. What was delivered is
    read from the outbox rows sent about it (``outbox_messages``).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Being queued")
        QUEUED = "queued", _("Queued for everyone")

    class RegistrationStatus(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class DeclarationStatus(models.TextChoices):
        SENT = "sent", _("Sent declaration input")
        DRAFT = "draft", _("Has a declaration draft")
        NONE = "none", _("Has not started declaration input")

    class CheckIn(models.TextChoices):
        CHECKED_IN = "checked_in", _("Checked in")
        NOT_CHECKED_IN = "not_checked_in", _("Registered but not checked in")

    edition = models.ForeignKey(
        "gmc.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, related_name="+"
    )
    registration_status = models.CharField(
        _("registration status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        blank=True,
        help_text=_("Empty: everyone registered (confirmed or waiting)."),
    )
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=ReminderRule.Attendance.choices, blank=True
    )
    country = CountryField(_("country"), blank=True)
    organisation_type = models.CharField(
        _("organisation type"), max_length=20, choices=OrganisationType.choices, blank=True
    )
    declaration_status = models.CharField(
        _("declaration input"), max_length=10, choices=DeclarationStatus.choices, blank=True
    )
    check_in = models.CharField(_("check-in"), max_length=20, choices=CheckIn.choices, blank=True)
    greeting = models.BooleanField(
        _("Start with a greeting"),
        default=True,
        help_text=_(
            "Each email then starts with “Dear {name},”, {name} being the recipient's name "
            "as shown on the site. Untick it to write your own greeting, or none."
        ),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("message"), help_text=_("Plain text; a blank line starts a new paragraph.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    recipient_count = models.PositiveIntegerField(_("recipients when sent"), default=0)
    last_queued_user_id = models.BigIntegerField(default=0, editable=False)
    tests_sent = models.PositiveIntegerField(_("tests sent"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued for everyone"), null=True, blank=True)
    outbox_messages = OutboxRecord(
        "gmc.OutboxMessage",
        content_type_field="source_type",
        object_id_field="source_id",
        related_query_name="broadcast",
    )

    class Meta:
        verbose_name = _("message to participants")
        verbose_name_plural = _("messages to participants")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject
