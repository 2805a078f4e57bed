"""Checking an uploaded attachment: its type from its content, its name, its size, and
for images a re-encoding that drops their metadata (EXIF, GPS position, comments).

The type is read from the content's signature with ``filetype`` (pure Python, so no
system library to install). Three families need a look inside the container, because
their signature only says "ZIP" or "OLE2":

- Office Open XML (docx, pptx, xlsx): a ZIP whose ``[Content_Types].xml`` names the main
  part (word, presentation or spreadsheet);
- OpenDocument (odt, odp): a ZIP whose first entry ``mimetype`` holds the media type;
- legacy Office (doc, ppt, xls): an OLE2 compound file whose streams are named
  ``WordDocument``, ``PowerPoint Document`` or ``Workbook``/``Book`` (read with olefile).
"""

from __future__ import annotations

import io
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

import filetype
import olefile
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile, File
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Accepted extensions and the media type each is served with.
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "mp4": "video/mp4",
    "webm": "video/webm",
}
ALIASES = {"jpeg": "jpg"}
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in [*CONTENT_TYPES, *ALIASES])
IMAGE_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}

OOXML_MAIN_PARTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
OLE_STREAMS = [("WordDocument", "doc"), ("PowerPoint Document", "ppt"), ("Workbook", "xls")]
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# Enough of the head for every signature filetype knows.
HEAD_BYTES = 8192
# [Content_Types].xml is a few kilobytes; a huge one is not an office document.
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_NAME_LENGTH = 150


class UploadRefused(Exception):
    """An upload that cannot be accepted; ``message`` is for the person who sent it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, ready to store."""

    name: str  # sanitised original name, with the canonical extension
    extension: str
    content_type: str
    content: File
    size: int


def megabytes(value: int) -> int:
    return value * 1024 * 1024


def max_file_bytes() -> int:
    return megabytes(settings.DECLARATION_MAX_FILE_MB)


def max_submission_bytes() -> int:
    return megabytes(settings.DECLARATION_MAX_SUBMISSION_MB)


def extension_of(name: str) -> str:
    suffix = PurePath(name).suffix.lower().lstrip(".")
    return ALIASES.get(suffix, suffix)


def sanitise_name(name: str, extension: str) -> str:
    """The last path part of ``name``, without control characters or anything a file
    system or a Content-Disposition header could misread, ending in ``.extension``."""
    # Browsers on Windows may send a whole path; both separators count.
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem = PurePath(base).stem if extension_of(base) == extension else base
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:
        stem = ""
    stem = stem.strip("._")[: MAX_NAME_LENGTH - len(extension) - 1] or "attachment"
    return f"{stem}.{extension}"


def _ooxml_or_odf(stream: IO[bytes]) -> str | None:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    with archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            with archive.open("mimetype") as entry:
                media_type = entry.read(200).decode("ascii", "replace").strip()
            return ODF_TYPES.get(media_type)
        if "[Content_Types].xml" in names:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_MANIFEST_BYTES:
                return None
            manifest = archive.read(info).decode("utf-8", "replace")
            for extension, part in OOXML_MAIN_PARTS.items():
                # Macro-enabled variants (docm, pptm, xlsm) name other main parts.
                if f'ContentType="{part}"' in manifest:
                    return extension
    return None


def _legacy_office(stream: IO[bytes]) -> str | None:
    try:
        with olefile.OleFileIO(stream) as ole:
            for stream_name, extension in OLE_STREAMS:
                if ole.exists(stream_name):
                    return extension
            if ole.exists("Book"):  # Excel 95 workbooks
                return "xls"
    except (OSError, ValueError, IndexError, EOFError):
        return None
    return None


def detect(stream: IO[bytes]) -> str | None:
    """The canonical extension of the content's type, or None when it is none of the
    accepted ones. Reads the stream and leaves it at the start."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    try:
        if head.startswith(ZIP_SIGNATURE):
            return _ooxml_or_odf(stream)
        if head.startswith(OLE_SIGNATURE):
            return _legacy_office(stream)
        kind = filetype.guess(head)
    finally:
        stream.seek(0)
    if kind is None:
        return None
    extension = ALIASES.get(kind.extension, kind.extension)
    if extension == "m4v":  # an MPEG-4 video with Apple's brand: still MP4
        extension = "mp4"
    return extension if extension in CONTENT_TYPES else None


def _reencode_image(stream: IO[bytes], extension: str) -> bytes:
    """The image drawn again into a new file: pixels only, turned upright, without EXIF,
    GPS, XMP or comments. Refuses what Pillow cannot read or what would explode in
    memory (a "decompression bomb")."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                if image.format != IMAGE_FORMATS[extension]:
                    raise UploadRefused(_("The image could not be read."))
                animated = getattr(image, "is_animated", False)
                icc_profile = image.info.get("icc_profile")
                upright = image if animated else ImageOps.exif_transpose(image)
                output = io.BytesIO()
                options: dict = {"format": IMAGE_FORMATS[extension]}
                if icc_profile:
                    options["icc_profile"] = icc_profile
                if animated:
                    options["save_all"] = True
                if extension == "jpg":
                    options["quality"] = 90
                    if upright.mode not in ("RGB", "L", "CMYK"):
                        upright = upright.convert("RGB")
                upright.save(output, **options)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise UploadRefused(_("The image could not be read.")) from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadRefused(_("The image is too large in pixels.")) from error
    return output.getvalue()


def check_upload(upload: File) -> CheckedFile:
    """Everything an upload must pass before it is stored. Raises ``UploadRefused`` with
    a message for the person; on success the content is the bytes to store (for images
    the re-encoded ones)."""
    name = upload.name or ""
    size = upload.size or 0
    if size > max_file_bytes():
        raise UploadRefused(
            _("The file is larger than %(limit)s MB, the limit for one file.")
            % {"limit": settings.DECLARATION_MAX_FILE_MB}
        )
    if size == 0:
        raise UploadRefused(_("The file is empty."))
    claimed = extension_of(name)
    if claimed not in CONTENT_TYPES:
        raise UploadRefused(
            _(
                "Files ending in “.%(extension)s” are not accepted. Accepted: PDF, Word, "
                "PowerPoint, Excel, OpenDocument text and presentations, JPEG, PNG, WebP, "
                "MP4 and WebM."
            )
            % {"extension": claimed or "?"}
        )
    detected = detect(upload)
    if detected is None:
        raise UploadRefused(
            _(
                "The content of this file is not one of the accepted types, whatever its "
                "name says. Please send a PDF, an office document, an image or a video."
            )
        )
    if detected != claimed:
        raise UploadRefused(
            _(
                "The file's name ends in “.%(claimed)s” but its content is a "
                "“.%(detected)s” file. Please rename it or send the right file."
            )
            % {"claimed": claimed, "detected": detected}
        )
    clean_name = sanitise_name(name, detected)
    if detected in IMAGE_FORMATS:
        data = _reencode_image(upload, detected)
        content: File = ContentFile(data, name=clean_name)
        size = len(data)
    else:
        upload.seek(0)
        content = upload
    return CheckedFile(
        name=clean_name,
        extension=detected,
        content_type=CONTENT_TYPES[detected],
        content=content,
        size=size,
    )
