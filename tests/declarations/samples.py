"""Small files of each kind, made here rather than stored in the repository."""

import io
import struct
import zipfile

from PIL import Image, ImageCms, PngImagePlugin

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!doctype html><html><body><script>alert('x')</script></body></html>"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
WEBM = (
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02"
    + b"\x00" * 64
)

OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
OOXML_PART = {
    "docx": "/word/document.xml",
    "xlsx": "/xl/workbook.xml",
    "pptx": "/ppt/presentation.xml",
}


CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
VBA_PROJECT = "application/vnd.ms-office.vbaProject"


def content_types(kind: str, extra: str = "") -> str:
    """A [Content_Types].xml naming the main part of ``kind``, with ``extra`` entries."""
    return (
        f'<?xml version="1.0"?><Types xmlns="{CONTENT_TYPES_NS}"><Override PartName="'
        + OOXML_PART[kind]
        + '" ContentType="'
        + OOXML_MAIN[kind]
        + '"/>'
        + extra
        + "</Types>"
    )


def ooxml(
    kind: str,
    *,
    manifest: str | None = None,
    parts: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_STORED,
) -> bytes:
    """An Office Open XML package: the manifest (by default one naming the main part of
    ``kind``), the main part, and any other ``parts``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr("[Content_Types].xml", manifest or content_types(kind))
        archive.writestr(OOXML_PART[kind].lstrip("/"), "<xml/>")
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def macro_docx(variant: str) -> bytes:
    """A Word document carrying VBA macros, named and dressed as a plain .docx."""
    docx_main = OOXML_MAIN["docx"]
    vba_part = {"word/vbaProject.bin": b"\x01VBA" * 64}
    if variant == "macro-main-behind-a-comment":
        # The main part is macro-enabled; a comment shows the .docx type to a reader that
        # searches the text.
        manifest = (
            f'<?xml version="1.0"?><Types xmlns="{CONTENT_TYPES_NS}">'
            f'<!-- <Override PartName="/word/document.xml" ContentType="{docx_main}"/> -->'
            f'<Override PartName="/word/document.xml" ContentType="{DOCM_MAIN}"/></Types>'
        )
        return ooxml("docx", manifest=manifest)
    if variant == "vba-project-by-extension":
        extra = f'<Default Extension="bin" ContentType="{VBA_PROJECT}"/>'
        return ooxml("docx", manifest=content_types("docx", extra), parts=vba_part)
    if variant == "macro-type-behind-a-character-reference":
        # "macro&#69;nabled" reads "macroEnabled" once parsed.
        extra = (
            '<Override PartName="/word/extra.xml" '
            'ContentType="application/vnd.ms-word.document.macro&#69;nabled.main+xml"/>'
        )
        return ooxml("docx", manifest=content_types("docx", extra))
    if variant == "prefixed-and-single-quoted":
        manifest = (
            f"<?xml version='1.0'?><ct:Types xmlns:ct='{CONTENT_TYPES_NS}'>"
            f"<ct:Override PartName='/word/document.xml' ContentType='{docx_main}'/>"
            f"<ct:Override PartName='/word/vbaProject.bin' ContentType='{VBA_PROJECT}'/>"
            "</ct:Types>"
        )
        return ooxml("docx", manifest=manifest, parts=vba_part)
    if variant == "vba-project-declared-as-an-image":
        extra = '<Override PartName="/word/vbaProject.bin" ContentType="image/png"/>'
        return ooxml("docx", manifest=content_types("docx", extra), parts=vba_part)
    raise ValueError(variant)


MACRO_DOCX_VARIANTS = [
    "macro-main-behind-a-comment",
    "vba-project-by-extension",
    "macro-type-behind-a-character-reference",
    "prefixed-and-single-quoted",
    "vba-project-declared-as-an-image",
]


def docx_with_a_dtd() -> bytes:
    """A manifest declaring entities that expand a billion times (an "XML bomb")."""
    manifest = (
        '<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + f']><Types xmlns="{CONTENT_TYPES_NS}"><Override PartName="/word/document.xml" '
        f'ContentType="{OOXML_MAIN["docx"]}"/><Default Extension="x" ContentType="&i;"/></Types>'
    )
    return ooxml("docx", manifest=manifest)


def _member_data_offset(data: bytes, member: str) -> tuple[int, int]:
    """Where the stored bytes of ``member`` start in the archive, and how many there are."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    return info.header_offset + 30 + name_length + extra_length, info.compress_size


def with_bad_crc(data: bytes, member: str) -> bytes:
    """The archive with one byte of a stored member changed: its checksum fails."""
    start, _size = _member_data_offset(data, member)
    damaged = bytearray(data)
    damaged[start] ^= 0x20
    return bytes(damaged)


def with_corrupt_deflate(kind: str = "docx") -> bytes:
    """A package whose compressed manifest is not a valid deflate stream."""
    data = ooxml(kind, compression=zipfile.ZIP_DEFLATED)
    start, size = _member_data_offset(data, "[Content_Types].xml")
    return data[:start] + b"\xff" * size + data[start + size :]


def with_flags(data: bytes, *, flag_bits: int = 0, method: int | None = None) -> bytes:
    """The archive with every member marked with ``flag_bits`` (1: encrypted) or said
    to use compression ``method``, in both its local and its central headers."""
    damaged = bytearray(data)
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = damaged.find(signature)
        while position != -1:
            flags = struct.unpack_from("<H", damaged, position + flags_at)[0]
            struct.pack_into("<H", damaged, position + flags_at, flags | flag_bits)
            if method is not None:
                struct.pack_into("<H", damaged, position + flags_at + 2, method)
            position = damaged.find(signature, position + 4)
    return bytes(damaged)


def malformed_office_files() -> list[tuple[str, bytes]]:
    """(name, content) of office documents damaged in the ways an upload may be."""
    odt = odf("application/vnd.oasis.opendocument.text")
    return [
        ("bad-crc-manifest.docx", with_bad_crc(ooxml("docx"), "[Content_Types].xml")),
        ("bad-crc-document.docx", with_bad_crc(ooxml("docx"), "word/document.xml")),
        ("bad-crc-mimetype.odt", with_bad_crc(odt, "mimetype")),
        ("bad-deflate.docx", with_corrupt_deflate("docx")),
        ("bad-deflate.xlsx", with_corrupt_deflate("xlsx")),
        ("encrypted.docx", with_flags(ooxml("docx"), flag_bits=1)),
        ("unknown-method.pptx", with_flags(ooxml("pptx"), method=99)),
        ("truncated.docx", ooxml("docx")[:-30]),
        ("truncated.doc", ole("WordDocument")[:1100]),
    ]


def odf(media_type: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", media_type, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


def ole(stream_name: str, *, storages: tuple[str, ...] = ()) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) holding one 4096-byte
    stream: FAT in sector 0, directory in sector 1, the stream in sectors 2-9. With
    ``storages`` (at most two), a chain of storages beside the stream, each inside the
    one before: ("Macros", "VBA") is where Word keeps a document's macros."""
    assert len(storages) <= 2
    free, end, fat_sector, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # FAT sectors
    struct.pack_into("<I", header, 48, 1)  # first directory sector
    struct.pack_into("<I", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<IIII", header, 60, end, 0, end, 0)  # no mini FAT, no DIFAT sectors
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0]: the FAT is sector 0
    for index in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * index, free)
    fat = [fat_sector, end, *range(3, 10), end] + [free] * (128 - 10)
    fat_bytes = struct.pack("<128I", *fat)

    def entry(name: str, kind: int, start: int, size: int, *, right=nostream, child=nostream):
        data = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        data[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", data, 64, len(encoded), kind, 1)
        struct.pack_into("<III", data, 68, nostream, right, child)
        struct.pack_into("<IQ", data, 116, start, size)
        return bytes(data)

    entries = [
        entry("Root Entry", 5, end, 0, child=1),
        entry(stream_name, 2, 2, 4096, right=2 if storages else nostream),
    ]
    for index, name in enumerate(storages):
        inner = 3 + index if index + 1 < len(storages) else nostream
        entries.append(entry(name, 1, 0, 0, child=inner))
    entries += [entry("", 0, 0, 0)] * (4 - len(entries))
    return bytes(header) + fat_bytes + b"".join(entries) + b"\x01" * 4096


def image_with_exif(fmt: str = "JPEG") -> bytes:
    """A small photo carrying a camera make and a GPS position in its EXIF."""
    image = Image.new("RGB", (32, 24), "teal")
    exif = image.getexif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (19.0, 26.0, 0.0), 3: "W", 4: (99.0, 8.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, exif=exif.tobytes())
    return buffer.getvalue()


# --- images carrying text, and readers of the segments a file is made of --------------------

SECRET = "Secret-Marker-4711"
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    f'22-rdf-syntax-ns#"><rdf:Description>{SECRET}</rdf:Description></rdf:RDF></x:xmpmeta>'
)


def _srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _exif_with_secret(image: Image.Image) -> bytes:
    exif = image.getexif()
    exif[0x010F] = SECRET  # Make
    exif[0x8825] = {1: "N", 2: (19.0, 26.0, 0.0), 3: "W", 4: (99.0, 8.0, 0.0)}  # GPS
    return exif.tobytes()


def image_with_text(fmt: str) -> bytes:
    """A small image carrying SECRET in every kind of text segment its format has: EXIF,
    XMP, a comment, IPTC, text chunks; and an ICC profile."""
    image = Image.new("RGB", (32, 24), "teal")
    buffer = io.BytesIO()
    options = {"exif": _exif_with_secret(image), "icc_profile": _srgb_profile()}
    if fmt == "JPEG":
        image.save(buffer, format="JPEG", comment=SECRET, xmp=XMP.encode(), **options)
        data = buffer.getvalue()
        # An IPTC caption in a Photoshop APP13 segment, right after SOI.
        iptc = b"\x1c\x02\x78" + struct.pack(">H", len(SECRET)) + SECRET.encode()
        resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
        payload = b"Photoshop 3.0\x00" + resource
        return data[:2] + b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload + data[2:]
    if fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", SECRET)  # tEXt
        text.add_text("Author", SECRET, zip=True)  # zTXt
        text.add_itxt("XML:com.adobe.xmp", XMP)  # iTXt
        image.save(buffer, format="PNG", pnginfo=text, **options)
        return buffer.getvalue()
    image.save(buffer, format="WEBP", xmp=XMP.encode(), **options)
    return buffer.getvalue()


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every segment of a JPEG, entropy-coded data skipped."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    segments, position = [(0xD8, b"")], 2
    while position < len(data):
        assert data[position] == 0xFF, f"no marker at {position}"
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            segments.append((marker, b""))
            break
        if 0xD0 <= marker <= 0xD7:
            segments.append((marker, b""))
            position += 2
            continue
        (length,) = struct.unpack_from(">H", data, position + 2)
        segments.append((marker, data[position + 4 : position + 2 + length]))
        position += 2 + length
        if marker == 0xDA:  # scan data runs to the next marker that is not 00 or RSTn
            while not (
                data[position] == 0xFF and data[position + 1] not in (0x00, *range(0xD0, 0xD8))
            ):
                position += 1
    return segments


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, payload) of every chunk of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks, position = [], 8
    while position < len(data):
        length, kind = struct.unpack_from(">I4s", data, position)
        chunks.append((kind, data[position + 8 : position + 8 + length]))
        position += 12 + length
    return chunks


def webp_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(FourCC, payload) of every chunk of a WebP (RIFF) file."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP", "not a WebP"
    chunks, position = [], 12
    while position < len(data):
        kind, length = struct.unpack_from("<4sI", data, position)
        chunks.append((kind, data[position + 8 : position + 8 + length]))
        position += 8 + length + (length & 1)
    return chunks
