"""Certificates of attendance: who may have one, what it states, how it looks.

A person attended when they were checked in at the door (in person) or marked as
having joined (online): ``Registration.objects.attended()``. The PDF is in the
holder's language (their profile's, else the one they used when it was issued), with
their name as they wrote it, the edition, its days, place and hosts, the organisers'
wording, signatories and logos for that edition (``CertificateDesign``), a unique
number, and a QR code with the short address of its public verification page.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gmc import pdf
from gmc.languages import offered
from gmc.links import absolute_url
from gmc.lists import join_list
from gmc.models import User
from registration.models import Registration

from . import kinds, services
from .models import CertificateDesign, Document

KIND = "certificate"


def design_of(edition_id: int) -> CertificateDesign | None:
    """The organisers' design of the edition's certificates, or None."""
    return (
        CertificateDesign.objects.filter(edition_id=edition_id)
        .prefetch_related("signatories", "logos")
        .first()
    )


def facts(document: Document) -> kinds.Facts:
    registration = document.registration
    attendee = registration.attendee
    edition = document.edition
    language = offered(attendee.language) or document.language or "en"
    design = design_of(edition.pk)
    with pdf.rendering_language(language):
        hosts = join_list(organisation.name for organisation in edition.hosts.all())
        place = ", ".join(part for part in (edition.venue, edition.city) if part)
        data = {
            "title": edition.title,
            "theme": edition.theme,
            "year": edition.year,
            "dates": pdf.format_date_range(edition.start_date, edition.end_date),
            "place": place,
            "hosts": hosts,
            "online": registration.attendance == Registration.Attendance.ONLINE,
            "issued": formats.date_format(
                document.issued_at.astimezone(edition.tz).date(), "DATE_FORMAT"
            ),
            "number": document.number,
            "verify_url": absolute_url(document.get_verification_url()),
            "wording": design.wording if design else "",
            "signatories": [
                {
                    "name": signatory.name,
                    "title": signatory.title,
                    "signature": signatory.signature.name if signatory.signature else "",
                }
                for signatory in (design.signatories.all() if design else [])
            ],
            "logos": [
                {"file": logo.image.name, "alt": logo.description}
                for logo in (design.logos.all() if design else [])
            ],
        }
    return kinds.Facts(stated_name=attendee.display_name, language=language, data=data)


def render(document: Document, facts: kinds.Facts) -> bytes:
    data = facts.data
    with pdf.rendering_language(facts.language):
        doc = pdf.Document(
            title=_("Certificate of attendance"),
            language=facts.language,
            author=data["hosts"],
            orientation="landscape",
            margin=18,
        )
        doc.add_page()
        design = design_of(document.edition_id)
        _logos(doc, design)
        doc.move_to(48)
        doc.paragraph(_("Certificate of attendance"), size=28, bold=True, align="center")
        doc.space(4)
        doc.paragraph(_("This is to certify that"), size=13, align="center")
        doc.paragraph(facts.stated_name, size=26, bold=True, align="center", space_after=4)
        if data["online"]:
            sentence = _("took part online in the %(title)s, held on %(dates)s.")
        else:
            sentence = _("attended the %(title)s, held in %(place)s on %(dates)s.")
        if not data["place"]:
            sentence = _("attended the %(title)s, held on %(dates)s.")
        doc.paragraph(sentence % data, size=13, align="center")
        if data["theme"]:
            doc.paragraph(
                _("Theme: %(theme)s") % {"theme": data["theme"]}, size=12, align="center"
            )
        if data["hosts"]:
            doc.paragraph(_("Hosted by %(hosts)s.") % data, size=12, align="center")
        if data["wording"]:
            doc.space(2)
            doc.paragraph(data["wording"], size=12, align="center")
        _signatories(doc, design)
        _verification(doc, data)
        return doc.output()


def _logos(doc: pdf.Document, design) -> None:
    if design is None:
        return
    logos = list(design.logos.all())
    height, gap = 20, 10
    x = doc.margin
    for logo in logos[:4]:
        doc.image(logo.image, x=doc.mirror_x(x, 40), y=14, h=height, alt_text=logo.description)
        x += 40 + gap


def _signatories(doc: pdf.Document, design) -> None:
    """Up to three signatures side by side above the foot of the page, in reading order
    (from the right in Arabic)."""
    signatories = list(design.signatories.all())[:3] if design else []
    if not signatories:
        return
    width, gap = 70, 15
    total = len(signatories) * width + (len(signatories) - 1) * gap
    first = (doc.width - total) / 2
    top = doc.height - 80
    for index, signatory in enumerate(signatories):
        start = first + index * (width + gap)  # from the start edge
        x = doc.mirror_x(start, width)  # from the left, for drawings
        if signatory.signature:
            doc.image(signatory.signature, x=x + 20, y=top, h=14, alt_text=signatory.name)
        doc.pdf.set_draw_color(90, 90, 90)
        doc.pdf.set_line_width(0.3)
        doc.pdf.line(x, top + 15.5, x + width, top + 15.5)
        doc.move_to(top + 17)
        doc.paragraph(signatory.name, size=11, bold=True, align="center", x=start,
                      width=width, space_after=0)  # fmt: skip
        if signatory.title:
            doc.paragraph(signatory.title, size=9, align="center", x=start, width=width,
                          space_after=0)  # fmt: skip


def _verification(doc: pdf.Document, data: dict) -> None:
    size = 24
    y = doc.height - 18 - size
    qr_x = doc.mirror_x(doc.margin, size)
    doc.qr_code(data["verify_url"], x=qr_x, y=y, size=size)
    text_x = doc.margin + size + 5
    doc.move_to(y + 2)
    lines = [
        _("Certificate number: %(number)s") % data,
        _("Issued on %(issued)s") % data,
        _("Check this certificate at:"),
        data["verify_url"],  # a line of its own: it reads left to right in every language
    ]
    for line in lines:
        doc.paragraph(line, size=9, x=text_x, width=150, space_after=0.5)


CERTIFICATE = kinds.register(
    kinds.DocumentKind(
        key=KIND,
        slug="certificate",
        prefix="C",
        label=gettext_lazy("Certificate of attendance"),
        facts=facts,
        render=render,
        email_kind="documents.certificate_ready",
    )
)


# --- issuing ------------------------------------------------------------------------------


NOT_ATTENDED = gettext_lazy("Only people who attended can have a certificate of attendance.")


def issue_certificates(registration_ids: list[int], *, by: User | None) -> list[Document]:
    """Issue a certificate to each of these registrations that attended and has none;
    the others are left out. Each is issued in its own transaction (a number per
    person, the PDF made by a worker after it commits). Safe to repeat."""
    attended = set(
        Registration.objects.filter(pk__in=registration_ids)
        .attended()
        .values_list("pk", flat=True)
    )
    issued = []
    for registration_id in registration_ids:
        if registration_id not in attended:
            continue
        with transaction.atomic():
            issued.append(services.issue_document(KIND, registration_id, by=by))
    return issued


def issue_certificate(registration_id: int, *, by: User | None) -> Document:
    """One person's certificate; refused (``DocumentError``) if they did not attend."""
    if not Registration.objects.filter(pk=registration_id).attended().exists():
        raise services.DocumentError(str(NOT_ATTENDED))
    return services.issue_document(KIND, registration_id, by=by)


def sample_pdf(registration: Registration) -> bytes:
    """The PDF this registration's certificate would be, without issuing it (no number
    taken, nothing stored): the organisers' preview before a bulk issue."""
    document = Document(
        kind=KIND,
        registration=registration,
        edition=registration.edition,
        number=services.format_number(CERTIFICATE, registration.edition.year, 0),
        language=translation.get_language() or "en",
    )
    document.issued_at = timezone.now()
    return render(document, facts(document))
