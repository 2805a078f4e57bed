"""Which emails a person accepts: one-click unsubscribe links and the preferences page.

Transactional emails (confirmations, receipts, account emails) have no category and
cannot be declined; reminders and organisers' messages can. The unsubscribe link holds
a signed token naming the person and the category, so it works without signing in and
cannot be forged for someone else.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core import signing
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from gmc.links import absolute_url

from .models import EmailCategory, EmailOptOut

TOKEN_SALT = "gmc.unsubscribe"  # noqa: S105 (a signing namespace, not a secret)


class BadToken(Exception):
    """An unsubscribe token that was altered or names an unknown category."""


def make_token(user_id: int, category: str) -> str:
    # No timestamp and no expiry: a link in an old email must keep working, and the same
    # person and category always give the same link.
    return signing.Signer(salt=TOKEN_SALT).sign_object({"u": user_id, "c": category})


def read_token(token: str) -> tuple[int, str]:
    try:
        data = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError) as exc:
        raise BadToken(str(exc)) from exc
    if (
        not isinstance(data, dict)
        or data.get("c") not in EmailCategory.values
        or not isinstance(data.get("u"), int)
    ):
        raise BadToken("unexpected token content")
    return data["u"], data["c"]


def unsubscribe_url(user_id: int, category: str) -> str:
    return absolute_url(reverse("mailings:unsubscribe", args=[make_token(user_id, category)]))


def is_opted_out(user_id: int | None, category: str) -> bool:
    if not category or user_id is None:
        return False
    return EmailOptOut.objects.filter(user_id=user_id, category=category).exists()


def opted_out(category: str, user_ref: str = "pk") -> Exists:
    """An ``Exists`` for querysets: the row's user declined ``category``."""
    return Exists(EmailOptOut.objects.filter(user_id=OuterRef(user_ref), category=category))


def exclude_opted_out(queryset: models.QuerySet, category: str) -> models.QuerySet:
    """Users of ``queryset`` who accept ``category`` (the queue-time filter)."""
    return queryset.exclude(opted_out(category))


def unsubscribe(user_id: int, category: str) -> bool:
    """Record that the person declines ``category``. Returns whether it was new.
    Side effect: one row; repeating it is a no-op."""
    try:
        with transaction.atomic():
            EmailOptOut.objects.create(user_id=user_id, category=category)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def set_preferences(user_id: int, accepted: Iterable[str]) -> None:
    """Make the person's opt-outs exactly the categories not in ``accepted``. Safe to
    repeat."""
    accepted = set(accepted)
    declined = [value for value in EmailCategory.values if value not in accepted]
    EmailOptOut.objects.filter(user_id=user_id).exclude(category__in=declined).delete()
    for category in declined:
        EmailOptOut.objects.get_or_create(user_id=user_id, category=category)


def declined_categories(user_id: int) -> set[str]:
    return set(EmailOptOut.objects.filter(user_id=user_id).values_list("category", flat=True))
