from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One organiser action that changed someone else's data: who, when, what, on which
    object, and the fields it changed with their old and new values.

    Written only by ``gmc.audit.record``, in the transaction of the action itself, so an
    action that is refused or rolled back leaves no entry. Never edited: the model has
    only the "view" permission, and its admin is read-only. Secrets (passwords, tokens,
    codes, sealed data) are never stored: ``record`` keeps only the fact that such a
    field changed.

    Entries about a person's account and registrations go with the account when it is
    deleted (``registration.accounts.services.delete_account``), as the admin's own
    history does.
    """

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The name at the time: the entry still says who acted once the account is gone.
    actor_name = models.CharField(_("by (name)"), max_length=200, blank=True)
    action = models.CharField(
        _("action"),
        max_length=100,
        db_index=True,
        help_text=_("A stable name such as registration.cancelled."),
    )
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind of object"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(
        _("changed fields"),
        default=dict,
        blank=True,
        help_text=_('{"field": {"old": …, "new": …}}; secrets only as {"hidden": true}.'),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        # A record, not a document: nobody adds, edits or deletes entries by hand.
        default_permissions = ["view"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.object_repr}"
