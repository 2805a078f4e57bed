"""Images drawn again into a new file that holds pixels and nothing typed.

Re-encoding alone is not enough: Pillow carries a JPEG's comment and a PNG's ICC profile
over from the original, and an ICC profile has text tags of its own. So the colours are
converted to sRGB (the profile is then not needed), the image is saved without any
metadata, and the bytes written are walked once more, segment by segment, keeping only
those that describe pixels: whatever a later Pillow may add, no comment, EXIF, XMP, IPTC,
ICC profile or text chunk reaches the storage.
"""

from __future__ import annotations

import io
import struct
import warnings
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .refusal import UploadRefused

IMAGE_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
SRGB = ImageCms.createProfile("sRGB")

# JPEG segments that code pixels: frames (SOFn, DHT, DAC), tables, restart interval,
# scans. APP0 is kept only as the bare JFIF header, APP14 only as Adobe's colour flag.
JPEG_KEPT = {*range(0xC0, 0xD0), 0xDB, 0xDD, 0xDA, 0xDC}
JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}
JFIF_HEADER_BYTES = 14  # "JFIF\0", version, units, density, no thumbnail
PNG_KEPT = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT",
    b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip
WEBP_KEPT = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"}
WEBP_METADATA_FLAGS = 0x20 | 0x08 | 0x04  # ICC profile, EXIF, XMP


def _keep_jpeg_segment(marker: int, payload: bytes) -> bool:
    if marker == 0xE0:
        return payload.startswith(b"JFIF\0") and len(payload) == JFIF_HEADER_BYTES
    if marker == 0xEE:
        return payload.startswith(b"Adobe")
    return marker in JPEG_KEPT


def strip_jpeg(data: bytes) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    output, position = bytearray(data[:2]), 2
    while True:
        if data[position] != 0xFF:
            raise ValueError("no marker")
        marker = data[position + 1]
        if marker == 0xFF:  # a fill byte before the marker
            position += 1
        elif marker == 0xD9:
            return bytes(output + data[position : position + 2])
        elif marker in JPEG_STANDALONE:
            output += data[position : position + 2]
            position += 2
        else:
            (length,) = struct.unpack_from(">H", data, position + 2)
            end = position + 2 + length
            if marker == 0xDA:
                # The coded scan runs to the first marker that is neither a stuffed
                # 0xFF00 nor a restart.
                while not (data[end] == 0xFF and data[end + 1] not in {0x00, *JPEG_STANDALONE}):
                    end += 1
                output += data[position:end]
            elif _keep_jpeg_segment(marker, data[position + 4 : end]):
                output += data[position:end]
            position = end


def strip_png(data: bytes) -> bytes:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    output, position = bytearray(data[:8]), 8
    while position < len(data):
        length, kind = struct.unpack_from(">I4s", data, position)
        end = position + 12 + length
        if kind in PNG_KEPT:
            output += data[position:end]
        position = end
        if kind == b"IEND":
            return bytes(output)
    raise ValueError("no IEND")


def strip_webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    chunks, position = bytearray(), 12
    while position + 8 <= len(data):
        kind, length = struct.unpack_from("<4sI", data, position)
        end = position + 8 + length + (length & 1)
        if kind == b"VP8X":
            header = bytearray(data[position:end])
            header[8] &= ~WEBP_METADATA_FLAGS & 0xFF
            chunks += header
        elif kind in WEBP_KEPT:
            chunks += data[position:end]
        position = end
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)


STRIPPERS = {"jpg": strip_jpeg, "png": strip_png, "webp": strip_webp}


def _in_srgb(image: Image.Image) -> Image.Image:
    """The image with its colours converted from its ICC profile to sRGB, or as it is
    when it has no profile or one that cannot be applied (the profile is dropped)."""
    profile = image.info.get("icc_profile")
    if not profile:
        return image
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    output_mode = "RGBA" if image.mode in ("RGBA", "LA") else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def reencode(stream: IO[bytes], extension: str) -> bytes:
    """The image drawn again into a new file: pixels only, turned upright, in sRGB,
    without EXIF, GPS, XMP, IPTC, ICC or comments. Refuses what Pillow cannot read or
    what would explode in memory (a "decompression bomb")."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                if image.format != IMAGE_FORMATS[extension]:
                    raise UploadRefused(_("The image could not be read."))
                animated = getattr(image, "is_animated", False)
                upright = image if animated else _in_srgb(ImageOps.exif_transpose(image))
                output = io.BytesIO()
                # Nothing carried over from the original: no profile, comment or EXIF.
                options: dict = {
                    "format": IMAGE_FORMATS[extension],
                    "icc_profile": None,
                    "exif": b"",
                }
                if animated:
                    options["save_all"] = True
                if extension == "jpg":
                    options.update(quality=90, comment=b"")
                    if upright.mode not in ("RGB", "L", "CMYK"):
                        upright = upright.convert("RGB")
                upright.save(output, **options)
        return STRIPPERS[extension](output.getvalue())
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error) as error:
        raise UploadRefused(_("The image could not be read.")) from error
    except IndexError as error:  # a segment walk that ran off the end
        raise UploadRefused(_("The image could not be read.")) from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadRefused(_("The image is too large in pixels.")) from error
