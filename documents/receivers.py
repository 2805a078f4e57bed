"""What makes documents be made again (a name, an edition or a certificate design
changed), and their files removed with them."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

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


_UNKNOWN = object()  # a field the query deferred: never read here (that would query)


def _what_documents_show(person: User) -> tuple:
    return tuple(person.__dict__.get(name, _UNKNOWN) for name in ("full_name", "language"))


def person_loaded(sender, instance: User, **kwargs) -> None:
    """Remember what documents show of a person as loaded, so that a save that changes
    none of it (most saves: a sign-in, a time zone) costs no query here."""
    instance._documents_shown = _what_documents_show(instance)


def person_saved(sender, instance: User, created: bool, **kwargs) -> None:
    shown, loaded = _what_documents_show(instance), getattr(instance, "_documents_shown", None)
    changed = not created and (loaded is None or _UNKNOWN in loaded or loaded != shown)
    instance._documents_shown = shown
    if changed:
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


def export_documents(sender, user, **kwargs) -> dict:
    """The person's documents in their data export (the PDFs they download themselves)."""
    from .models import Document

    documents = Document.objects.filter(registration__attendee=user).select_related("edition")
    return {
        "documents": [
            {
                "kind": document.kind,
                "number": document.number,
                "edition": document.edition.year,
                "name": document.stated_name,
                "language": document.language,
                "issued_at": document.issued_at.isoformat(),
                "revoked_at": document.revoked_at.isoformat() if document.revoked_at else None,
            }
            for document in documents.order_by("pk")
        ]
    }


def connect() -> None:
    from registration.accounts.signals import collect_account_data

    from .models import CertificateDesign, Document, Logo, Signatory

    collect_account_data.connect(export_documents, dispatch_uid="documents.export")
    post_delete.connect(delete_file, sender=Document, dispatch_uid="documents.delete_file")
    post_init.connect(person_loaded, sender=User, dispatch_uid="documents.person_loaded")
    post_save.connect(person_saved, sender=User, dispatch_uid="documents.person_saved")
    post_save.connect(edition_saved, sender=Edition, dispatch_uid="documents.edition_saved")
    m2m_changed.connect(
        hosts_changed, sender=Edition.hosts.through, dispatch_uid="documents.hosts_changed"
    )
    for model in (CertificateDesign, Signatory, Logo):
        for signal in (post_save, post_delete):
            uid = f"documents.{model.__name__}.{'saved' if signal is post_save else 'deleted'}"
            signal.connect(design_changed, sender=model, dispatch_uid=uid)
