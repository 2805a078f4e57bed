"""What other apps add to each person's row on the check-in page (printing a badge,
for one), without registration knowing them: an app that builds on registration names
a template here from its ``AppConfig.ready``, and the page includes it in every row,
with ``registration`` (the row's) and ``edition`` in its context."""

from __future__ import annotations

_row_templates: list[str] = []


def add_row_template(name: str) -> None:
    """Include the template ``name`` in every row of the check-in results. Safe to
    repeat."""
    if name not in _row_templates:
        _row_templates.append(name)


def row_templates() -> tuple[str, ...]:
    return tuple(_row_templates)
