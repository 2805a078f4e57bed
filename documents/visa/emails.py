"""The emails about visa letter requests: "your letter is ready" (sent by the documents
pipeline once the letter's PDF is made, with its context, ``documents.emails``) and
"your request is declined" (sent by ``services.decline_request``). Neither carries a
passport detail: their context is stored in the outbox in clear."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gmc import email_kinds

from .. import emails as document_emails
from .letter import READY_EMAIL
from .services import DECLINED_EMAIL

READY = email_kinds.EmailKind(
    READY_EMAIL,
    _("Visa invitation letter ready"),
    document_emails.VARIABLES,
    {
        **document_emails.SAMPLE,
        "document": "Letter of invitation for a visa",
        "number": "GMC-2026-V-00003",
        "download_url": "https://gmc.example.org/register/me/2026/visa-letter.pdf",
    },
)
DECLINED = email_kinds.EmailKind(
    DECLINED_EMAIL,
    _("Visa invitation letter request declined"),
    {
        "name": _("The person's name"),
        "edition_title": _("The edition's title"),
        "edition_year": _("The edition's year"),
        "note": _("The organisers' note: why the request is declined"),
        "request_url": _("Link to the person's request, to correct it and ask again"),
        "contact_email": _("The secretariat's address"),
    },
    {
        "name": "Amina Otieno",
        "edition_title": "Global MOOC and Online Education Conference 2026",
        "edition_year": 2026,
        "note": "The passport number does not match the copy you sent us.",
        "request_url": "https://gmc.example.org/register/me/2026/visa-letter/",
        "contact_email": "secretariat@example.org",
    },
)
email_kinds.register(READY, DECLINED)
