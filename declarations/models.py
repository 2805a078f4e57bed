"""Participants' input for an edition's declaration: the call, its topics, the
submissions with their answers and attachments, and the organisers' tags.

State changes only through ``declarations.services``; the models hold fields,
constraints and cheap derived properties.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from gmc.models import OrganisationType


class Call(models.Model):
    """The call for input of one edition (at most one per edition): when it opens, what
    it asks. It closes at the edition's ``declaration_deadline``, stored there once: the
    edition's pages (the home page among them) show it, and the input page, the refusal
    after it and the reminders read the same field. Organisers edit the call in the
    admin; ``publish_declaration`` links the adopted declaration's publication to it."""

    edition = models.OneToOneField(
        "gmc.Edition",
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="declaration_call",
    )
    opens_at = models.DateTimeField(_("opens"), help_text=_("Shown in the edition's time zone."))
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Paragraphs separated by a blank line.")
    )
    publication = models.ForeignKey(
        "gmc.Publication",
        verbose_name=_("adopted declaration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The publication the adopted declaration was published as."),
    )

    class Meta:
        verbose_name = _("call for input")
        verbose_name_plural = _("calls for input")
        ordering = ["-edition__year"]

    def __str__(self) -> str:
        return str(_("Call for input, %(year)s") % {"year": self.edition.year})

    def get_absolute_url(self) -> str:
        return reverse("declarations:submit_year", args=[self.edition.year])

    @property
    def closes_at(self) -> datetime | None:
        """When the call closes, accepting no input from then on: the edition's
        ``declaration_deadline`` (None while the edition has none)."""
        return self.edition.declaration_deadline

    def clean(self) -> None:
        if not self.edition_id:
            return
        if self.closes_at is None:
            raise ValidationError(
                {
                    "edition": _(
                        "Set this edition's declaration input deadline first: the call "
                        "closes at it."
                    )
                }
            )
        if self.opens_at and self.opens_at >= self.closes_at:
            raise ValidationError(
                {
                    "opens_at": _(
                        "The call must open before the edition's declaration input deadline."
                    )
                }
            )

    def state(self, now: datetime | None = None) -> str:
        """'not_open', 'open' or 'closed' at ``now``."""
        now = now or timezone.now()
        if now < self.opens_at:
            return "not_open"
        if self.closes_at is None or now >= self.closes_at:
            return "closed"
        return "open"

    def is_open(self, now: datetime | None = None) -> bool:
        return self.state(now) == "open"


class Topic(models.Model):
    """A guided topic of a call: one answer per submission, within a word limit."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="topics"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    guiding_question = models.TextField(_("guiding question"))
    help_text = models.TextField(_("help text"), blank=True)
    word_limit = models.PositiveIntegerField(
        _("word limit"), default=500, help_text=_("Answers longer than this are refused.")
    )
    is_showcase = models.BooleanField(
        _("good-practice topic"),
        default=False,
        help_text=_("Answers to this topic make up the good-practice cases of the showcase."),
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["call", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "order"], name="declaration_topic_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Tag(models.Model):
    """An organisers' label on submissions (e.g. "equity", "quote in preamble"); never
    shown to contributors."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def count_words(text: str) -> int:
    """Words as the form's live counter counts them: runs of non-space characters."""
    return len(text.split())


class Submission(models.Model):
    """One participant's input for one call (a database constraint).

    ``status`` moves DRAFT -> SUBMITTED through the contributor, then SUBMITTED ->
    UNDER_REVIEW / INCLUDED / NOT_INCLUDED through the organisers. Only these functions
    of ``declarations.services`` change a submission: ``save_draft``, ``submit``,
    ``add_attachment``, ``add_link``, ``remove_attachment`` (the contributor, while the
    call is open), ``set_status``, ``add_tags``, ``remove_tags``, ``review_submission``
    and ``set_showcase`` (the organisers); ``forget_contributor`` when the contributor
    deletes their account. ``submit_count`` counts real submissions and
    keys their receipt emails: one receipt per submission, never two for the same one.
    ``tags`` and ``internal_notes`` are the organisers' and never shown to the
    contributor.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        INCLUDED = "included", _("Included")
        NOT_INCLUDED = "not_included", _("Not included")

    class QuoteConsent(models.TextChoices):
        NAMED = "named", _("You may quote me with my name and organisation")
        ANONYMOUS = "anonymous", _("You may quote me, without my name")
        NONE = "none", _("Do not quote me")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="submissions"
    )
    # Empty only for an anonymised record kept after the contributor deleted their
    # account (``forget_contributor``).
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contributor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="declaration_submissions",
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    # The contributor's organisation at the time of submitting: profiles change later.
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation_type = models.CharField(
        _("organisation type"), max_length=20, choices=OrganisationType.choices, blank=True
    )
    country = CountryField(_("country"), blank=True)
    quote_consent = models.CharField(
        _("quoting"),
        max_length=10,
        choices=QuoteConsent.choices,
        default=QuoteConsent.NONE,
    )
    showcase_consent = models.BooleanField(
        _("may be shown as a good-practice case"), default=False
    )
    showcase_published = models.BooleanField(
        _("published in the showcase"),
        default=False,
        help_text=_("Set by organisers; shown only when the contributor consented."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    internal_notes = models.TextField(_("internal notes"), blank=True)
    submit_count = models.PositiveIntegerField(_("times submitted"), default=0, editable=False)
    submitted_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "contributor"],
                name="one_submission_per_participant_per_call",
                violation_error_message=_("This person has already sent input for this call."),
            ),
        ]
        indexes = [models.Index(fields=["call", "status"], name="declaration_sub_call_status")]

    def __str__(self) -> str:
        who = self.contributor or _("former participant")
        return f"{who} ({self.call.edition.year})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def may_be_quoted(self) -> bool:
        return self.quote_consent != self.QuoteConsent.NONE

    def attribution(self) -> str:
        """How a quotation is signed, as the contributor consented; empty when it may
        not be quoted at all."""
        if self.quote_consent == self.QuoteConsent.NAMED and self.contributor_id:
            parts = [self.contributor.display_name, self.organisation_name]
            where = self.country.name if self.country else ""
            text = ", ".join(p for p in parts if p)
            return f"{text} ({where})" if where else text
        if self.quote_consent != self.QuoteConsent.NONE:
            return str(_("A participant (name withheld)"))
        return ""


class Answer(models.Model):
    """A submission's answer to one topic. Written by the services only."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="answers"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(_("answer"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["topic__order", "topic_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "topic"], name="one_answer_per_topic_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {self.text[:60]}"

    @property
    def word_count(self) -> int:
        return count_words(self.text)


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random name under declarations/ that says nothing about the person or the file;
    only the extension of the detected type is kept, for the web server's benefit."""
    suffix = PurePath(filename).suffix.lower()
    return f"declarations/{secrets.token_hex(16)}{suffix}"


class Attachment(models.Model):
    """A file (stored under a random name in the private storage) or a link, attached to
    a submission. Created and deleted only by ``add_attachment``, ``add_link`` and
    ``remove_attachment``."""

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    link = models.URLField(_("link"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(file="") & models.Q(link=""))
                | (models.Q(file="") & ~models.Q(link="")),
                name="declaration_attachment_file_or_link",
                violation_error_message=_("An attachment is either a file or a link."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.title or self.original_name or self.link

    @property
    def is_link(self) -> bool:
        return bool(self.link)

    def get_download_url(self) -> str:
        return reverse("declarations:attachment", args=[self.pk])
