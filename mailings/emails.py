"""The email of organisers' messages: its kind, variables and sample data, and the
context it is sent with (``broadcast_context``, called by ``mailings.services``). The
reminders declare theirs beside the code that sends them (``mailings.reminders``)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from gmc import email_kinds
from gmc.models import User

from .models import Broadcast, EmailCategory

BROADCAST = email_kinds.EmailKind(
    "messages.broadcast",
    _("Message from the organisers (layout around the message)"),
    {
        "name": _("The person's name"),
        "edition_title": _("The edition's title"),
        "subject": _("The message's subject"),
        "body": _("The message's text"),
        "contact_email": _("The secretariat's address"),
        "is_test": _("Whether this is an organiser's test copy (true or false)"),
        "greeting": _("Whether the message starts with “Dear {name},” (true or false)"),
    },
    {
        "name": "Amina Otieno",
        "edition_title": "Global MOOC and Online Education Conference 2026",
        "is_test": False,
        "greeting": True,
        "subject": "Programme update",
        "body": "The opening ceremony starts half an hour later.\n\nSee you there.",
        "contact_email": "secretariat@example.org",
    },
    EmailCategory.ANNOUNCEMENTS,
)

email_kinds.register(BROADCAST)


def broadcast_context(broadcast: Broadcast, person: User, *, test: bool = False) -> dict:
    """The message as ``person`` receives it; ``test`` marks the author's test copy."""
    with translation.override(person.language or settings.LANGUAGE_CODE):
        # The edition's title in the person's language, else in English.
        edition_title = broadcast.edition.title
    return {
        "name": person.display_name,
        # The templates open with "Dear {{ name }}," unless the author said otherwise;
        # rows queued before this option existed lack the key and keep the greeting.
        "greeting": broadcast.greeting,
        "edition_title": edition_title,
        "subject": broadcast.subject,
        "body": broadcast.body,
        "contact_email": broadcast.edition.contact_email,
        "is_test": test,
    }
