"""The visa invitation letter: a document kind (``documents.kinds``) rendered with the
shared PDF pipeline (``gmc.pdf``).

The letter states the person's passport details, so nothing of it is kept in clear:
its PDF is stored encrypted with ``VISA_DATA_KEYS`` (``seal``/``unseal``), the
document's ``stated_name`` column stays empty (the verification page reads the name
from the encrypted request, ``verified_name``) and the fingerprint that decides when
to render again is keyed (an HMAC), so it cannot be used to guess the details.

It is written in the person's language (their profile's, else the edition's working
language), as their certificate is: they read it first and hand it in; what the
consulate checks (the passport details, the number and the verification address) reads
the same in every language.
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from PIL import Image

from gmc import pdf
from gmc.downloads import sealed_file_response
from gmc.languages import offered
from gmc.links import absolute_url
from gmc.lists import join_list

from .. import kinds
from ..models import Document
from . import encryption

KIND = "visa_letter"
READY_EMAIL = "documents.visa_letter_ready"

# The conference's colours on paper: the portal's primary blue, and a grey for small print.
BLUE = (11, 79, 138)
GREY = (90, 90, 90)


def _request(document: Document):
    from .models import VisaRequest

    return VisaRequest.objects.filter(letter=document).first()


def facts(document: Document) -> kinds.Facts | None:
    """What the letter states, or None when its details are erased (nothing to render:
    the PDF went with them)."""
    request = _request(document)
    if request is None or request.is_erased:
        return None
    edition = document.edition
    language = offered(document.registration.attendee.language) or edition.working_language or "en"
    signatory = _signatory(edition)
    with pdf.rendering_language(language):
        hosts = [organisation.name for organisation in edition.hosts.all()]
        data = {
            "passport_name": request.passport_name,
            "nationality": str(countries.name(request.nationality)),
            "passport_number": request.passport_number,
            "date_of_birth": pdf.format_date(request.date_of_birth),
            "purpose": request.purpose,
            "edition_title": edition.title,
            "theme": edition.theme,
            "dates": pdf.format_date_range(edition.start_date, edition.end_date),
            "venue": edition.venue,
            "city": edition.city,
            "hosts": join_list(hosts) if hosts else "",
            "contact_email": edition.contact_email,
            "issued_on": pdf.format_date(timezone.localdate(document.issued_at, edition.tz)),
            "number": document.number,
            "verify_url": absolute_url(document.get_verification_url()),
            # The design's logos, by file: a new image makes the letter again.
            "logos": [logo.image.name for logo in _design_logos(edition)],
            # Signed by the first signatory of the edition's certificates, when there is
            # one (the file's name: a new signature image makes the letter again).
            "signatory": {
                "name": signatory.name,
                "title": signatory.title,
                "signature": signatory.signature.name if signatory.signature else "",
            }
            if signatory is not None
            else None,
        }
    return kinds.Facts(stated_name="", language=language, data=data)


def _signatory(edition):
    from ..models import Signatory

    return Signatory.objects.filter(design__edition=edition).order_by("order", "pk").first()


def _design_logos(edition) -> list:
    from ..models import Logo

    return list(Logo.objects.filter(design__edition=edition).order_by("order", "pk")[:2])


LOGO_HEIGHT = 16


def _logos(doc: pdf.Document, edition) -> float:
    """The design's logos at the end side of the letterhead, 16 mm high; the width they
    take (with the gap before them)."""
    x_end = doc.width - doc.margin
    used = 0.0
    for logo in _design_logos(edition):
        with logo.image.open("rb") as handle:
            content = handle.read()
        with Image.open(io.BytesIO(content)) as probe:
            ratio = probe.width / probe.height if probe.height else 1
        width = min(LOGO_HEIGHT * ratio, 45)
        x_end -= width
        doc.image(
            content,
            x=doc.mirror_x(x_end, width),
            y=doc.margin + 2,
            w=width,
            h=LOGO_HEIGHT,
            alt_text=logo.description,
        )
        used += width + 4
        x_end -= 4
    return used


def render(document: Document, facts: kinds.Facts) -> bytes:
    d = facts.data
    with pdf.rendering_language(facts.language):
        title = _("Letter of invitation")
        doc = pdf.Document(
            title=title,
            language=facts.language,
            author=_("Global MOOC and Online Education Conference"),
        )
        doc.add_page()
        # Letterhead: the conference's mark and name, the alliance that holds it, and the
        # logos of the edition's certificate design (its hosts') at the other end.
        logos_width = _logos(doc, document.edition) if d["logos"] else 0
        title_width = doc.width - 2 * doc.margin - 27 - logos_width
        doc.pdf.set_fill_color(*BLUE)
        doc.pdf.rect(doc.mirror_x(doc.margin, 22), doc.margin, 22, 22, style="F")
        doc.move_to(doc.margin + 6.5)
        doc.paragraph(
            "GMC",
            size=14,
            bold=True,
            color=(255, 255, 255),
            align="center",
            x=doc.margin,
            width=22,
            space_after=0,
        )
        doc.move_to(doc.margin + 2)
        doc.paragraph(
            _("Global MOOC and Online Education Conference"),
            size=15,
            bold=True,
            color=BLUE,
            x=doc.margin + 27,
            width=title_width,
            space_after=0,
        )
        doc.paragraph(
            _("Global MOOC and Online Education Alliance"),
            size=10,
            color=GREY,
            x=doc.margin + 27,
            width=title_width,
        )
        doc.move_to(doc.margin + 27)
        doc.rule(color=BLUE)
        doc.space(4)
        doc.paragraph(
            _("No. %(number)s") % {"number": d["number"]}, size=10, align="end", space_after=0
        )
        doc.paragraph(d["issued_on"], size=10, align="end", space_after=6)
        doc.paragraph(title, size=16, bold=True, space_after=4)
        doc.paragraph(_("To the consular officer concerned,"), space_after=3)
        where = ", ".join(part for part in (d["venue"], d["city"]) if part)
        doc.paragraph(
            _(
                "We are pleased to invite the person named below to take part in "
                "%(title)s, held on %(dates)s at %(where)s."
            )
            % {"title": d["edition_title"], "dates": d["dates"], "where": where}
            + (
                " " + _("The conference is hosted by %(hosts)s.") % {"hosts": d["hosts"]}
                if d["hosts"]
                else ""
            ),
            align="justify",
        )
        if d["theme"]:
            doc.paragraph(_("Theme: %(theme)s") % {"theme": d["theme"]}, align="justify")
        doc.space(2)
        for label, value in (
            (_("Full name as in the passport"), d["passport_name"]),
            (_("Nationality"), d["nationality"]),
            (_("Passport number"), d["passport_number"]),
            (_("Date of birth"), d["date_of_birth"]),
            (_("Purpose of travel"), d["purpose"]),
        ):
            top = doc.y
            doc.paragraph(label, size=10, bold=True, x=doc.margin, width=55, space_after=0)
            after_label = doc.y
            doc.move_to(top)
            doc.paragraph(
                value,
                size=11,
                x=doc.margin + 58,
                width=doc.width - 2 * doc.margin - 58,
                space_after=0,
            )
            doc.move_to(max(after_label, doc.y) + 1.5)
        doc.space(3)
        doc.paragraph(
            _(
                "The person is registered to attend the conference in person. Travel, "
                "accommodation and living expenses are the participant's own unless agreed "
                "otherwise in writing. This letter does not commit the organisers to any "
                "financial obligation and is valid only for the purpose stated above."
            ),
            align="justify",
        )
        doc.space(4)
        doc.paragraph(_("Yours faithfully,"), space_after=2)
        signer = d["signatory"]
        signatory = _signatory(document.edition) if signer else None
        if signatory is not None and signatory.signature:
            top = doc.y
            doc.image(
                signatory.signature,
                x=doc.mirror_x(doc.margin, 40),
                y=top,
                h=14,
                alt_text=signatory.name,
            )
            doc.move_to(top + 15)
        else:
            doc.space(6)
        if signer:
            doc.paragraph(signer["name"], bold=True, space_after=0)
            if signer["title"]:
                doc.paragraph(signer["title"], space_after=0)
        else:
            doc.paragraph(_("The Secretariat"), bold=True, space_after=0)
        doc.paragraph(_("Global MOOC and Online Education Alliance"), space_after=0)
        if d["contact_email"]:
            doc.paragraph(d["contact_email"], size=10, color=GREY)
        # The check: a QR code of the public verification address, and the address.
        size = 28
        top = doc.height - doc.margin - size
        doc.qr_code(d["verify_url"], x=doc.mirror_x(doc.margin, size), y=top, size=size)
        doc.move_to(top)
        doc.paragraph(
            _(
                "This letter is issued electronically. Scan the code or open the address "
                "below to check that it was issued by the conference and is still valid; the "
                "page shows no passport details."
            ),
            size=8.5,
            color=GREY,
            x=doc.margin + size + 5,
            width=doc.width - 2 * doc.margin - size - 5,
            space_after=1,
        )
        doc.paragraph(
            d["verify_url"],
            size=8.5,
            x=doc.margin + size + 5,
            width=doc.width - 2 * doc.margin - size - 5,
        )
        return doc.output()


def seal(content: bytes) -> bytes:
    return encryption.box().encrypt(content)


def unseal(content: bytes) -> bytes:
    return encryption.box().decrypt(content)


def verified_name(document: Document) -> str:
    """The name the letter states, for the verification page; empty once erased."""
    request = _request(document)
    if request is None or request.is_erased:
        return ""
    return request.passport_name or ""


def letter_response(document: Document) -> HttpResponse:
    """The letter's PDF, decrypted, as a private download."""
    return sealed_file_response(
        document, unseal, filename=f"visa-letter-{document.edition.year}-{document.number}.pdf"
    )


def record_download(document: Document, user) -> None:
    """The holder downloaded their letter: logged with the request."""
    request = _request(document)
    if request is not None:
        from .services import Action, record_access

        with transaction.atomic():
            record_access(user, Action.LETTER_DOWNLOADED, [request])


def discard_file(document_id: int) -> None:
    """Delete the letter's PDF (it states erased details) once the transaction commits;
    the document, its number and its state remain. With its request erased, ``facts``
    is None and the letter is never rendered again."""
    document = Document.objects.select_for_update().get(pk=document_id)
    if not document.file:
        return
    storage, name = document.file.storage, document.file.name
    document.file = ""
    document.fingerprint = ""
    document.save(update_fields=["file", "fingerprint"])
    transaction.on_commit(lambda: storage.delete(name))


def reseal_file(document_id: int) -> bool:
    """Encrypt the letter's PDF again with the first key (``rotate_keys``), under a new
    name; the old file goes after the commit. Whether there was a file."""
    document = Document.objects.select_for_update().get(pk=document_id)
    if not document.file:
        return False
    storage, old_name = document.file.storage, document.file.name
    with document.file.open("rb") as handle:
        content = seal(unseal(handle.read()))
    document.file.save("document.pdf", ContentFile(content), save=False)
    document.save(update_fields=["file"])
    transaction.on_commit(lambda: storage.delete(old_name))
    return True


LETTER = kinds.DocumentKind(
    key=KIND,
    slug="visa-letter",
    prefix="V",
    label=gettext_lazy("Letter of invitation for a visa"),
    facts=facts,
    render=render,
    email_kind=READY_EMAIL,
    seal=seal,
    unseal=unseal,
    verified_name=verified_name,
    on_download=record_download,
)
