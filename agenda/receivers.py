"""A material's file leaves the private storage with its row: when the material (or its
session) is deleted, or the file is replaced by another. Removed after the commit, so a
rolled-back change keeps its file."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete, pre_save

from .models import Material


def _remove_after_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def _material_deleted(sender, instance: Material, **kwargs) -> None:
    _remove_after_commit(instance.file.name)


def _material_saving(sender, instance: Material, **kwargs) -> None:
    if instance.pk is None:
        return
    before = Material.objects.filter(pk=instance.pk).values_list("file", flat=True).first()
    if before and before != instance.file.name:
        _remove_after_commit(before)


def connect() -> None:
    post_delete.connect(_material_deleted, sender=Material, dispatch_uid="agenda.material_file")
    pre_save.connect(_material_saving, sender=Material, dispatch_uid="agenda.material_file_swap")
