"""Images an attacker (or an unusual camera) sends, made with Pillow here, never downloaded.

`ACCEPTABLE`: valid images in the modes and shapes the API must store, serve and resize (CMYK,
16-bit, 1-bit, palette with transparency, grayscale with alpha, animated, progressive, extreme
aspect ratios). `BROKEN`: bytes that look like an image but are not one the API can decode in
full (truncated, forged dimensions) or carry something else after the image (polyglots); the API
must refuse them with a clear 4xx and store nothing.

Each entry is (name, declared content type, bytes); the name says what it is in a failure report."""

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

from PIL import Image

HostileImage = tuple[str, str, bytes]


def _saved(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _gradient(mode: str, size: tuple[int, int]) -> Image.Image:
    return Image.linear_gradient("L").resize(size).convert(mode)


def _frames(count: int, size: tuple[int, int]) -> list[Image.Image]:
    return [Image.new("RGB", size, (40 * index, 255 - 40 * index, 90)) for index in range(count)]


def _cmyk_jpeg() -> bytes:
    return _saved(_gradient("RGB", (48, 32)).convert("CMYK"), "JPEG")


def _progressive_jpeg() -> bytes:
    return _saved(_gradient("RGB", (64, 48)), "JPEG", progressive=True, quality=80)


def _png_16_bit() -> bytes:
    return _saved(
        Image.linear_gradient("L").resize((40, 30)).convert("I").point(lambda v: v * 256).convert("I;16"),
        "PNG",
    )


def _png_1_bit() -> bytes:
    return _saved(_gradient("1", (33, 17)), "PNG")


def _palette_with_transparency() -> bytes:
    image = _gradient("RGB", (24, 24)).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    return _saved(image, "PNG", transparency=0)


def _grayscale_with_alpha() -> bytes:
    image = _gradient("L", (20, 20))
    image.putalpha(_gradient("L", (20, 20)).rotate(90))
    return _saved(image, "PNG")


def _animated_gif() -> bytes:
    first, *rest = _frames(3, (16, 12))
    return _saved(first, "GIF", save_all=True, append_images=rest, duration=80, loop=0)


def _animated_webp() -> bytes:
    first, *rest = _frames(3, (16, 12))
    return _saved(first, "WEBP", save_all=True, append_images=rest, duration=80, lossless=True)


def _heic(size: tuple[int, int], **exif: int) -> Callable[[], bytes]:
    """A HEIC made here by libheif's x265 (pillow-heif), never downloaded; an EXIF orientation
    becomes its irot/imir."""

    def make() -> bytes:
        import pillow_heif

        image = _gradient("RGB", size)
        tags = Image.Exif()
        for tag, value in exif.items():
            tags[{"orientation": 0x0112}[tag]] = value
        out = io.BytesIO()
        pillow_heif.from_pillow(image).save(out, quality=50, **({"exif": tags.tobytes()} if exif else {}))
        return out.getvalue()

    return make


def _avif(size: tuple[int, int], mode: str = "RGB") -> Callable[[], bytes]:
    return lambda: _saved(_gradient(mode, size), "AVIF", quality=50, speed=10)


def _extreme(size: tuple[int, int]) -> Callable[[], bytes]:
    return lambda: _saved(Image.new("L", size, 128), "PNG")


ACCEPTABLE: tuple[HostileImage, ...] = tuple(
    (name, content_type, make())
    for name, content_type, make in (
        ("cmyk-jpeg", "image/jpeg", _cmyk_jpeg),
        ("progressive-jpeg", "image/jpeg", _progressive_jpeg),
        ("png-16-bit", "image/png", _png_16_bit),
        ("png-1-bit", "image/png", _png_1_bit),
        ("png-palette-transparency", "image/png", _palette_with_transparency),
        ("png-grayscale-alpha", "image/png", _grayscale_with_alpha),
        ("gif-animated", "image/gif", _animated_gif),
        ("webp-animated", "image/webp", _animated_webp),
        ("png-1x4000", "image/png", _extreme((1, 4000))),
        ("png-4000x1", "image/png", _extreme((4000, 1))),
        ("heic-odd-size", "image/heic", _heic((33, 17))),
        ("heic-rotated", "image/heic", _heic((40, 24), orientation=6)),
        ("avif-rgba", "image/avif", _avif((24, 16), "RGBA")),
        ("avif-1x300", "image/avif", _avif((1, 300))),
    )
)


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        chunks.append((kind, data[position + 8 : position + 8 + length]))
        position += 12 + length
    return chunks


def _png_of(chunks: list[tuple[bytes, bytes]]) -> bytes:
    body = b"".join(
        struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        for kind, payload in chunks
    )
    return b"\x89PNG\r\n\x1a\n" + body


def _png_forged_dimensions() -> bytes:
    """A valid small PNG whose header (CRC recomputed) claims 7000x7000: the data is far short."""
    chunks = _png_chunks(_saved(_gradient("RGB", (32, 32)), "PNG"))
    kind, header = chunks[0]
    chunks[0] = (kind, struct.pack(">II", 7000, 7000) + header[8:])
    return _png_of(chunks)


def _jpeg_forged_dimensions() -> bytes:
    """A valid JPEG whose frame header (SOF0) claims 7000x7000."""
    data = bytearray(_saved(_gradient("RGB", (32, 32)), "JPEG", quality=70))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 7000, 7000)
    return bytes(data)


def _truncated(fmt: str, size: tuple[int, int]) -> Callable[[], bytes]:
    def make() -> bytes:
        whole = _saved(Image.effect_noise(size, 64).convert("RGB"), fmt)
        return whole[: len(whole) * 2 // 3]

    return make


def _heif_truncated(make: Callable[[], bytes]) -> Callable[[], bytes]:
    return lambda: make()[:-40]


def _heif_declaring(make: Callable[[], bytes], width: int, height: int) -> Callable[[], bytes]:
    """A HEIF whose size property (ispe) is forged: a bomb when large, a mismatch when small."""

    def forged() -> bytes:
        data = make()
        at = data.index(b"ispe") + 8
        return data[:at] + struct.pack(">II", width, height) + data[at + 8 :]

    return forged


def _zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.txt", "not an image")
    return out.getvalue()


def _appended(fmt: str, payload: Callable[[], bytes]) -> Callable[[], bytes]:
    return lambda: _saved(_gradient("RGB", (16, 16)), fmt) + payload()


BROKEN: tuple[HostileImage, ...] = tuple(
    (name, content_type, make())
    for name, content_type, make in (
        ("jpeg-truncated", "image/jpeg", _truncated("JPEG", (256, 192))),
        ("png-truncated", "image/png", _truncated("PNG", (96, 96))),
        ("gif-truncated", "image/gif", _truncated("GIF", (96, 96))),
        ("png-forged-7000x7000", "image/png", _png_forged_dimensions),
        ("jpeg-forged-7000x7000", "image/jpeg", _jpeg_forged_dimensions),
        ("png-then-html", "image/png", _appended("PNG", lambda: b"<html><script>alert(1)</script></html>")),
        ("jpeg-then-php", "image/jpeg", _appended("JPEG", lambda: b"<?php system($_GET['c']); ?>")),
        ("gif-then-zip", "image/gif", _appended("GIF", _zip_archive)),
        ("heic-truncated", "image/heic", _heif_truncated(_heic((64, 48)))),
        ("avif-truncated", "image/avif", _heif_truncated(_avif((64, 48)))),
        ("heic-forged-smaller", "image/heic", _heif_declaring(_heic((64, 48)), 16, 16)),
        ("heic-bomb-10000x10000", "image/heic", _heif_declaring(_heic((64, 48)), 10_000, 10_000)),
        ("avif-bomb-8000x6000", "image/avif", _heif_declaring(_avif((64, 48)), 8000, 6000)),
        (
            "heic-then-html",
            "image/heic",
            lambda: _heic((16, 16))() + b"<html><script>alert(1)</script></html>",
        ),
        ("avif-then-zip", "image/avif", lambda: _avif((16, 16))() + _zip_archive()),
    )
)
