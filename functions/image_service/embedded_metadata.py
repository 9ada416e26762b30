"""Removing embedded metadata (EXIF with GPS, XMP, IPTC, comments, text chunks) from an image,
losslessly: the pixels' bytes are copied as they are, never decoded and encoded again (pure).

What goes is what identifies people, places and devices; what stays is what the pixels need to
look right: colour profiles, PNG gamma and transparency, animation, and the EXIF orientation, kept
as a minimal EXIF holding that one tag (without it, a phone photo would show on its side).
Anything after the image's end (appended data) goes too. Bytes that do not parse as their format
are returned unchanged: the type checks that follow refuse them."""

import struct
from collections.abc import Callable
from typing import Final

from image_service import formats, heif_container
from image_service.container_layout import sniff_content_type
from image_service.errors import UnsupportedImageTypeError

_ORIENTATION_TAG = 0x0112


def strip(data: bytes) -> bytes:
    """The image without its embedded metadata (see the module docstring)."""
    try:
        return STRIPPERS[formats.of(sniff_content_type(data)).key](data)
    except (ValueError, IndexError, struct.error, UnsupportedImageTypeError):
        return data  # malformed: left for detect_content_type to refuse


def _orientation(data: bytes) -> int:
    """The EXIF orientation (1-8) the image declares; 1 (upright) when none or unreadable."""
    import io  # noqa: PLC0415

    from PIL import Image  # noqa: PLC0415  (as in image_verification: only uploads parse images)

    try:
        with Image.open(io.BytesIO(data)) as image:
            value = image.getexif().get(_ORIENTATION_TAG, 1)
    except (OSError, ValueError, SyntaxError):
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _orientation_tiff(orientation: int) -> bytes:
    """A big-endian TIFF structure with one IFD entry: Orientation (SHORT), and no next IFD."""
    entry = struct.pack(">HHIHH", _ORIENTATION_TAG, 3, 1, orientation, 0)
    return b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) + entry + struct.pack(">I", 0)


# ---- JPEG: marker segments before the first scan, then the entropy-coded data until EOI ----

# Kept: JFIF/JFXX (APP0), ICC profiles (APP2 "ICC_PROFILE"), Adobe colour transform (APP14).
# Every other APPn (EXIF and XMP in APP1, MPF, IPTC in APP13, vendor blocks) and COM goes.
_APP0, _APP1, _APP2, _APP14, _COM = 0xE0, 0xE1, 0xE2, 0xEE, 0xFE
_SOS, _EOI = 0xDA, 0xD9


def _jpeg_keeps(marker: int, payload: bytes) -> bool:
    if marker == _APP2:
        return payload.startswith(b"ICC_PROFILE\x00")
    if _APP0 <= marker <= 0xEF:
        return marker in (_APP0, _APP14)
    return marker != _COM


def _jpeg(data: bytes) -> bytes:
    out = bytearray(data[:2])  # SOI
    position = 2
    while True:
        while data[position] == 0xFF and data[position + 1] == 0xFF:  # fill bytes
            position += 1
        if data[position] != 0xFF:
            raise ValueError("not a marker")
        marker = data[position + 1]
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        segment = data[position : position + 2 + length]
        if len(segment) != 2 + length:
            raise ValueError("truncated segment")
        if marker == _SOS:
            break
        if _jpeg_keeps(marker, segment[4:]):
            out += segment
        position += 2 + length
    # From the first scan to the end of the image, byte for byte; a 0xFF in entropy-coded data is
    # followed by 0x00 or a restart marker, so the first 0xFF 0xD9 is the end of the image.
    end = data.index(bytes((0xFF, _EOI)), position) + 2
    orientation = _orientation(data)
    if orientation != 1:
        exif = b"Exif\x00\x00" + _orientation_tiff(orientation)
        app1 = bytes((0xFF, _APP1)) + struct.pack(">H", 2 + len(exif)) + exif
        first = 2 + (2 + struct.unpack(">H", out[4:6])[0] if out[3] == _APP0 else 0)  # after JFIF
        out[first:first] = app1
    return bytes(out) + data[position:end]


# ---- PNG: chunks (length, type, data, CRC) until IEND ----

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    import zlib  # noqa: PLC0415

    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _png(data: bytes) -> bytes:
    out = bytearray(_PNG_SIGNATURE)
    position = len(_PNG_SIGNATURE)
    orientation = 1
    while True:
        length = struct.unpack(">I", data[position : position + 4])[0]
        kind = data[position + 4 : position + 8]
        chunk = data[position : position + 12 + length]
        if len(chunk) != 12 + length:
            raise ValueError("truncated chunk")
        if kind == b"eXIf":
            orientation = _orientation(data)
        elif kind == b"IDAT" and orientation != 1:
            out += _png_chunk(b"eXIf", _orientation_tiff(orientation))  # eXIf goes before IDAT
            orientation = 1
        if kind not in _PNG_DROPPED:
            out += chunk
        position += 12 + length
        if kind == b"IEND":
            return bytes(out)


# ---- WebP: a RIFF container of chunks; VP8X flags say whether EXIF and XMP chunks follow ----

_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _webp(data: bytes) -> bytes:
    size = struct.unpack("<I", data[4:8])[0]
    end = 8 + size
    if end > len(data):
        raise ValueError("truncated RIFF")
    chunks = []
    position = 12
    while position < end:
        kind = data[position : position + 4]
        length = struct.unpack("<I", data[position + 4 : position + 8])[0]
        padded = length + (length & 1)
        chunks.append((kind, data[position + 8 : position + 8 + length]))
        position += 8 + padded
    if position != end:
        raise ValueError("chunks overrun the RIFF size")
    kinds = {kind for kind, _ in chunks}
    # Only the extended format (VP8X) may carry EXIF.
    orientation = _orientation(data) if b"EXIF" in kinds and b"VP8X" in kinds else 1
    out = bytearray()
    for kind, payload in chunks:
        if kind in (b"EXIF", b"XMP "):
            continue
        body = payload
        if kind == b"VP8X":
            flags = payload[0] & ~(_VP8X_EXIF | _VP8X_XMP) | (_VP8X_EXIF if orientation != 1 else 0)
            body = bytes((flags,)) + payload[1:]
        out += kind + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) & 1)
    if orientation != 1:  # only a VP8X file carries EXIF, and it goes last
        out += b"EXIF" + struct.pack("<I", 26) + _orientation_tiff(orientation)
    return b"RIFF" + struct.pack("<I", 4 + len(out)) + b"WEBP" + bytes(out)


# ---- GIF: header, screen descriptor, colour table, then blocks until the trailer ----

_GIF_EXTENSION, _GIF_IMAGE, _GIF_TRAILER = 0x21, 0x2C, 0x3B
_GIF_COMMENT, _GIF_APPLICATION = 0xFE, 0xFF


def _gif_sub_blocks(data: bytes, position: int) -> int:
    """The position after a run of data sub-blocks (each a length byte, then that many bytes)."""
    while data[position]:
        position += 1 + data[position]
    return position + 1


def _gif(data: bytes) -> bytes:
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 0x07) + 1) if flags & 0x80 else 0)
    out = bytearray(data[:position])
    while True:
        block = data[position]
        if block == _GIF_TRAILER:
            return bytes(out + b"\x3b")
        if block == _GIF_EXTENSION:
            label = data[position + 1]
            end = _gif_sub_blocks(data, position + 2)
            # Comments go, and application blocks other than NETSCAPE/ANIMEXTS looping (XMP, ...)
            identifier = data[position + 3 : position + 14]
            dropped = label == _GIF_COMMENT or (
                label == _GIF_APPLICATION and identifier not in (b"NETSCAPE2.0", b"ANIMEXTS1.0")
            )
            if not dropped:
                out += data[position:end]
            position = end
        elif block == _GIF_IMAGE:
            local = data[position + 9]
            header_end = position + 10 + (3 * 2 ** ((local & 0x07) + 1) if local & 0x80 else 0)
            end = _gif_sub_blocks(data, header_end + 1)  # after the LZW minimum code size
            out += data[position:end]
            position = end
        else:
            raise ValueError("unknown GIF block")


# The stripper of each format (formats.FORMATS; tests/unit/test_formats.py checks all).
STRIPPERS: Final[dict[str, Callable[[bytes], bytes]]] = {
    "jpeg": _jpeg,
    "png": _png,
    "gif": _gif,
    "webp": _webp,
    # HEIF orients by irot/imir, not EXIF: the Exif and XMP items go whole (heif_container.strip).
    "heic": heif_container.strip,
    "avif": heif_container.strip,
}
