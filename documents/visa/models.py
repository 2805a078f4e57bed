"""Visa letter requests and the log of every look at their personal data.

State changes only through ``documents.visa.services``; the models hold fields,
constraints and cheap properties. Imported by ``documents.models``, so that Django
finds them in the ``documents`` app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .encryption import EncryptedDateField, EncryptedTextField

# The personal data of a request: encrypted at rest, shown only to its owner and to the
# holders of ``documents.view_visa_data``, erased after the edition.
PERSONAL_FIELDS = ("passport_name", "nationality", "passport_number", "date_of_birth", "purpose")
DATA_PERMISSION = "documents.view_visa_data"
# ``VisaAccessLog.actor_name`` of a person whose account was deleted since.
DELETED_ACCOUNT = "-"


class VisaRequest(models.Model):
    """One in-person registration's request for an invitation letter (one per
    registration, asked again on the same row).

    PENDING -> APPROVED (a letter is issued: a ``Document`` of the ``visa_letter`` kind)
    or DECLINED (with a note to the person); a change of the details by the person
    sends it back to PENDING (a letter already issued is revoked); WITHDRAWN when the
    registration is cancelled or moves online (the letter is revoked and the details
    erased). ``erased_at`` set: the details are gone (after the edition, or with the
    withdrawal); the request, its status and its letter's number remain, so the
    verification page still answers for the letter.

    Only these functions of ``documents.visa.services`` change it: ``request_letter``,
    ``change_details``, ``approve_request``, ``decline_request``, ``withdraw_request``
    and ``erase_details`` (``erase_expired`` calls it for the edition's rows).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    registration = models.OneToOneField(
        "registration.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="visa_request",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    passport_name = EncryptedTextField(_("full name as in the passport"), max_length=200)
    nationality = EncryptedTextField(_("nationality"), max_length=2)
    passport_number = EncryptedTextField(_("passport number"), max_length=20)
    date_of_birth = EncryptedDateField(_("date of birth"))
    purpose = EncryptedTextField(_("purpose of travel"), max_length=500)
    letter = models.ForeignKey(
        "documents.Document",
        verbose_name=_("letter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The letter issued on approval; a revoked one stays for verification."),
    )
    decision_note = models.TextField(
        _("note to the person"),
        max_length=2000,
        blank=True,
        help_text=_("Sent to the person with the decision (the reason, when declined)."),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decisions = models.PositiveIntegerField(
        _("decisions"),
        default=0,
        editable=False,
        help_text=_("Counts decisions; keys the email each one sends."),
    )
    submitted_at = models.DateTimeField(_("asked"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    # gmc.audit and the admin's history never show these fields' values.
    audit_hidden_fields = PERSONAL_FIELDS

    class Meta:
        verbose_name = _("visa letter request")
        verbose_name_plural = _("visa letter requests")
        ordering = ["-submitted_at", "-pk"]
        permissions = [
            (
                "view_visa_data",
                _("Can see and decide visa letter requests' passport details"),
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="visa_requests_queue")]

    def __str__(self) -> str:
        # Never a personal detail: this names the row in the admin's history and logs.
        return str(_("Visa letter request %(number)s") % {"number": self.reference})

    @property
    def reference(self) -> str:
        return f"V-{self.pk}" if self.pk else "V-?"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def nationality_name(self) -> str:
        return str(countries.name(self.nationality)) if self.nationality else ""

    @property
    def is_open(self) -> bool:
        """Still asked for: the person may change it."""
        return self.status in (self.Status.PENDING, self.Status.APPROVED, self.Status.DECLINED)


class VisaAccessLog(models.Model):
    """Who did what with a request's personal data, and when: written by the services
    and the admin in the same transaction as the act, read in the admin by holders of
    ``documents.view_visa_data``, never changed or deleted there (the model has no
    add, change or delete permission). Holds no personal detail of the request."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Asked for by the person")
        CHANGED = "changed", _("Details changed")
        SEEN_BY_PERSON = "seen_by_person", _("Seen by the person")
        LISTED = "listed", _("Shown in the list of requests")
        VIEWED = "viewed", _("Viewed in the administration")
        EXPORTED = "exported", _("Exported")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        LETTER_DOWNLOADED = "downloaded", _("Letter downloaded")
        WITHDRAWN = "withdrawn", _("Withdrawn with the registration")
        ERASED = "erased", _("Personal data erased")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("who"), max_length=200, blank=True)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    request = models.ForeignKey(
        VisaRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_log",
    )
    request_reference = models.CharField(_("request"), max_length=20)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("visa data access")
        verbose_name_plural = _("visa data accesses")
        ordering = ["-at", "-pk"]
        # Nobody adds, changes or deletes entries, not even a superuser: no such permission.
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.request_reference} {self.action}"
