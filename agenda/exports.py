"""Organisers' CSV exports of session feedback: one row a rating (the admin's filtered
list), or one row a session or a kind (the summary). In the organiser's language (the
admin's), every cell guarded against formulas by ``gmc.spreadsheets``, and naming no
author: an export travels further than the admin."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from . import selectors
from .models import Feedback, Session


def _starts(session: Session) -> str:
    return session.starts_at.astimezone(session.edition.tz).strftime("%Y-%m-%d %H:%M")


def _average(figures: selectors.FeedbackFigures) -> str:
    if figures.average is None:
        return ""
    return formats.number_format(figures.average, 2, use_l10n=True)


def feedback_table(feedback: QuerySet[Feedback]) -> tuple[list[str], Iterator[list[str]]]:
    """Each rating with its comment and session, in the sessions' order (1 query)."""
    header = [
        _("Edition"),
        _("Session"),
        _("Kind"),
        _("Starts (the edition's time zone)"),
        _("Rating"),
        _("Comment"),
    ]

    def rows() -> Iterator[list[str]]:
        queryset = feedback.select_related("session__edition").order_by(
            "session__edition__year", "session__starts_at", "session_id", "rating", "pk"
        )
        for item in queryset.iterator(chunk_size=500):
            session = item.session
            yield [
                str(session.edition.year),
                session.display_title,
                str(session.get_kind_display()),
                _starts(session),
                str(item.rating),
                item.comment,
            ]

    return [str(h) for h in header], rows()


def _figure_columns() -> list[str]:
    return [_("Ratings"), _("Average"), *[str(rating) for rating in range(5, 0, -1)]]


def _figure_cells(figures: selectors.FeedbackFigures) -> list[str]:
    return [str(figures.count), _average(figures), *[str(n) for _r, n in figures.bars]]


def sessions_table(feedback: QuerySet[Feedback]) -> tuple[list[str], list[list[str]]]:
    """Each rated session's figures."""
    header = [
        _("Edition"),
        _("Session"),
        _("Kind"),
        _("Starts (the edition's time zone)"),
        *_figure_columns(),
    ]
    rows = [
        [
            str(row.session.edition.year),
            row.session.display_title,
            str(row.session.get_kind_display()),
            _starts(row.session),
            *_figure_cells(row.figures),
        ]
        for row in selectors.feedback_by_session(feedback)
    ]
    return header, rows


def kinds_table(feedback: QuerySet[Feedback]) -> tuple[list[str], list[list[str]]]:
    """Each kind of session's figures."""
    header = [_("Kind"), _("Sessions rated"), *_figure_columns()]
    rows = [
        [row.label, str(row.sessions), *_figure_cells(row.figures)]
        for row in selectors.feedback_by_kind(feedback)
    ]
    return header, rows
