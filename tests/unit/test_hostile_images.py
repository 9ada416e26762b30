"""Hostile and unusual images (issue 12, items 1-5): what we accept decodes, round-trips byte for
byte, converts to every output format and fit inside the cost model; what is truncated, forged or
carries appended data is refused on both upload paths (415 with the reason), and nothing is stored.
Every image here is made by Pillow (or from Pillow's output) in the test."""

import base64
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from PIL import Image

from image_service import contract, cost_model, variants
from image_service.container_layout import read_layout
from image_service.errors import CorruptImageError, ImageTooCostlyError, TrailingDataError
from image_service.image_verification import detect_content_type
from image_service.variants import geometry, parse_spec, reduce_factors, render
from tests.fixtures.image_calls import assert_error, complete, get, send, start_ok, upload
from tests.fixtures.images import avif, heic
from tests.fixtures.lambda_api import ApiResponse
from tests.fixtures.moto_aws import BUCKET, clear_process_caches, stored_items, stored_objects

ROOT = Path(__file__).resolve().parents[2]
SIZE = (60, 40)

# ---- images of every mode, made by Pillow ----


def _base(mode: str = "RGB") -> Image.Image:
    gradient = Image.linear_gradient("L").resize(SIZE)
    return Image.merge(
        "RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient)
    ).convert(mode)


def _save(image: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of(width: int, height: int, *, color_type: int = 2, bit_depth: int = 8) -> bytes:
    """A valid PNG of zero-valued rows, compressed row by row (a 7000x7000 RGBA is a few hundred KB)."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    row = b"\x00" * (1 + width * channels * bit_depth // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def _ycck_jpeg() -> bytes:
    """A CMYK JPEG whose Adobe marker says YCCK (transform 2): libjpeg decodes it as YCCK."""
    data = bytearray(_save(_base("CMYK"), "JPEG"))
    adobe = data.index(b"Adobe")
    length = struct.unpack(">H", data[adobe - 2 : adobe])[0]
    data[adobe - 2 + length - 1] = 2  # the transform flag, last byte of the APP14 segment
    return bytes(data)


def _animated(fmt: str) -> bytes:
    frames = [_base().rotate(angle) for angle in (0, 90, 180)]
    return _save(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


EVERY_MODE: dict[str, Callable[[], bytes]] = {
    "jpeg-rgb": lambda: _save(_base(), "JPEG"),
    "jpeg-progressive": lambda: _save(_base(), "JPEG", progressive=True),
    "jpeg-gray": lambda: _save(_base("L"), "JPEG"),
    "jpeg-cmyk": lambda: _save(_base("CMYK"), "JPEG"),
    "jpeg-ycck": _ycck_jpeg,
    "png-rgb": lambda: _save(_base(), "PNG"),
    "png-rgba": lambda: _save(_base("RGBA"), "PNG"),
    "png-gray": lambda: _save(_base("L"), "PNG"),
    "png-gray-alpha": lambda: _save(_base("LA"), "PNG"),
    "png-1bit": lambda: _save(_base("1"), "PNG"),
    "png-16bit-gray": lambda: _save(_base("L").convert("I").point(lambda v: v * 257).convert("I;16"), "PNG"),
    "png-16bit-rgb": lambda: png_of(*SIZE, bit_depth=16),
    "png-palette": lambda: _save(_base().quantize(16), "PNG"),
    "png-palette-transparent": lambda: _save(_base().quantize(16), "PNG", transparency=0),
    "png-interlaced": lambda: _interlaced_png(),  # noqa: PLW0108 (defined below)
    "gif": lambda: _save(_base().quantize(16), "GIF"),
    "gif-transparent": lambda: _save(_base().quantize(16), "GIF", transparency=0),
    "gif-animated": lambda: _animated("GIF"),
    "webp-lossy": lambda: _save(_base(), "WEBP"),
    "webp-lossless-rgba": lambda: _save(_base("RGBA"), "WEBP", lossless=True),
    "webp-animated": lambda: _animated("WEBP"),
}


def _interlaced_png() -> bytes:
    """An Adam7-interlaced RGB PNG: 7 passes, each its own rows (rows of zeros: any data works)."""
    width, height = SIZE
    passes = [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ]
    raw = b""
    for x0, y0, dx, dy in passes:
        columns, rows = len(range(x0, width, dx)), len(range(y0, height, dy))
        if columns and rows:
            raw += (b"\x00" + b"\x80" * 3 * columns) * rows
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 1)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}


def _type_of(name: str) -> str:
    return CONTENT_TYPES[name.split("-", 1)[0]]


def _upload_inline(data: bytes) -> ApiResponse:
    return upload({"user_id": "alice", "image_name": "x.img", "file": base64.b64encode(data).decode()})


def _upload_large(data: bytes, content_type: str) -> ApiResponse:
    ticket = start_ok(content_type=content_type)
    send(ticket, data)
    return complete(ticket["image_id"])


def _opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# ---- every mode is accepted, on both paths, and comes back byte for byte ----


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("name", EVERY_MODE)
def test_every_mode_is_accepted_inline_and_round_trips_byte_for_byte(name: str) -> None:
    data = EVERY_MODE[name]()
    response = _upload_inline(data)
    assert response.status == 201, response.text
    image_id = response.json()["image_id"]
    got = get(image_id)
    assert got.status == 200
    assert got.content == data


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("name", EVERY_MODE)
def test_every_mode_completes_as_a_large_upload_byte_for_byte(name: str) -> None:
    data = EVERY_MODE[name]()
    response = _upload_large(data, _type_of(name))
    assert response.status == 200, response.text
    image_id = response.json()["image_id"]
    stored = boto3.client("s3").get_object(Bucket=BUCKET, Key=f"images/{image_id}")["Body"].read()
    assert stored == data


# ---- every accepted image converts to every output format and fit ----


@pytest.mark.parametrize("fit", ["contain", "cover", "fill", "width-only", "format-only"])
@pytest.mark.parametrize("output", list(contract.VARIANT_FORMATS))
@pytest.mark.parametrize("name", EVERY_MODE)
def test_every_mode_converts_to_every_format_and_fit(name: str, output: str, fit: str) -> None:
    data = EVERY_MODE[name]()
    assert detect_content_type(data) == _type_of(name)
    query = {"format": output}
    if fit == "width-only":
        query["width"] = "30"
    elif fit != "format-only":
        query.update(width="30", height="30", fit=fit)
    spec = parse_spec(query, _type_of(name))
    assert spec is not None
    variant = _opened(render(data, spec))
    assert variant.format == output.upper()
    expected = {"contain": (30, 20), "cover": (30, 30), "fill": (30, 30), "width-only": (30, 20)}
    assert variant.size == expected.get(fit, SIZE)


def test_a_cmyk_jpeg_converts_to_png_with_its_colours() -> None:
    cmyk = Image.new("CMYK", SIZE, (0, 255, 255, 0))  # pure red in CMYK
    spec = parse_spec({"format": "png", "width": "10"}, "image/jpeg")
    assert spec is not None
    variant = _opened(render(_save(cmyk, "JPEG", quality=95), spec))
    assert variant.mode == "RGB"
    red, green, blue = variant.getpixel((5, 3))  # type: ignore[misc]
    assert red > 200
    assert green < 60
    assert blue < 60


def test_sixteen_bit_gray_is_scaled_to_eight_bits_not_clipped() -> None:
    mid = Image.new("I;16", SIZE, 0x8000)  # half intensity in 16 bits
    spec = parse_spec({"format": "png", "width": "10"}, "image/png")
    assert spec is not None
    variant = _opened(render(_save(mid, "PNG"), spec))
    assert variant.mode == "L"
    assert 120 <= variant.getpixel((5, 3)) <= 135  # type: ignore[operator]


@pytest.mark.usefixtures("aws")
def test_a_cmyk_jpeg_asked_for_as_png_through_the_api_is_200() -> None:
    response = _upload_inline(EVERY_MODE["jpeg-cmyk"]())
    image_id = response.json()["image_id"]
    variant = get(image_id, format="png", width="20")
    assert variant.status == 200, variant.text
    assert _opened(variant.content).format == "PNG"


# ---- 1: a variant's sides stay within MAX_VARIANT_SIDE whatever is asked ----


@pytest.mark.parametrize(
    ("query", "source", "size"),
    [
        ({"height": "2048"}, (100, 1), (2048, 20)),  # the issue's 204,800 x 2048
        ({"width": "2048"}, (1, 100), (20, 2048)),
        ({"width": "2048", "height": "2048"}, (100, 1), (2048, 20)),
        ({"format": "png"}, (5000, 10), (2048, 4)),
        ({"width": "2048", "height": "5", "fit": "cover"}, (3, 3000), (2048, 5)),
    ],
)
def test_variant_sides_are_bounded_whatever_the_aspect_ratio(
    query: dict[str, str], source: tuple[int, int], size: tuple[int, int]
) -> None:
    spec = parse_spec(query, "image/png")
    assert spec is not None
    planned = geometry(spec, *source)
    assert planned.size == size
    assert max(planned.size) <= contract.MAX_VARIANT_SIDE
    assert planned.size[0] * planned.size[1] <= contract.MAX_VARIANT_PIXELS
    assert _opened(render(png_of(*source), spec)).size == size


@pytest.mark.usefixtures("aws")
def test_the_issue_s_100x1_png_at_height_2048_is_bounded_through_the_api() -> None:
    response = _upload_inline(png_of(100, 1))
    image_id = response.json()["image_id"]
    variant = get(image_id, height="2048")
    assert variant.status == 200, variant.text
    assert _opened(variant.content).size == (2048, 20)


def test_rotated_photos_are_planned_upright() -> None:
    spec = parse_spec({"width": "50", "height": "10", "fit": "cover"}, "image/jpeg")
    assert spec is not None
    # stored 400x200, orientation 6 (rotate 90): upright it is 200x400, the variant 50x10
    planned = geometry(spec, 400, 200, orientation=6)
    assert planned.size == (10, 50)  # in the stored orientation, transposed after resampling
    assert planned.crop == pytest.approx((180.0, 0.0, 220.0, 200.0))


# ---- 2: the cost model, and what it refuses ----


def test_terraform_gives_every_function_the_memory_the_cost_model_assumes() -> None:
    variables = (ROOT / "terraform" / "variables.tf").read_text()
    block = variables[variables.index('variable "lambda_memory_size"') :]
    block = block[: block.index("\n}\n") + 3]
    assert f"default     = {contract.FUNCTION_MEMORY_MB}\n" in block
    assert f"var.lambda_memory_size >= {contract.FUNCTION_MEMORY_MB}" in block
    # the image budget is 40% of it; the variant's work and the decode share it
    assert contract.IMAGE_MEMORY_BYTES == contract.FUNCTION_MEMORY_MB * 2**20 * 2 // 5
    assert contract.DECODE_BUDGET_BYTES + contract.VARIANT_WORK_BYTES == contract.IMAGE_MEMORY_BYTES


@pytest.mark.parametrize(
    ("name", "mode", "per_pixel"),
    [
        ("png-rgba", "RGBA", 4.0),
        ("png-gray", "L", 1.0),
        ("png-16bit-gray", "I;16", 2.0),
        ("jpeg-rgb", "RGB", 4.0),
        ("jpeg-progressive", "RGB", 4.0 + 3.0),  # 4:2:0 coefficients: 1.5 per pixel, 2 bytes each
        ("jpeg-cmyk", "CMYK", 4.0),
    ],
)
def test_decode_costs_follow_pillow_s_layout(name: str, mode: str, per_pixel: float) -> None:
    data = EVERY_MODE[name]()
    layout = read_layout(data)
    cost = cost_model.decode_cost(layout, mode, source_bytes=len(data))
    assert cost.total / layout.pixels == pytest.approx(per_pixel, rel=0.15)


def test_a_progressive_cmyk_jpeg_holds_eight_bytes_a_pixel_of_coefficients() -> None:
    data = _save(Image.new("CMYK", (64, 64)), "JPEG", progressive=True)
    layout = read_layout(data)
    assert layout.buffered
    assert cost_model.jpeg_coefficient_bytes(layout) == 64 * 64 * 4 * 2


def test_the_issue_s_7000x7000_rgba_png_is_refused_before_decoding() -> None:
    bomb = png_of(7000, 7000, color_type=6)
    assert len(bomb) < 1_000_000  # a few hundred KB that decode to 196 MB
    with pytest.raises(ImageTooCostlyError, match="7000x7000 PNG image would take 196 MB"):
        detect_content_type(bomb)


def test_a_webp_over_the_budget_is_refused_before_pillow_opens_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a WebP whose extended header declares 4000x3000 (12 MP: 192 MB in libwebp's decoder)
    vp8x = bytes((0, 0, 0, 0)) + (4000 - 1).to_bytes(3, "little") + (3000 - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", 10) + vp8x
    webp = b"RIFF" + struct.pack("<I", len(body)) + body

    def no_open(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("Pillow 12 allocates the canvas on open")

    monkeypatch.setattr(Image, "open", no_open)
    with pytest.raises(ImageTooCostlyError, match="4000x3000 WebP"):
        detect_content_type(webp)


def test_an_rgba_png_inside_the_budget_makes_a_small_variant() -> None:
    side = int((contract.DECODE_BUDGET_BYTES // 4) ** 0.5) - 10
    image = png_of(side, side, color_type=6)
    assert detect_content_type(image) == "image/png"
    spec = parse_spec({"width": "64"}, "image/png")
    assert spec is not None
    assert _opened(render(image, spec)).size == (64, 64)


def test_the_working_copy_stays_under_twice_the_variant() -> None:
    for region, size in [
        ((0, 0, 7000, 7000), (64, 64)),
        ((0, 0, 8000, 3000), (2048, 2048)),
        ((0, 0, 4095, 10), (2048, 5)),
    ]:
        kx, ky = reduce_factors(region, size)
        width, height = -(-region[2] // kx), -(-region[3] // ky)
        assert width < contract.VARIANT_REDUCING_GAP * size[0] or kx == 1
        assert height < contract.VARIANT_REDUCING_GAP * size[1] or ky == 1
        assert width >= size[0] or kx == 1


def test_a_large_jpeg_decodes_at_the_coarsest_scale_that_keeps_the_detail() -> None:
    spec = parse_spec({"width": "500"}, "image/jpeg")
    assert spec is not None
    assert variants.jpeg_scale_for(geometry(spec, 8000, 6000)) == 8
    assert variants.jpeg_scale_for(geometry(spec, 1800, 1000)) == 2
    fill = parse_spec({"width": "2048", "height": "2048", "fit": "fill"}, "image/jpeg")
    assert fill is not None
    assert variants.jpeg_scale_for(geometry(fill, 12000, 4000)) == 1


# ---- 4: truncated data and forged dimensions are refused on both paths, nothing stored ----


def _forged_png() -> bytes:
    """A real 60x40 PNG whose header claims 7000x7000 (its IHDR CRC recomputed)."""
    data = _save(_base(), "PNG")
    header = struct.pack(">II", 7000, 7000) + data[24:29]
    return data[:8] + _chunk(b"IHDR", header) + data[33:]


def _forged_jpeg() -> bytes:
    """A real 60x40 JPEG whose frame header claims 4000x3000."""
    data = bytearray(_save(_base(), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 3000, 4000)
    return bytes(data)


BROKEN: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "jpeg-truncated": ("image/jpeg", lambda: _save(_base(), "JPEG")[:-200], "truncated"),
    "jpeg-progressive-truncated": (
        "image/jpeg",
        lambda: _save(_base(), "JPEG", progressive=True)[:-200],
        "truncated",
    ),
    "jpeg-forged-dimensions": ("image/jpeg", _forged_jpeg, "forged dimensions"),
    "gif-truncated": ("image/gif", lambda: _animated("GIF")[:-40], "truncated"),
    "png-truncated": ("image/png", lambda: _save(_base(), "PNG")[:-30], "truncated"),
    "png-forged-7000x7000": ("image/png", _forged_png, "forged dimensions"),
    "webp-truncated": ("image/webp", lambda: _save(_base(), "WEBP")[:-20], "truncated"),
    "heic-truncated": ("image/heic", lambda: heic((64, 48))[:-40], "truncated"),
    "avif-truncated": ("image/avif", lambda: avif((64, 48))[:-40], "truncated"),
    "heic-forged-dimensions": ("image/heic", lambda: _forged_heif(heic((64, 48)), 16, 16), "clean aperture"),
}


def _forged_heif(data: bytes, width: int, height: int) -> bytes:
    """A real HEIF whose size property (ispe) claims width x height."""
    at = data.index(b"ispe") + 8
    return data[:at] + struct.pack(">II", width, height) + data[at + 8 :]


@pytest.mark.parametrize("name", BROKEN)
def test_broken_images_are_refused_with_the_reason(name: str) -> None:
    _type, make, reason = BROKEN[name]
    with pytest.raises(CorruptImageError, match=reason):
        detect_content_type(make())


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("name", BROKEN)
def test_broken_images_are_415_inline_and_stored_nowhere(name: str) -> None:
    _type, make, reason = BROKEN[name]
    response = _upload_inline(make())
    assert_error(response, 415, "corrupt_image")
    assert reason in response.json()["error"]["message"]
    assert stored_objects() == []
    assert stored_items() == []


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("name", BROKEN)
def test_broken_images_are_415_on_completion_and_stored_nowhere(name: str) -> None:
    content_type, make, _reason = BROKEN[name]
    assert_error(_upload_large(make(), content_type), 415, "corrupt_image")
    assert stored_objects() == []
    assert stored_items() == []


def test_a_variant_of_a_broken_image_stored_before_is_a_415_not_a_500() -> None:
    spec = parse_spec({"width": "10"}, "image/png")
    assert spec is not None
    with pytest.raises(CorruptImageError):
        render(_forged_png(), spec)


# ---- 5: data after the image's end (polyglots) is refused on both paths ----


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("shell.php", "<?php system($_GET['c']); ?>")
    return out.getvalue()


PAYLOADS = {
    "html": lambda: b"<html><script>alert(document.domain)</script></html>",
    "php": lambda: b"<?php system($_GET['c']); ?>",
    "zip": _zip,
}
HOSTS = {
    "png": lambda: _save(_base(), "PNG"),
    "gif": lambda: _save(_base().quantize(16), "GIF"),
    "jpeg": lambda: _save(_base(), "JPEG"),
    "webp": lambda: _save(_base(), "WEBP"),
}


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("host", HOSTS)
def test_data_after_the_end_marker_is_refused(host: str, payload: str) -> None:
    with pytest.raises(TrailingDataError, match="follow the end of the"):
        detect_content_type(HOSTS[host]() + PAYLOADS[payload]())


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("host", HOSTS)
def test_polyglots_are_415_on_both_paths_and_stored_nowhere(host: str, payload: str) -> None:
    polyglot = HOSTS[host]() + PAYLOADS[payload]()
    assert_error(_upload_inline(polyglot), 415, "trailing_data")
    assert_error(_upload_large(polyglot, CONTENT_TYPES[host]), 415, "trailing_data")
    assert stored_objects() == []
    assert stored_items() == []


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize("host", HOSTS)
def test_with_metadata_stripped_the_appended_data_goes_and_the_image_is_stored(
    host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRIP_ORIGINAL_METADATA", "true")
    clear_process_caches()
    clean = HOSTS[host]()
    for response in (
        _upload_inline(clean + PAYLOADS["html"]()),
        _upload_large(clean + PAYLOADS["zip"](), CONTENT_TYPES[host]),
    ):
        assert response.status in (200, 201), response.text
        image_id = response.json()["image_id"]
        stored = boto3.client("s3").get_object(Bucket=BUCKET, Key=f"images/{image_id}")["Body"].read()
        assert b"<html>" not in stored
        assert b"shell.php" not in stored
        assert detect_content_type(stored) == CONTENT_TYPES[host]
