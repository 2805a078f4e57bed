"""Signal receivers of mailings, connected in ``MailingsConfig.ready``."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import pre_delete

from gmc.models import OutboxMessage

from .models import Broadcast


def detach_outbox_messages(sender, instance: Broadcast, using: str, **kwargs) -> None:
    """A deleted message's outbox rows stay, as the record of what was sent, and no
    longer point at it."""
    OutboxMessage.objects.using(using).filter(
        source_type=ContentType.objects.db_manager(using).get_for_model(Broadcast),
        source_id=instance.pk,
    ).update(source_type=None, source_id=None)


def connect() -> None:
    pre_delete.connect(
        detach_outbox_messages, sender=Broadcast, dispatch_uid="mailings.detach_outbox"
    )
