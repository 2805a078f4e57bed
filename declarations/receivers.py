"""Declaration input in a person's data export and account deletion."""

from registration.accounts.signals import account_deleting, collect_account_data

from . import services
from .models import Submission


def export_declaration_input(sender, user, **kwargs) -> dict:
    submissions = (
        Submission.objects.filter(contributor=user)
        .select_related("call__edition")
        .prefetch_related("answers__topic", "attachments")
        .order_by("pk")
    )
    return {
        "declaration_input": [
            {
                "edition": submission.call.edition.year,
                "status": submission.status,
                "quote_consent": submission.quote_consent,
                "showcase_consent": submission.showcase_consent,
                "organisation": submission.organisation_name,
                "country": submission.country.code or "",
                "submitted_at": (
                    submission.submitted_at.isoformat() if submission.submitted_at else None
                ),
                "answers": [
                    {"topic": answer.topic.title, "text": answer.text}
                    for answer in submission.answers.all()
                ],
                "attachments": [
                    {"name": attachment.original_name, "link": attachment.link}
                    for attachment in submission.attachments.all()
                ],
            }
            for submission in submissions
        ]
    }


def forget_declaration_input(sender, user, **kwargs) -> None:
    services.forget_contributor(user.pk)


def connect() -> None:
    collect_account_data.connect(export_declaration_input, dispatch_uid="declarations.export")
    account_deleting.connect(forget_declaration_input, dispatch_uid="declarations.forget")
