"""Demo documents. Certificates: the 2025 edition's design (wording in every language, its two
signatories, a sample logo) and a certificate for everyone checked in there, each in
the language of its holder's country, made in this process (no worker needed).

Loading twice changes nothing: the design rows are updated in place, the images drawn
once, and issuing returns the certificates already issued (their numbers kept).

Visa letters: a request waiting in the organisers' queue for the current edition
(documents/visa/demo.py).
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.utils import translation
from PIL import Image, ImageDraw

from gmc.demo_loading import demo_loader, prose, read_demo_data, translated_texts
from gmc.models import Edition
from registration.models import Registration

from . import certificates, services
from .models import CertificateDesign, Logo, Signatory
from .visa import demo as visa_demo


def _png(size: tuple[int, int], draw) -> ContentFile:
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw(ImageDraw.Draw(image), size)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue())


def _signature(pen: int):
    """A sample signature: a loop and a flourish, different for each signatory."""

    def draw(canvas: ImageDraw.ImageDraw, size: tuple[int, int]) -> None:
        width, height = size
        points = [
            (20 + i * 12, height // 2 + ((-1) ** i) * (18 + (i * pen) % 22)) for i in range(16)
        ]
        canvas.line(points, fill=(20, 40, 90, 255), width=4, joint="curve")
        canvas.line(
            [(30, height - 20), (width - 30, height - 28)], fill=(20, 40, 90, 255), width=3
        )

    return draw


def _logo(canvas: ImageDraw.ImageDraw, size: tuple[int, int]) -> None:
    """A sample mark (no institution's real logo): three rings."""
    width, height = size
    for i, colour in enumerate([(11, 79, 138, 255), (0, 128, 96, 255), (200, 120, 0, 255)]):
        left = 10 + i * (width - 20 - height + 20) // 2
        canvas.ellipse([left, 10, left + height - 20, height - 10], outline=colour, width=10)


def load_design(edition: Edition) -> CertificateDesign:
    data = read_demo_data("documents", "certificates")
    row = data["design"]
    design, _created = CertificateDesign.objects.update_or_create(
        edition=edition,
        defaults={"wording": prose(row["wording"]), **translated_texts(row, ["wording"])},
    )
    for order, person in enumerate(data["signatory"], 1):
        signatory, _created = Signatory.objects.update_or_create(
            design=design,
            name=person["name"],
            defaults={"title": person["title"], "order": order, **translated_texts(person)},
        )
        if not signatory.signature:
            signatory.signature.save("signature.png", _png((320, 110), _signature(order * 7)))
    logo_row = data["logo"]
    logo = Logo.objects.filter(design=design).order_by("pk").first() or Logo(design=design)
    logo.description = logo_row["description"]
    for name, value in translated_texts(logo_row).items():
        setattr(logo, name, value)
    logo.order = 1
    if not logo.image:
        logo.image.save("logo.png", _png((360, 120), _logo), save=False)
    logo.save()
    return design


@demo_loader("documents", after=["registration"])
def load(stdout) -> None:
    load_certificates(stdout)
    visa_demo.load(stdout)


def load_certificates(stdout) -> None:
    edition = Edition.objects.filter(year=2025).first()
    if edition is None:
        stdout.write("Documents: no 2025 edition, no demo certificates.")
        return
    load_design(edition)
    languages = read_demo_data("documents", "certificates")["languages"]
    came = list(
        Registration.objects.for_edition(edition)
        .attended()
        .select_related("attendee")
        .order_by("checked_in_at", "pk")
    )
    made = 0
    for registration in came:
        # The holder's language when it is issued: their profile's, else their country's.
        language = registration.attendee.language or languages.get(
            registration.attendee.country.code, "en"
        )
        with translation.override(language):
            document = certificates.issue_certificate(registration.pk, by=None)
        # Made here, as the worker would; nobody is emailed (the demo sends no email).
        result = services.generate_document(document.pk, notify=False)
        made += bool(result and result.rendered)
    stdout.write(
        f"Documents: the {edition.year} certificate design and {len(came)} certificates of "
        f"attendance ({made} made now)."
    )
