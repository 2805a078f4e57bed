"""Encryption at rest for small secrets the database must hold for a while.

A sealed value is a Fernet token (AES-128-CBC with an HMAC, from the ``cryptography``
package) made with a key derived from ``SECRET_KEY``; tokens sealed under one of
``SECRET_KEY_FALLBACKS`` still open, so the key can be rotated the way Django's own
signatures are. A database dump, a backup or an admin screen shows the token, never
the secret.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

_PURPOSE = b"gmc.sealing.v1"


class SealError(Exception):
    """A sealed value that does not open: damaged, or sealed under a key no longer held."""


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(_PURPOSE + b"|" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _box() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(key) for key in keys])


def seal(value: Any) -> str:
    """A JSON-serialisable value as an encrypted, authenticated text token."""
    return _box().encrypt(json.dumps(value, separators=(",", ":")).encode()).decode()


def unseal(token: str) -> Any:
    """The value of a token made by ``seal``; raises ``SealError`` when it does not open."""
    try:
        return json.loads(_box().decrypt(token.encode()))
    except (InvalidToken, ValueError) as exc:
        raise SealError("The sealed value cannot be opened.") from exc
