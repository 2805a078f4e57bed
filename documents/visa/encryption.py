"""Encryption at rest of the personal data of visa letter requests.

The values are Fernet tokens (AES-128-CBC with an HMAC-SHA256, from the ``cryptography``
package) made with the keys of ``VISA_DATA_KEYS``, a setting of their own: neither a
database dump nor ``SECRET_KEY`` alone opens them. The first key encrypts, every key
decrypts (``MultiFernet``), so a key is rotated by putting a new one first, re-encrypting
the rows (``manage.py rotate_visa_keys``, ``rotate``) and then removing the old one.

``EncryptedTextField`` and ``EncryptedDateField`` are model fields that hold such a token
in a text column and give the code the plain value: a query's raw SQL, the database
and its backups see only tokens. They cannot be searched or filtered in SQL; the few
rows of an edition are filtered after decryption where needed.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

UNREADABLE = "A visa data value cannot be decrypted with VISA_DATA_KEYS."


class UnreadableValue(Exception):
    """A token that no key of ``VISA_DATA_KEYS`` opens (a key removed too early, or the
    column changed outside the portal)."""


@lru_cache(maxsize=4)
def _box(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("VISA_DATA_KEYS holds no key.")
    return MultiFernet([Fernet(key) for key in keys])


def box() -> MultiFernet:
    """The keys of the settings as they are now (tests change them)."""
    return _box(tuple(settings.VISA_DATA_KEYS))


def encrypt(text: str) -> str:
    return box().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return box().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise UnreadableValue(
            "A visa data value cannot be decrypted with VISA_DATA_KEYS."
        ) from error


def rotate(token: str) -> str:
    """The same value, encrypted with the first key."""
    try:
        return box().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise UnreadableValue(
            "A visa data value cannot be decrypted with VISA_DATA_KEYS."
        ) from error


class EncryptedTextField(models.TextField):
    """Text kept encrypted; empty text and None are stored as NULL (nothing to hide).
    ``max_length`` limits the plain text (forms and ``full_clean``), not the column."""

    def __init__(self, *args, **kwargs):
        kwargs["null"] = True
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("null", None)
        return name, path, args, kwargs

    # What a Python value is as text, and back (a date's subclass overrides both).
    def to_text(self, value) -> str:
        return str(value)

    def from_text(self, text: str):
        return text

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.from_text(decrypt(value))

    def get_prep_value(self, value):
        value = self.to_python(value)
        if value is None or value == "":
            return None
        return encrypt(self.to_text(value))

    def get_db_prep_save(self, value, connection):
        # A TextField's own preparation would run again over the token: not needed.
        return self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        # Only "is null" means anything on a column of random-looking tokens.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedDateField(EncryptedTextField):
    """A date kept encrypted (as ISO text inside the token)."""

    def to_python(self, value):
        if value is None or value == "" or isinstance(value, datetime.date):
            return value or None
        return datetime.date.fromisoformat(str(value))

    def to_text(self, value) -> str:
        return value.isoformat()

    def from_text(self, text: str):
        return datetime.date.fromisoformat(text)

    def formfield(self, **kwargs):
        from django import forms

        return models.Field.formfield(self, **{"form_class": forms.DateField, **kwargs})

    def value_to_string(self, obj) -> str:
        value = self.value_from_object(obj)
        return value.isoformat() if value else ""
