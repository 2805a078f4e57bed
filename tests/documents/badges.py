"""Reading badge PDFs back in tests: text in order, lines drawn, QR codes decoded."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

import zxingcpp
from django.contrib.auth.models import Permission
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import ContentStream

from agenda.models import SessionSpeaker
from registration.accounts import services as account_services
from tests.agenda.factories import SessionFactory, SpeakerFactory
from tests.factories import UserFactory
from tests.registration.factories import RegistrationFactory

MM = 72 / 25.4  # points in a millimetre


def person(edition, given: str, family: str, badge: str = "", **fields):
    """A confirmed in-person registration of someone named in parts, as the
    registration form writes names."""
    user = UserFactory(full_name="", **fields)
    account_services.update_person(
        user.pk,
        given_name=given,
        family_name=family,
        badge_name=badge,
        organisation_name=fields.get("organisation_name", ""),
        country=str(fields.get("country", "")),
    )
    user.refresh_from_db()
    return RegistrationFactory(edition=edition, attendee=user)


def make_speaker(registration, *, edition=None):
    """Link the registration's person to a speaker of a published session of
    ``edition`` (the registration's own by default)."""
    speaker = SpeakerFactory(account=registration.attendee)
    SessionSpeaker.objects.create(
        session=SessionFactory(edition=edition or registration.edition), speaker=speaker
    )
    return speaker


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_text(page) -> str:
    """A page's text with no white space at all: extractors cut shaped runs (an Arabic
    word, a Vietnamese stacked mark) where the drawing moves, so names are compared
    without spaces. Control characters (shaping's marks that stand for no text) go."""
    text = page.extract_text()
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cc")


def text_of(data: bytes) -> str:
    return "".join(page_text(page) for page in reader(data).pages)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def order_in(text: str, names: list[str]) -> list[str]:
    """``names`` in the order they first appear in ``text`` (each must appear)."""
    positions = {}
    for name in names:
        at = text.find(squeezed(name))
        assert at >= 0, f"{name!r} is not in the PDF"
        positions[name] = at
    return sorted(names, key=positions.__getitem__)


@dataclass(frozen=True)
class Segment:
    """A straight line drawn on a page, in millimetres from the page's top left."""

    x1: float
    y1: float
    x2: float
    y2: float

    def near(self, x1: float, y1: float, x2: float, y2: float) -> bool:
        """Whether it runs from (x1, y1) to (x2, y2), give or take the 0.01 pt to which
        the file rounds."""
        return all(
            abs(a - b) < 0.01
            for a, b in zip((self.x1, self.y1, self.x2, self.y2), (x1, y1, x2, y2), strict=True)
        )


def _operations(data: bytes, page_number: int = 0):
    pdf = reader(data)
    page = pdf.pages[page_number]
    height = float(page.mediabox.height)
    return ContentStream(page.get_contents(), pdf).operations, height


def lines_on(data: bytes, page_number: int = 0) -> list[Segment]:
    """Every ``m``/``l`` pair the page strokes (fpdf2 draws a line as "x y m x y l S")."""
    operations, height = _operations(data, page_number)
    segments, start = [], None
    for operands, operator in operations:
        if operator == b"m":
            start = [float(value) for value in operands]
        elif operator == b"l" and start is not None:
            end = [float(value) for value in operands]
            segments.append(
                Segment(
                    start[0] / MM, (height - start[1]) / MM, end[0] / MM, (height - end[1]) / MM
                )
            )
            start = None
    return segments


def qr_codes_on(data: bytes, page_number: int = 0) -> list[str]:
    """What the QR codes drawn on a page say, decoded by zxing-cpp from the page's filled
    rectangles (the pipeline draws each run of dark modules as one), redrawn as an
    image at 8 pixels a point: what a phone's camera would read off the paper."""
    operations, height = _operations(data, page_number)
    rectangles = []
    for operands, operator in operations:
        if operator == b"re":
            x, y, w, h = (float(value) for value in operands)
            rectangles.append((x, min(y, y + h), x + w, max(y, y + h)))
    if not rectangles:
        return []
    scale, margin = 8, 40
    width = int(max(r[2] for r in rectangles) * scale) + margin
    image = Image.new("L", (width, int(height * scale) + margin), 255)
    draw = ImageDraw.Draw(image)
    for x1, y1, x2, y2 in rectangles:
        top, bottom = (height - y2) * scale, (height - y1) * scale
        draw.rectangle([x1 * scale, top, x2 * scale - 1, bottom - 1], fill=0)
    return sorted(result.text for result in zxingcpp.read_barcodes(image))


def staff_with(*permissions: str, **fields):
    """A staff member (unless ``is_staff=False``) holding ``permissions``
    ("app.codename"), not a superuser."""
    user = UserFactory(**{"is_staff": True, **fields})
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user
