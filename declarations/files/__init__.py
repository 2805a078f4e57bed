"""Checking an uploaded attachment: its type from its content, its name, its size, and
for images a re-encoding that keeps pixels and drops every text segment.

The type is read from the content's signature with ``filetype`` (pure Python, so no
system library to install). ZIP and OLE2 containers are opened (``office``): their
signature only says "ZIP" or "OLE2", and what is inside may be damaged or carry macros.
Images are re-encoded (``images``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile, File
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from . import images, office
from .refusal import UploadRefused

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

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# Enough of the head for every signature filetype knows.
HEAD_BYTES = 8192
MAX_NAME_LENGTH = 150
UNPACKED_RATIO = 10


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


def max_unpacked_bytes() -> int:
    """What an office document of the largest size allowed may unpack to: text compresses
    about ten to one, the pictures in it hardly at all."""
    return UNPACKED_RATIO * max_file_bytes()


def max_files() -> int:
    return settings.DECLARATION_MAX_FILES


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


def detect(stream: IO[bytes]) -> str | None:
    """The canonical extension of the content's type, or None when it is none of the
    accepted ones. Reads the stream and leaves it at the start. Raises ``UploadRefused``
    for an office document that is damaged or carries macros."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    try:
        if head.startswith(ZIP_SIGNATURE):
            return office.zip_kind(stream, max_unpacked_bytes=max_unpacked_bytes())
        if head.startswith(OLE_SIGNATURE):
            return office.ole_kind(stream)
        kind = filetype.guess(head)
    finally:
        stream.seek(0)
    if kind is None:
        return None
    extension = ALIASES.get(kind.extension, kind.extension)
    if extension == "m4v":  # an MPEG-4 video with Apple's brand: still MP4
        extension = "mp4"
    return extension if extension in CONTENT_TYPES else None


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
    if detected in images.IMAGE_FORMATS:
        data = images.reencode(upload, detected)
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
