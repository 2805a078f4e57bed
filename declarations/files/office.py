"""A look inside office documents: which kind a ZIP or OLE2 container holds, whether it
is whole, and whether it carries macros.

Office Open XML (docx, pptx, xlsx) is a ZIP whose ``[Content_Types].xml`` gives the media
type of every part; OpenDocument (odt, odp) is a ZIP whose first entry ``mimetype`` holds
the document's media type; legacy Office (doc, ppt, xls) is an OLE2 compound file whose
streams are named ``WordDocument``, ``PowerPoint Document`` or ``Workbook``/``Book``.

The manifest is parsed as XML, never searched as text: a comment, a namespace prefix,
single quotes or a character reference (``&#69;`` for ``E``) would fool a search. It is
parsed with defusedxml and any DTD is refused: a content-types manifest never has one,
so refusing it rules out entity expansion ("billion laughs") and external entities
whatever the XML library's own limits are.
"""

from __future__ import annotations

import lzma
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import IO

import olefile
from defusedxml import ElementTree
from django.utils.translation import gettext as _

from .refusal import UploadRefused

OOXML_MAIN_PARTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
OLE_STREAMS = [("WordDocument", "doc"), ("PowerPoint Document", "ppt"), ("Workbook", "xls")]
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

# Media types of parts holding code: VBA projects and their signatures, Word's VBA data,
# Excel 4 macro sheets. Any type with a "macroEnabled" segment is a macro-enabled main
# part (docm, pptm, xlsm, their templates, add-ins, shows).
MACRO_CONTENT_TYPES = {
    "application/vnd.ms-office.vbaproject",
    "application/vnd.ms-office.vbaprojectsignature",
    "application/vnd.ms-office.vbaprojectsignatureagile",
    "application/vnd.ms-office.vbaprojectsignaturev3",
    "application/vnd.ms-word.vbadata+xml",
    "application/vnd.ms-excel.macrosheet+xml",
    "application/vnd.ms-excel.intlmacrosheet+xml",
}
# Parts named like a VBA project are refused whatever type the manifest claims for them.
MACRO_PART_NAMES = {"vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml"}
# OpenDocument keeps macros under these folders.
ODF_MACRO_FOLDERS = {"basic", "scripts"}
# Storages of VBA macros in legacy Office files (Word: Macros, Excel: _VBA_PROJECT_CUR,
# both holding a VBA storage with a _VBA_PROJECT stream).
OLE_MACRO_NAMES = {"macros", "_vba_project_cur", "vba", "_vba_project"}

# A manifest is a few kilobytes; an office document has hundreds of parts, not thousands.
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_MEMBERS = 10_000
# Compression methods zipfile reads: stored, deflate, bzip2, LZMA.
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
CHUNK = 1024 * 1024
# What a damaged archive raises while it is listed, unpacked or parsed.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,  # defusedxml's refusals (a DTD, an entity) are ValueErrors too
    SyntaxError,  # ElementTree.ParseError
    NotImplementedError,
    RuntimeError,
    struct.error,
    KeyError,
    IndexError,
    StopIteration,
)


def damaged() -> UploadRefused:
    return UploadRefused(
        _(
            "This file is damaged: part of it cannot be unpacked or fails its checksum. "
            "Please open it, save it again and send the new copy."
        )
    )


def has_macros() -> UploadRefused:
    return UploadRefused(
        _(
            "This document contains macros, which we do not accept. Please save a copy "
            "without macros (for example as .docx, .pptx or .xlsx, or as PDF) and send that."
        )
    )


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def _is_macro_type(media_type: str) -> bool:
    return media_type in MACRO_CONTENT_TYPES or "macroenabled" in media_type.split(".")


def _check_listing(members: list[zipfile.ZipInfo], max_unpacked_bytes: int) -> None:
    """Refuse what no office program writes before unpacking anything: too many parts,
    two parts with one name (OPC names ignore case, so a second "[content_types].xml"
    could be read in place of the first), encryption, unknown compression, or a total
    unpacked size far past what the file's size allows."""
    if len(members) > MAX_MEMBERS:
        raise damaged()
    names = [info.filename.casefold() for info in members]
    if len(set(names)) != len(names):
        raise damaged()
    if any(info.flag_bits & 0x1 for info in members):
        raise UploadRefused(
            _("This document is protected by a password. Please send a copy without one.")
        )
    if any(info.compress_type not in READABLE_METHODS for info in members):
        raise damaged()
    if sum(info.file_size for info in members) > max_unpacked_bytes:
        raise UploadRefused(
            _(
                "This document unpacks to more than %(limit)s MB, far more than its size "
                "allows for. Please send it as PDF."
            )
            % {"limit": max_unpacked_bytes // (1024 * 1024)}
        )


def _verify_members(archive: zipfile.ZipFile, members: Iterable[zipfile.ZipInfo]) -> None:
    """Unpack every part, a megabyte at a time, so that zipfile checks its CRC. The read
    stops at the size the listing declares, which ``_check_listing`` bounded."""
    for info in members:
        with archive.open(info) as entry:
            while entry.read(CHUNK):
                pass


def _member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    """The part called ``name``, whatever the case of its letters (as in OPC)."""
    return next(info for info in archive.infolist() if info.filename.casefold() == name)


def _manifest_types(archive: zipfile.ZipFile) -> list[str]:
    """The media types [Content_Types].xml gives to parts (Override) and extensions
    (Default), lower-cased."""
    info = _member(archive, "[content_types].xml")
    if info.file_size > MAX_MANIFEST_BYTES:
        raise damaged()
    with archive.open(info) as entry:
        root = ElementTree.fromstring(entry.read(MAX_MANIFEST_BYTES + 1), forbid_dtd=True)
    if root.tag != f"{CONTENT_TYPES_NS}Types":
        raise damaged()
    return [
        _media_type(element.get("ContentType", ""))
        for element in root
        if element.tag in (f"{CONTENT_TYPES_NS}Default", f"{CONTENT_TYPES_NS}Override")
    ]


def _ooxml_kind(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if any(PurePosixPath(name).name in MACRO_PART_NAMES for name in names):
        raise has_macros()
    types = _manifest_types(archive)
    if any(_is_macro_type(media_type) for media_type in types):
        raise has_macros()
    kinds = [kind for kind, main in OOXML_MAIN_PARTS.items() if main in types]
    return kinds[0] if len(kinds) == 1 else None


def _odf_kind(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if any(PurePosixPath(name).parts[0] in ODF_MACRO_FOLDERS for name in names if name):
        raise has_macros()
    with archive.open(_member(archive, "mimetype")) as entry:
        media_type = entry.read(200).decode("ascii", "replace").strip()
    return ODF_TYPES.get(media_type)


def zip_kind(stream: IO[bytes], *, max_unpacked_bytes: int) -> str | None:
    """The extension of the Office Open XML or OpenDocument file in this ZIP, or None
    when it is neither. Refuses (``UploadRefused``) a damaged or encrypted archive, one
    that unpacks to more than ``max_unpacked_bytes``, and a document with macros."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            _check_listing(members, max_unpacked_bytes)
            names = {info.filename.casefold() for info in members}
            if "mimetype" in names:
                kind = _odf_kind(archive, names)
            elif "[content_types].xml" in names:
                kind = _ooxml_kind(archive, names)
            else:
                return None
            if kind is not None:
                _verify_members(archive, members)
            return kind
    except ZIP_ERRORS as error:
        raise damaged() from error


def ole_kind(stream: IO[bytes]) -> str | None:
    """The extension of the legacy Office file in this OLE2 container, or None when it is
    none of them. Refuses a file olefile cannot read and one with a VBA storage."""
    try:
        with olefile.OleFileIO(stream) as ole:
            entries = ole.listdir(streams=True, storages=True)
            kind = next((ext for name, ext in OLE_STREAMS if ole.exists(name)), None)
            if kind is None and ole.exists("Book"):  # Excel 95 workbooks
                kind = "xls"
    # olefile documents no list of what a hostile directory may raise; any failure means
    # the file cannot be read.
    except Exception as error:
        raise damaged() from error
    if any(part.casefold() in OLE_MACRO_NAMES for entry in entries for part in entry):
        raise has_macros()
    return kind
