"""What attendees thought of a session: a rating from 1 to 5 and a comment.

Who may give it (someone with a confirmed registration for the session's edition, once
the session has ended) is decided by ``agenda.selectors.feedback_state``; it is written
only by ``agenda.services.give_feedback``. Its author is shown to organisers only, on
the admin's list of feedback: the summaries, the exports and the copy meant for speakers
name nobody (``agenda.selectors.feedback_summary``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long after first giving it a person may still change their feedback.
EDIT_WINDOW = timedelta(days=7)
COMMENT_MAX_LENGTH = 2000


class Rating(models.IntegerChoices):
    POOR = 1, _("1: poor")
    FAIR = 2, _("2: fair")
    GOOD = 3, _("3: good")
    VERY_GOOD = 4, _("4: very good")
    EXCELLENT = 5, _("5: excellent")


class Feedback(models.Model):
    """One person's feedback on one session (a database constraint): given once,
    changeable for ``EDIT_WINDOW`` after ``created_at``, then read-only."""

    session = models.ForeignKey(
        "agenda.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="session_feedback",
    )
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("first given"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("session feedback")
        verbose_name_plural = _("session feedback")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "author"],
                name="agenda_one_feedback_per_person_per_session",
                violation_error_message=_("This person has already rated the session."),
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                name="agenda_feedback_rating_1_to_5",
                violation_error_message=_("A rating is a whole number from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.rating}"

    @property
    def editable_until(self) -> datetime:
        return self.created_at + EDIT_WINDOW

    def is_editable(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) < self.editable_until
