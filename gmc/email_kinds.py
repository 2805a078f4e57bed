"""The registry of the automatic emails organisers may reword: each kind's variables
and sample data.

The kinds are not listed here: each app declares its own in its ``emails`` module,
beside the function that builds the context its sender puts in the message, and
registers them when the app is ready (``AppConfig.ready``). This module imports no app.

The variables declared are what the sending code puts in the message's context (plus
``site_url`` and, for emails people can decline, ``unsubscribe_url``, which the outbox
adds); an organiser's template may use these and no others. The samples feed the
admin's preview and the check made when a template is saved (``mailings.wording``).
``tests/mailings/test_declared_variables.py`` holds every declaration to the context
its sender really builds and to what its built-in templates really use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Always available, whatever the kind (the outbox adds it when rendering).
COMMON_VARIABLES = {
    "site_url": _("The portal's address"),
}
UNSUBSCRIBE_VARIABLES = {
    "unsubscribe_url": _("One-click link to stop receiving emails of this category"),
}


@dataclass(frozen=True)
class EmailKind:
    """One kind of automatic email. ``key`` names it in the outbox and its templates
    (``emails/<key with dots as slashes>.{subject.txt,txt,html}``); ``variables`` are the
    names its context carries, with what each means to an organiser; ``sample`` holds a
    value of each, for previews; ``category`` is the key of the category people may
    decline (``mailings.models.EmailCategory``), empty for a transactional email that is
    always sent."""

    key: str
    label: str
    variables: Mapping[str, str]
    sample: Mapping[str, Any]
    category: str = ""

    @property
    def template(self) -> str:
        """The path of its built-in files under ``emails/``, without the endings."""
        return self.key.replace(".", "/")

    @property
    def all_variables(self) -> dict[str, str]:
        extra = UNSUBSCRIBE_VARIABLES if self.category else {}
        return {**self.variables, **COMMON_VARIABLES, **extra}

    def sample_context(self) -> dict:
        context = {"site_url": "https://gmc.example.org", **self.sample}
        if self.category:
            context["unsubscribe_url"] = "https://gmc.example.org/email/unsubscribe/sample/"
        return context


_KINDS: dict[str, EmailKind] = {}
# Every registered kind by key, in the order the apps declared them (read-only).
KINDS: Mapping[str, EmailKind] = MappingProxyType(_KINDS)


def register(*kinds: EmailKind) -> None:
    """Make kinds known to the outbox and the organisers' template editor. Registering
    the same declaration again is harmless; two declarations of one key are a mistake."""
    for kind in kinds:
        existing = _KINDS.get(kind.key)
        if existing is not None and existing is not kind:
            raise ImproperlyConfigured(f"The email kind {kind.key!r} is declared twice.")
        _KINDS[kind.key] = kind


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, f"{kind.label} ({kind.key})") for kind in _KINDS.values()]


def category_of(key: str) -> str:
    kind = _KINDS.get(key)
    return kind.category if kind else ""
