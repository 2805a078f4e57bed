"""Where apps built on registration add to its pages and hear of its changes, without
registration importing them (they import registration, never the reverse).

- ``FormOption``: a tick box on the registration form ("I need an invitation letter for
  a visa"). When it is ticked and the registration is stored, the person is taken to
  the option's next step; abandoning that step loses nothing, the registration stands.
- ``Section``: a part of the person's registration page ("My registration") about one
  registration, rendered from the app's own template with the context it builds.
- a check-in row template: what the check-in page shows in each person's row (printing
  a badge, for one), included with ``registration`` (the row's) and ``edition`` in its
  context.
- ``registration_changed``: sent (``sender=Registration``, ``registration=...``,
  ``previous_status=...``, ``previous_attendance=...``) inside the transaction of a
  registration service that changed its status or its attendance, after the row is
  saved: a receiver's writes commit or roll back with it.

Apps register their options, sections and row templates in their ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.dispatch import Signal
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.http import HttpRequest

    from gmc.models import Edition

    from .models import Registration

registration_changed = Signal()


@dataclass(frozen=True)
class FormOption:
    """A tick box of the registration form. ``name`` is its field's name; ``offered``
    says whether an edition's form shows it; ``in_person_only`` options are ignored for
    online registrations; ``next_url`` is where the person goes once the registration
    is stored with the box ticked, ``next_message`` what they are told there."""

    name: str
    label: str | Promise
    help_text: str | Promise
    offered: Callable[[Edition], bool]
    next_url: Callable[[Registration], str]
    next_message: str | Promise = ""
    in_person_only: bool = False

    def applies_to(self, registration: Registration) -> bool:
        in_person = registration.attendance == registration.Attendance.IN_PERSON
        return registration.is_active and (in_person or not self.in_person_only)


@dataclass(frozen=True)
class Section:
    """A part of "My registration" about one registration: ``context`` returns the
    template's context, or None when the section has nothing to show for it."""

    template: str
    context: Callable[[HttpRequest, Registration], dict[str, Any] | None]


_OPTIONS: dict[str, FormOption] = {}
_SECTIONS: dict[str, Section] = {}


def add_form_option(option: FormOption) -> None:
    """Registering the same option again (a second ``ready()``) replaces it."""
    _OPTIONS[option.name] = option


def add_section(name: str, section: Section) -> None:
    _SECTIONS[name] = section


def form_options(edition: Edition) -> list[FormOption]:
    return [option for option in _OPTIONS.values() if option.offered(edition)]


def sections(request: HttpRequest, registration: Registration) -> list[tuple[str, dict]]:
    """(template, context) of each section that has something to show."""
    shown = []
    for section in _SECTIONS.values():
        context = section.context(request, registration)
        if context is not None:
            shown.append((section.template, context))
    return shown


_ROW_TEMPLATES: list[str] = []


def add_row_template(name: str) -> None:
    """Include the template ``name`` in every row of the check-in results. Safe to
    repeat."""
    if name not in _ROW_TEMPLATES:
        _ROW_TEMPLATES.append(name)


def row_templates() -> tuple[str, ...]:
    return tuple(_ROW_TEMPLATES)
