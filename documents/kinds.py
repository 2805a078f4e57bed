"""The kinds of document the portal issues, each declared once by the module that
renders it (``documents.certificates`` for certificates of attendance; badges and visa
letters declare theirs the same way) and registered here.

A kind says how to read what its PDF states (``facts``: JSON-able, fingerprinted, so a
change of any of it makes the worker render again) and how to render those facts into
PDF bytes with ``gmc.pdf`` (``render``). The services do the rest for every kind: the
number, the private file, regeneration, the "ready" email, revocation, verification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from .models import Document


@dataclass(frozen=True)
class Facts:
    """What one document states, read from the database in the holder's language:
    ``stated_name`` (what the verification page confirms), ``language`` (the PDF's),
    and ``data`` (everything else the PDF shows, JSON-able)."""

    stated_name: str
    language: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentKind:
    """``key`` is stored on each document; ``slug`` names it in addresses
    (``/register/me/2025/certificate.pdf``); ``prefix`` is the letter of its numbers
    (``GMC-2025-C-00017``); ``email_kind`` the outbox kind sent once when a holder's PDF
    is first ready (empty: none). ``version`` is part of the fingerprint: raise it when
    the layout changes, so every document of the kind is rendered again."""

    key: str
    slug: str
    prefix: str
    label: str | Promise
    facts: Callable[[Document], Facts | None]
    render: Callable[[Document, Facts], bytes]
    email_kind: str = ""
    version: int = 1
    # A kind whose documents state personal data kept encrypted (visa letters): its PDF
    # is stored as ``seal(pdf)`` and read back through ``unseal`` (so never handed to the
    # web server), its fingerprint is keyed, ``verified_name`` gives the verification
    # page the name it states (the ``stated_name`` column staying empty), and
    # ``on_download`` is told of every download by its holder. ``facts`` may then return
    # None: nothing to render any more (the data was erased).
    seal: Callable[[bytes], bytes] | None = None
    unseal: Callable[[bytes], bytes] | None = None
    verified_name: Callable[[Document], str] | None = None
    on_download: Callable[[Document, Any], None] | None = None


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    existing = _KINDS.get(kind.key)
    if existing is not None and existing is not kind:
        raise ImproperlyConfigured(f"The document kind {kind.key!r} is declared twice.")
    if any(other.prefix == kind.prefix and other is not kind for other in _KINDS.values()):
        raise ImproperlyConfigured(f"Two document kinds number with {kind.prefix!r}.")
    _KINDS[kind.key] = kind
    return kind


def kind(key: str) -> DocumentKind:
    return _KINDS[key]


def find(key: str) -> DocumentKind | None:
    return _KINDS.get(key)


def by_slug(slug: str) -> DocumentKind | None:
    return next((k for k in _KINDS.values() if k.slug == slug), None)


def all_kinds() -> list[DocumentKind]:
    return list(_KINDS.values())
