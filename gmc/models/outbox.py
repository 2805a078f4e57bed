from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One email to one recipient, written in the transaction of the event that causes it.

    State changes only through ``gmc.outbox``: ``queue`` creates it (PENDING),
    ``deliver`` moves it to SENT or, after the last failed attempt, FAILED (over SMTP it
    is SENT just before the server takes it, and back to PENDING should the server
    refuse it then), and ``requeue`` puts a FAILED message back to PENDING. A message of
    a ``category`` whose recipient opted out is SUPPRESSED instead of sent.

    A ``sensitive`` message (sign-in codes, reset and verification links) keeps its
    context only sealed (``gmc.sealing``) in ``sealed_context``, never in ``context``,
    and loses it once sent, once failed for good, or at ``secret_expires_at`` (when the
    link it carries stops working), whichever comes first; ``gmc.outbox`` is the only
    code that opens it. A message with ``erase_when_done`` (the last emails to a
    deleted account) is deleted once sent or failed for good.

    ``source`` is the object a message was queued about (``queue(obj=...)``), e.g. an
    organisers' message to participants, whose app reads its deliveries back through it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # The recipient declined this category of email after it was queued.
        SUPPRESSED = "suppressed", _("Not sent (unsubscribed)")

    key = models.CharField(
        _("key"),
        max_length=255,
        unique=True,
        help_text=_(
            "Unique per kind, object and recipient: the same message is never queued twice."
        ),
    )
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    template = models.CharField(
        _("template"), max_length=200, help_text=_("Base name under templates/emails/.")
    )
    to_email = models.EmailField(_("recipient"))
    recipient = models.ForeignKey(
        "gmc.User",
        verbose_name=_("recipient account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "The message carries a secret (a sign-in code, a reset or verification link): "
            "it is kept encrypted, shown to nobody, and erased once sent, failed or expired."
        ),
    )
    sealed_context = models.TextField(_("sealed context"), blank=True, editable=False)
    secret_expires_at = models.DateTimeField(_("secret expires"), null=True, blank=True)
    erase_when_done = models.BooleanField(
        _("erase when done"),
        default=False,
        help_text=_("Addressed to a deleted account: removed once sent or failed."),
    )
    category = models.CharField(
        _("category"),
        max_length=20,
        blank=True,
        help_text=_("Empty for transactional emails, which are always sent."),
    )
    source_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("sent about (type)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("sent about (id)"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_pending_due",
            ),
            models.Index(fields=["source_type", "source_id"], name="outbox_source"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email}"
