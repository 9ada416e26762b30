"""An image's container read without decoding its pixels (pure): its type, its declared size, the
facts the cost model needs (frames; for JPEG, sampling and whether libjpeg must buffer every
coefficient) and where the image ends. What is truncated or carries data after the image's end
marker (a polyglot: HTML, a script or a ZIP appended to a valid image) is refused here, with
the reason, before any decoder runs.

`data` is bytes or an mmap of a spooled upload: both index, slice and find alike."""

import mmap
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from image_service import formats, heif_container
from image_service.errors import (
    CorruptImageError,
    EmptyImageError,
    TrailingDataError,
    UnsupportedImageTypeError,
)

ImageBytes = bytes | mmap.mmap


@dataclass(frozen=True, slots=True)
class Layout:
    content_type: str
    width: int
    height: int
    end: int  # offset just after the image's end marker
    frames: int = 1
    # JPEG only: each component's sampling factors (h, v); `buffered` when the image comes in
    # several scans (progressive, or one scan per component): libjpeg then holds every DCT
    # coefficient of the image while it decodes; `entropy_bytes`, the coded data after the first SOS.
    sampling: tuple[tuple[int, int], ...] = ()
    buffered: bool = False
    entropy_bytes: int = 0
    # HEIF/AVIF: the size as coded (ispe), which the decoder allocates; larger than the decoded
    # size when it is cropped (clap: HEVC codes whole blocks). 0: the decoded size.
    coded_pixels: int = 0

    @property
    def name(self) -> str:
        return formats.of(self.content_type).name

    @property
    def pixels(self) -> int:
        return max(self.width * self.height, self.coded_pixels)


def sniff_content_type(data: ImageBytes) -> str:
    """The MIME type the leading bytes claim, among the allowed formats."""
    if not data:
        raise EmptyImageError("The image file is empty.")
    head = data[:12]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    heif = heif_container.sniff(bytes(data[:64]))
    if heif is not None:
        return heif
    raise UnsupportedImageTypeError(formats.NOT_AN_IMAGE)


def read_layout(data: ImageBytes, *, allow_trailing: bool = False) -> Layout:
    """The layout of a complete image with nothing after it (unless `allow_trailing`: images
    stored before uploads refused appended data); 415 with the reason otherwise."""
    content_type = sniff_content_type(data)
    fmt = formats.of(content_type)
    reader = READERS[fmt.key]
    try:
        layout = reader(data)
    except (IndexError, struct.error) as err:
        raise _truncated(fmt.name) from err
    if layout.width < 1 or layout.height < 1:
        raise CorruptImageError(
            f"The {layout.name} image declares no pixels ({layout.width}x{layout.height})."
        )
    if layout.end < len(data) and not allow_trailing:
        raise TrailingDataError(
            f"{len(data) - layout.end} bytes follow the end of the {layout.name} image; data appended "
            "to an image (HTML, a script, an archive: a polyglot file) is refused."
        )
    return layout


def _truncated(name: str, what: str = "") -> CorruptImageError:
    return CorruptImageError(f"The {name} image is truncated{what}: its data ends before the image does.")


def _need(data: ImageBytes, end: int, name: str) -> None:
    if end > len(data):
        raise _truncated(name)


# ---- PNG: signature, then chunks (length, type, data, CRC) until IEND ----


# Deflate encodes at most 258 bytes in a 2-bit code plus its distance: no stream inflates more
# than about 1032 times its size. Image data shorter than that allows cannot hold its pixels.
_DEFLATE_MAX_RATIO = 1032
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _png(data: ImageBytes) -> Layout:
    position, width, height, frames, idat = 8, 0, 0, 1, 0
    bits = 8
    while True:
        _need(data, position + 12, "PNG")
        length, kind = struct.unpack_from(">I4s", data, position)
        end = position + 12 + length
        _need(data, end, "PNG")
        if position == 8:
            if kind != b"IHDR" or length != 13:
                raise CorruptImageError("The PNG image does not start with its header (IHDR).")
            width, height, depth, color = struct.unpack_from(">IIBB", data, position + 8)
            if color not in _PNG_CHANNELS:
                raise CorruptImageError(f"The PNG image declares an unknown colour type ({color}).")
            bits = depth * _PNG_CHANNELS[color]
        elif kind == b"acTL":
            frames = struct.unpack_from(">I", data, position + 8)[0]
        elif kind == b"IDAT":
            idat += length
        elif kind == b"IEND":
            if not idat:
                raise CorruptImageError("The PNG image has no image data (IDAT).")
            if idat * _DEFLATE_MAX_RATIO < height * (1 + -(-width * bits // 8)):
                raise CorruptImageError(
                    f"The PNG image declares {width}x{height} pixels, more than its {idat:,} bytes of "
                    "image data can hold (truncated, or forged dimensions)."
                )
            return Layout("image/png", width, height, end, frames=max(1, frames))
        position = end


# ---- GIF: header, screen descriptor, colour table, then blocks until the trailer (0x3B) ----


def _gif_sub_blocks(data: ImageBytes, position: int) -> int:
    """The position after a run of data sub-blocks (each a length byte, then that many bytes)."""
    while size := data[position]:
        position += 1 + size
    return position + 1


def _gif(data: ImageBytes) -> Layout:
    _need(data, 13, "GIF")
    width, height, flags = struct.unpack_from("<HHB", data, 6)
    position = 13 + (3 * 2 ** ((flags & 0x07) + 1) if flags & 0x80 else 0)
    frames = 0
    while True:
        block = data[position]
        if block == 0x3B:
            if not frames:
                raise CorruptImageError("The GIF image has no frame.")
            return Layout("image/gif", width, height, position + 1, frames=frames)
        if block == 0x21:  # extension: label, then sub-blocks
            position = _gif_sub_blocks(data, position + 2)
        elif block == 0x2C:  # image: descriptor, local colour table, LZW code size, sub-blocks
            local = data[position + 9]
            position += 10 + (3 * 2 ** ((local & 0x07) + 1) if local & 0x80 else 0)
            position = _gif_sub_blocks(data, position + 1)
            frames += 1
        else:
            raise CorruptImageError(f"The GIF image has an unknown block (0x{block:02x}) at byte {position}.")
        _need(data, position + 1, "GIF")


# ---- JPEG: marker segments up to the first scan (SOS), entropy-coded data, scans, then EOI ----

_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # DHT, JPG, DAC are not frames
_PROGRESSIVE = frozenset({0xC2, 0xC6, 0xCA, 0xCE})
_SOS, _EOI = 0xDA, 0xD9
_SCAN_OR_END = re.compile(rb"\xff[\xd9\xda]")
_END = re.compile(rb"\xff\xd9")


def _jpeg(data: ImageBytes) -> Layout:
    position, width, height, progressive = 2, 0, 0, False
    sampling: tuple[tuple[int, int], ...] = ()
    while True:
        while data[position] == 0xFF and data[position + 1] == 0xFF:  # fill bytes
            position += 1
        if data[position] != 0xFF:
            raise CorruptImageError(f"The JPEG image has no marker where one belongs (byte {position}).")
        marker = data[position + 1]
        if marker == _EOI or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            raise CorruptImageError("The JPEG image ends or restarts before its first scan.")
        length = struct.unpack_from(">H", data, position + 2)[0]
        end = position + 2 + length
        _need(data, end, "JPEG")
        if marker in _SOF_MARKERS:
            height, width, count = struct.unpack_from(">HHB", data, position + 5)
            sampling = tuple(
                (data[position + 11 + 3 * index] >> 4, data[position + 11 + 3 * index] & 0x0F)
                for index in range(count)
            )
            if not sampling or any(h < 1 or v < 1 for h, v in sampling):
                raise CorruptImageError("The JPEG image declares no components, or a sampling of zero.")
            progressive = marker in _PROGRESSIVE
        elif marker == _SOS:
            if not sampling:
                raise CorruptImageError("The JPEG image has a scan before its frame header (SOF).")
            break
        position = end
    # In entropy-coded data a 0xFF is followed by 0x00 (stuffing) or a restart marker, so the first
    # 0xFF 0xD9 after the first scan is the end of the image, and any 0xFF 0xDA before it another scan
    # (one regular-expression pass finds the first of either: twice as fast as two finds).
    found = _SCAN_OR_END.search(data, end)
    another_scan = found is not None and found[0][1] == _SOS
    if found is not None and another_scan:
        found = _END.search(data, found.end())
    if found is None:
        raise _truncated("JPEG", " (no end-of-image marker)")
    eoi, buffered = found.start(), progressive or another_scan
    return Layout(
        "image/jpeg",
        width,
        height,
        eoi + 2,
        sampling=sampling,
        buffered=buffered,
        entropy_bytes=eoi - end,
    )


# ---- WebP: a RIFF container of chunks; the first (VP8, VP8L or VP8X) gives the size ----


def _webp(data: ImageBytes) -> Layout:
    riff_end = 8 + struct.unpack_from("<I", data, 4)[0]
    if riff_end > len(data):
        raise _truncated("WebP", " (shorter than its RIFF size)")
    position, width, height, frames = 12, 0, 0, 0
    while position < riff_end:
        kind, length = struct.unpack_from("<4sI", data, position)
        payload = position + 8
        end = payload + length + (length & 1)
        if payload + length > riff_end:
            raise _truncated("WebP", f" (chunk {kind!r} overruns the file)")
        if position == 12:
            width, height = _webp_size(data, kind, payload, length)
        elif kind == b"ANMF":
            frames += 1
        position = end
    if not width:
        raise CorruptImageError("The WebP image has no image chunk.")
    return Layout("image/webp", width, height, max(riff_end, position), frames=max(1, frames))


def _webp_size(data: ImageBytes, kind: bytes, payload: int, length: int) -> tuple[int, int]:
    """Canvas size from the first chunk (read here: Pillow 12 allocates the canvas on open)."""
    if kind == b"VP8X" and length >= 10:
        width = int.from_bytes(data[payload + 4 : payload + 7], "little") + 1
        return width, int.from_bytes(data[payload + 7 : payload + 10], "little") + 1
    if kind == b"VP8 " and length >= 10 and data[payload + 3 : payload + 6] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", data, payload + 6)
        return width & 0x3FFF, height & 0x3FFF
    if kind == b"VP8L" and length >= 5 and data[payload] == 0x2F:
        bits = int.from_bytes(data[payload + 1 : payload + 5], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    raise CorruptImageError(f"The WebP image starts with an unknown chunk ({kind!r}).")


# The container reader of each format (formats.FORMATS; tests/unit/test_formats.py checks all).
def _heif(content_type: str) -> Callable[[ImageBytes], Layout]:
    def read(data: ImageBytes) -> Layout:
        heif = heif_container.read(data, content_type)
        coded = heif.coded_width * heif.coded_height
        return Layout(content_type, heif.width, heif.height, heif.end, coded_pixels=coded)

    return read


READERS: Final[dict[str, Callable[[ImageBytes], Layout]]] = {
    "jpeg": _jpeg,
    "png": _png,
    "gif": _gif,
    "webp": _webp,
    "heic": _heif("image/heic"),
    "avif": _heif("image/avif"),
}
