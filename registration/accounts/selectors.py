"""Reads of a person's own account: everything the portal holds about them."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone

from agenda.models import Feedback, Speaker
from gmc import audit
from gmc.models import OutboxMessage, User
from registration.models import Registration
from registration.selectors import my_registrations

from .signals import collect_account_data


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def registration_history(user: User) -> list[dict[str, Any]]:
    """What organisers did to the person's registrations, from the audit log, oldest
    first: when, what, the changed fields and the note (such as the reason for
    confirming out of turn). Who did it is "organiser": the export holds the person's
    data, not the organisers' (it names none of them elsewhere either)."""
    years = dict(Registration.objects.filter(attendee=user).values_list("pk", "edition__year"))
    entries = audit.entries_about(Registration, years).order_by("created_at", "pk")
    return [
        {
            "edition_year": years.get(int(entry.object_id)),
            "when": _iso(entry.created_at),
            "action": entry.action,
            "what": audit.action_label(entry.action),
            "by": "organiser" if entry.actor_name else "system",
            "changes": entry.changes,
            "note": entry.note,
        }
        for entry in entries
    ]


def account_data(user: User) -> dict[str, Any]:
    """A JSON-ready dict of the person's account, profile, email addresses,
    registrations (with answers to the organisers' questions) and the history of what
    organisers changed in them, their feedback on sessions, the emails the portal sent
    them, and what other apps add through ``collect_account_data``. Only rows that
    belong to ``user`` are read."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "is_active": user.is_active,
        },
        "profile": {
            "given_name": user.given_name,
            "family_name": user.family_name,
            "badge_name": user.badge_name,
            "full_name": user.full_name,
            "job_title": user.job_title,
            "organisation_name": user.organisation_name,
            "known_organisation": user.organisation.name if user.organisation_id else None,
            "organisation_type": user.organisation_type,
            "country": str(user.country or ""),
            "language": user.language,
            "time_zone": user.time_zone,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "registrations": [
            {
                "edition": registration.edition.title,
                "edition_year": registration.edition.year,
                "attendance": registration.attendance,
                "status": registration.status,
                "interpretation_language": registration.interpretation_language,
                "accessibility_needs": registration.accessibility_needs,
                "dietary_needs": registration.dietary_needs,
                "role": registration.role,
                "consent_at": _iso(registration.consent_at),
                "ticket_code": registration.ticket_code,
                "created_at": _iso(registration.created_at),
                "waitlisted_at": _iso(registration.waitlisted_at),
                "confirmed_at": _iso(registration.confirmed_at),
                "cancelled_at": _iso(registration.cancelled_at),
                "checked_in_at": _iso(registration.checked_in_at),
                "answers": [
                    {"question": answer.question.label, "answer": answer.display_value}
                    for answer in registration.answers.all()
                ],
            }
            for registration in my_registrations(user).prefetch_related(
                "answers__question__choices"
            )
        ],
        "registration_history": registration_history(user),
        # The programme's speakers the organisers linked to this account (their badges
        # say so); what the programme shows of them is public.
        "speaker_of_the_programme": list(
            Speaker.objects.filter(account=user).order_by("pk").values_list("name", flat=True)
        ),
        "session_feedback": [
            {
                "session": feedback.session.display_title,
                "edition_year": feedback.session.edition.year,
                "rating": feedback.rating,
                "comment": feedback.comment,
                "given_at": _iso(feedback.created_at),
                "changed_at": _iso(feedback.updated_at),
            }
            for feedback in Feedback.objects.filter(author=user)
            .select_related("session__edition")
            .order_by("created_at", "pk")
        ],
        "emails_sent": [
            {
                "kind": message.kind,
                "to": message.to_email,
                "subject": message.subject,
                "status": message.status,
                "created_at": _iso(message.created_at),
                "sent_at": _iso(message.sent_at),
            }
            for message in OutboxMessage.objects.filter(recipient=user).order_by("created_at")
        ],
    }
    for _receiver, sections in collect_account_data.send(sender=User, user=user):
        if sections:
            data.update(sections)
    return data
