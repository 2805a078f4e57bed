"""The emails about documents: "your document is ready", one kind per kind of document
that tells its holder (declared beside the kind), all with the context built here."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from gmc import email_kinds, outbox
from gmc.links import absolute_url

from .models import Document

VARIABLES = {
    "name": _("The person's name"),
    "document": _("What the document is, e.g. “Certificate of attendance”"),
    "number": _("The document's number"),
    "edition_title": _("The edition's title"),
    "edition_year": _("The edition's year"),
    "download_url": _("Link to download the document (after signing in)"),
    "my_url": _("Link to the person's registration"),
    "verify_url": _("The document's public verification address"),
}
SAMPLE = {
    "name": "Amina Otieno",
    "document": "Certificate of attendance",
    "number": "GMC-2025-C-00017",
    "edition_title": "Global MOOC and Online Education Conference 2025",
    "edition_year": 2025,
    "download_url": "https://gmc.example.org/register/me/2025/certificate.pdf",
    "my_url": "https://gmc.example.org/register/me/",
    "verify_url": "https://gmc.example.org/verify/7KQ2M9XW4HCT1BRN/",
}


def ready_context(document: Document) -> dict:
    """The context of a "ready" email, as JSON, in the holder's language (the edition's
    title is the organisers' text in that language)."""
    from .kinds import kind

    registration = document.registration
    with translation.override(outbox.message_language(registration.attendee)):
        label = str(kind(document.kind).label)
        edition_title = document.edition.title
    return {
        "name": registration.attendee.display_name,
        "document": label,
        "number": document.number,
        "edition_title": edition_title,
        "edition_year": document.edition.year,
        "download_url": absolute_url(document.get_download_url()),
        "my_url": absolute_url(reverse("registration:mine")),
        "verify_url": absolute_url(document.get_verification_url()),
    }


CERTIFICATE_READY = email_kinds.EmailKind(
    "documents.certificate_ready",
    _("Certificate of attendance ready"),
    VARIABLES,
    {**SAMPLE},
)
email_kinds.register(CERTIFICATE_READY)
