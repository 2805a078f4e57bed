"""The receipt a contributor gets for their declaration input: its kind, variables and
sample data, and the context it is sent with (``receipt_context``, called by
``declarations.services.submit``)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from gmc import email_kinds, outbox
from gmc.timezones import zone_label

from .models import Submission

RECEIPT = email_kinds.EmailKind(
    "declarations.receipt",
    _("Declaration input received"),
    {
        "name": _("The contributor's name"),
        "edition_title": _("The edition's title"),
        "submitted_at": _("When the input was sent, with the zone"),
        "closes_at": _("The deadline, with the zone"),
        "resubmission": _("Whether this replaces earlier input (true or false)"),
        "answers": _("The answers: a list of items with “topic” and “text”"),
        "attachments": _("The names of the attached files"),
        "quote_consent": _("How the contributor may be quoted"),
        "showcase_consent": _(
            "Whether the input may be published as a good-practice case (true or false)"
        ),
        "url": _("Path of the input page, to follow the portal's address"),
    },
    {
        "name": "Amina Otieno",
        "edition_title": "Global MOOC and Online Education Conference 2026",
        "submitted_at": "1 December 2026, 10:00, Hanoi time (UTC+7)",
        "closes_at": "14 December 2026, 23:59, Hanoi time (UTC+7)",
        "resubmission": False,
        "answers": [{"topic": "Role and impact", "text": "Courses reached new students."}],
        "attachments": ["Course report.pdf"],
        "quote_consent": "You may quote me with my name and organisation",
        "showcase_consent": True,
        "url": "/declarations/2026/",
    },
)
email_kinds.register(RECEIPT)


def receipt_context(submission: Submission) -> dict:
    """A copy of the input as sent: the answers, the attachments' names and the consents,
    with the moments in the edition's zone, written in the contributor's language (the
    organisers' titles too, else in English)."""
    with translation.override(outbox.message_language(submission.contributor)):
        return _receipt_context(submission)


def _receipt_context(submission: Submission) -> dict:
    call = submission.call
    edition = call.edition
    topics = list(call.topics.all())
    answers = {a.topic_id: a.text for a in submission.answers.all()}

    def moment(value: datetime) -> str:
        local = timezone.localtime(value, edition.tz)
        # As the other emails write a moment: "1 December 2026, 10:00, Hanoi time (UTC+7)".
        return f"{formats.date_format(local, 'DATETIME_FORMAT')}, {zone_label(edition.tz, value)}"

    return {
        "name": submission.contributor.display_name,
        "edition_title": edition.title,
        "submitted_at": moment(submission.submitted_at),
        "closes_at": moment(call.closes_at),
        "resubmission": submission.submit_count > 1,
        "answers": [
            {"topic": topic.title, "text": answers[topic.pk]}
            for topic in topics
            if answers.get(topic.pk)
        ],
        "attachments": [a.label for a in submission.attachments.all()],
        "quote_consent": str(submission.get_quote_consent_display()),
        "showcase_consent": submission.showcase_consent,
        "url": reverse("declarations:submit_year", args=[edition.year]),
    }
