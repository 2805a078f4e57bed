"""The audit log: one entry for each organiser action that changes someone else's data.

The services record their named actions with ``record``, in their own transaction, and
declare the actions' names beside that code with ``declare_actions``; the admin's plain
edits are recorded by ``gmc.admin_audit.AuditedAdmin``. The base knows no app: an entry
points at its object through the content type.

Secrets never enter the log: a field whose name speaks of a password, token, code, key,
secret or sealed data, or that its model lists in ``audit_hidden_fields``, is recorded
as changed without its values.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise

from gmc.models import AuditEntry, User

JSONValue = None | bool | int | float | str | list | dict
Changes = Mapping[str, tuple[Any, Any]]

# What an entry stores instead of a secret's old and new values.
HIDDEN = {"hidden": True}
SECRET_WORDS = ("password", "token", "secret", "sealed", "code", "key", "otp")

_ACTION_LABELS: dict[str, str | Promise] = {}


def declare_actions(labels: Mapping[str, str | Promise]) -> None:
    """Name actions for people: ``{"registration.cancelled": _("Cancelled")}``. Each app
    declares its own, beside the code that records them."""
    _ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """The declared name of an action, or its slug when none was declared."""
    label = _ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def declared_actions() -> dict[str, str]:
    return {action: str(label) for action, label in sorted(_ACTION_LABELS.items())}


def is_secret(model: type[models.Model] | models.Model | None, field: str) -> bool:
    name = field.lower()
    if any(word in name for word in SECRET_WORDS):
        return True
    return model is not None and field in getattr(model, "audit_hidden_fields", ())


def json_value(value: Any) -> JSONValue:
    """A value as the log stores it: JSON, readable without the code (a related object
    as its name, a moment in UTC, a set of objects as a sorted list of names)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, QuerySet | set | frozenset):
        return sorted((json_value(item) for item in value), key=str)
    if isinstance(value, Iterable) and not isinstance(value, bytes):
        values = list(value)
        items = [json_value(item) for item in values]
        if values and all(isinstance(item, models.Model) for item in values):
            items.sort(key=str)  # a set of related objects, in a stable order
        return items
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, JSONValue]:
    """The current values of ``fields`` of ``obj``, as the log stores them; a
    many-to-many field as the sorted names of its objects."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, name)
        if field.many_to_many:
            value = list(value.all())
        values[name] = json_value(value)
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value differs between two snapshots, as (old, new)."""
    return {
        name: (before.get(name), after.get(name))
        for name in dict.fromkeys([*before, *after])
        if json_value(before.get(name)) != json_value(after.get(name))
    }


def record(
    by: User | None,
    action: str,
    obj: models.Model,
    *,
    changes: Changes | None = None,
    note: str = "",
) -> AuditEntry:
    """Write one entry: ``by`` (None for the system) did ``action`` to ``obj``,
    changing ``changes`` ({field: (old, new)}), with an optional note (a reason).

    Runs in the caller's transaction and opens none of its own: call it inside the
    action's ``transaction.atomic``, after the checks that may refuse it, so that a
    refused or rolled-back action leaves no entry. Secret fields are stored as changed
    but without values (``HIDDEN``). Not idempotent: call it only when something
    changed."""
    if obj.pk is None:
        raise ValueError("An audit entry needs a saved object.")
    stored = {}
    for field, (old, new) in (changes or {}).items():
        if is_secret(obj, field):
            stored[field] = dict(HIDDEN)
        else:
            stored[field] = {"old": json_value(old), "new": json_value(new)}
    return AuditEntry.objects.create(
        actor=by,
        actor_name=str(by)[:200] if by is not None else "",
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=stored,
        note=note,
    )


def _about(model: type[models.Model], object_ids: Iterable[Any]) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id__in=[str(pk) for pk in object_ids],
    )


def entries_for(obj: models.Model) -> QuerySet[AuditEntry]:
    """The entries about one object, newest first."""
    return _about(type(obj), [obj.pk])


def entries_about(model: type[models.Model], object_ids: Iterable[Any]) -> QuerySet[AuditEntry]:
    """The entries about some objects of one model, newest first."""
    return _about(model, object_ids).select_related("content_type")


def forget(model: type[models.Model], object_ids: Iterable[Any]) -> int:
    """Delete the entries about these objects (their person's account is deleted).
    Returns how many went; a repeat finds none."""
    deleted, _by_model = _about(model, object_ids).delete()
    return deleted


def rename(obj: models.Model) -> None:
    """Write the object's current name into its entries: after it was anonymised, the
    log must not keep the name it had."""
    _about(type(obj), [obj.pk]).update(object_repr=str(obj)[:200])
