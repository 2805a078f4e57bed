"""What makes documents be made again (a name, an edition or a certificate design
changed), and their files removed with them."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from gmc.models import Edition, User


def delete_file(sender, instance, **kwargs) -> None:
    """A deleted document (its registration or account gone) takes its PDF along, once
    the deletion is committed. Its number stays taken (documents.models.DocumentCounter)."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))


def refresh(documents) -> None:
    """Have the worker look at these documents again after commit: each is made anew
    only if what it states changed (its fingerprint), and keeps its number."""
    from . import services

    services.request_generation(list(documents.valid().values_list("pk", flat=True)))


def person_saved(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    if created:
        return
    if update_fields is not None and not {"full_name", "language"} & set(update_fields):
        return
    from .models import Document

    refresh(Document.objects.filter(registration__attendee=instance))


def edition_saved(sender, instance: Edition, created: bool, **kwargs) -> None:
    if not created:
        refresh_edition(instance.pk)


def hosts_changed(sender, instance, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Edition):
        refresh_edition(instance.pk)


def design_changed(sender, instance, **kwargs) -> None:
    from .models import CertificateDesign

    design = instance if isinstance(instance, CertificateDesign) else instance.design
    refresh_edition(design.edition_id)


def refresh_edition(edition_id: int) -> None:
    from .models import Document

    refresh(Document.objects.filter(edition_id=edition_id))


def connect() -> None:
    from .models import CertificateDesign, Document, Logo, Signatory

    post_delete.connect(delete_file, sender=Document, dispatch_uid="documents.delete_file")
    post_save.connect(person_saved, sender=User, dispatch_uid="documents.person_saved")
    post_save.connect(edition_saved, sender=Edition, dispatch_uid="documents.edition_saved")
    m2m_changed.connect(
        hosts_changed, sender=Edition.hosts.through, dispatch_uid="documents.hosts_changed"
    )
    for model in (CertificateDesign, Signatory, Logo):
        for signal in (post_save, post_delete):
            uid = f"documents.{model.__name__}.{'saved' if signal is post_save else 'deleted'}"
            signal.connect(design_changed, sender=model, dispatch_uid=uid)
