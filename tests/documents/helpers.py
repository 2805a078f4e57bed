import datetime
import io
import re
import unicodedata

from django.utils import timezone
from pypdf import PdfReader

from documents import certificates, services
from documents.models import Document
from gmc.models import Organisation
from tests.factories import EditionFactory, UserFactory
from tests.registration.factories import RegistrationFactory


def pdf_text(data: bytes) -> str:
    """The text of a PDF as compared in tests: white space squeezed, and without the
    control codes pypdf prints for glyphs that stand for no text (see test_pdf)."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = "".join(c for c in text if unicodedata.category(c) != "Cc" or c in "\n\t ")
    return re.sub(r"\s+", " ", text).strip()


def ended_edition(**fields):
    """An edition that took place (2-4 December 2025, Mexico City), with hosts."""
    defaults = {
        "year": 2025,
        "title": "Global MOOC and Online Education Conference 2025",
        "start_date": datetime.date(2025, 12, 2),
        "end_date": datetime.date(2025, 12, 4),
        "time_zone": "America/Mexico_City",
        "city": "Mexico City",
        "venue": "UNAM",
    }
    edition = EditionFactory(**{**defaults, **fields})
    edition.hosts.add(
        Organisation.objects.get_or_create(name="Tsinghua University", slug="tsinghua")[0],
        Organisation.objects.get_or_create(name="UNAM", slug="unam")[0],
    )
    return edition


def attended(edition=None, **person):
    """A registration checked in at the door."""
    return RegistrationFactory(
        edition=edition or ended_edition(),
        attendee=UserFactory(**person),
        checked_in_at=timezone.now(),
    )


def issued_and_made(registration, by=None) -> Document:
    """A certificate issued and its PDF made, as the worker makes it."""
    document = certificates.issue_certificate(registration.pk, by=by)
    services.generate_document(document.pk)
    document.refresh_from_db()
    return document
