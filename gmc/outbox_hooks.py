"""What the outbox asks of the app that keeps people's email choices.

The outbox is the one door for email and belongs to the base, which imports no app;
yet what it sends depends on choices kept above it: the wording organisers gave an
email, and the categories of email a person declined. That app answers by registering
its providers here from its ``AppConfig.ready`` (mailings does). Until one registers,
the outbox sends the built-in files to everyone, without unsubscribe links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Wording:
    """An email's wording as templates: subject, plain text and HTML body (when empty,
    the text is shown paragraph by paragraph in the site's email layout)."""

    subject: str
    text: str
    html: str = ""


class CustomWording(Protocol):
    def __call__(self, kind: str, language: str) -> Wording | None:
        """The organisers' wording of ``kind`` for a message in ``language``, or None
        for the built-in files."""


class OptedOut(Protocol):
    def __call__(self, user_id: int, category: str) -> bool:
        """Whether the person declined emails of ``category`` (never empty here)."""


class UnsubscribeUrl(Protocol):
    def __call__(self, user_id: int, category: str) -> str:
        """An absolute link that lets the person decline ``category`` in one click, or
        an empty string when there is none."""


@dataclass(frozen=True)
class Providers:
    custom_wording: CustomWording
    is_opted_out: OptedOut
    unsubscribe_url: UnsubscribeUrl


def _files_only(kind: str, language: str) -> Wording | None:
    return None


def _nobody_declines(user_id: int, category: str) -> bool:
    return False


def _no_link(user_id: int, category: str) -> str:
    return ""


BUILT_IN = Providers(
    custom_wording=_files_only, is_opted_out=_nobody_declines, unsubscribe_url=_no_link
)
_current = BUILT_IN


def register(providers: Providers) -> None:
    """Answer the outbox's questions with ``providers`` from now on (the last
    registration wins, so running ``ready`` twice is harmless)."""
    global _current
    _current = providers


def current() -> Providers:
    return _current
