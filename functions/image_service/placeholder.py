"""The placeholder a client shows while an image loads: a BlurHash (https://blurha.sh), 4x3
components, about 28 characters (pure: pixels in, text out).

It is computed once, at upload, from the copy that verification already decoded (a JPEG at 1/8
scale, other formats whole), thumbnailed to at most PLACEHOLDER_SIDE pixels a side: its cost is a
copy of at most 32x32 pixels and a few thousand multiplications, whatever the image's size
(bench/: about 0.7 ms, beside an upload's 2.6 ms floor). The DCT is separable (rows first), so the
work is components x pixels. Measured against the Rust `blurhash` crate (fast-blurhash): identical
strings (tests/unit/test_placeholder.py keeps its answers)."""

import math
from operator import mul
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from PIL import Image

PLACEHOLDER_SIDE: Final = 32
X_COMPONENTS: Final = 4
Y_COMPONENTS: Final = 3
_CHARACTERS: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"
_LINEAR: Final = tuple(
    (value / 255) / 12.92 if value / 255 <= 0.04045 else ((value / 255 + 0.055) / 1.055) ** 2.4
    for value in range(256)
)


def placeholder_of(image: "Image.Image", orientation: int = 1) -> str:
    """The BlurHash of a decoded image, shown upright (EXIF `orientation`, 1-8)."""
    from PIL import Image  # noqa: PLC0415  (only uploads decode pixels)

    # Only small copies are made: modes Pillow averages without a whole copy are box-resized from
    # the decoded image directly; the others are sampled down first (NEAREST copies nothing
    # whole), then converted: palette, 1-bit, 16-bit, float, and the modes with alpha, which
    # Pillow's resize and reduce premultiply into a full-size copy first (35 MP RGBA: +140 MB).
    if image.mode not in _AVERAGED_MODES:
        sampled = _fitted(image.size, 4 * PLACEHOLDER_SIDE)
        sample = image.resize(sampled, Image.Resampling.NEAREST)
        if sample.mode in ("I", "F") or sample.mode.startswith("I;16"):
            sample = sample.convert("I").point(lambda value: value * (1 / 256)).convert("L")  # 16 bits to 8
        image = sample.convert("RGBA" if sample.has_transparency_data else "RGB")
    small = image.resize(_fitted(image.size, PLACEHOLDER_SIDE), Image.Resampling.BOX, reducing_gap=2.0)
    upright = small.convert("RGB")
    transpose = _TRANSPOSES.get(orientation)
    if transpose is not None:
        upright = upright.transpose(Image.Transpose[transpose])
    return blurhash(upright.width, upright.height, upright.tobytes())


_AVERAGED_MODES: Final = frozenset({"L", "RGB", "RGBX", "CMYK", "YCbCr"})


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` scaled down to at most `side` pixels a side, keeping its aspect ratio (never up)."""
    scale = min(1.0, side / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


_TRANSPOSES: Final = {
    2: "FLIP_LEFT_RIGHT",
    3: "ROTATE_180",
    4: "FLIP_TOP_BOTTOM",
    5: "TRANSPOSE",
    6: "ROTATE_270",
    7: "TRANSVERSE",
    8: "ROTATE_90",
}


def blurhash(width: int, height: int, rgb: bytes) -> str:
    """The BlurHash of `width` x `height` RGB pixels (3 bytes each, row by row)."""
    channels = [[_LINEAR[value] for value in rgb[offset::3]] for offset in range(3)]
    basis_x = [[math.cos(math.pi * i * x / width) for x in range(width)] for i in range(X_COMPONENTS)]
    basis_y = [[math.cos(math.pi * j * y / height) for y in range(height)] for j in range(Y_COMPONENTS)]
    sums = []
    for channel in channels:
        rows = [channel[y * width : (y + 1) * width] for y in range(height)]
        by_row = [[sum(map(mul, row, basis_x[i])) for row in rows] for i in range(X_COMPONENTS)]
        sums.append(
            [[sum(map(mul, by_row[i], basis_y[j])) for i in range(X_COMPONENTS)] for j in range(Y_COMPONENTS)]
        )
    factors = [
        tuple((1 if i == j == 0 else 2) / (width * height) * sums[c][j][i] for c in range(3))
        for j in range(Y_COMPONENTS)
        for i in range(X_COMPONENTS)
    ]
    dc, ac = factors[0], factors[1:]
    largest = max(abs(value) for factor in ac for value in factor)
    quantised = max(0, min(82, math.floor(largest * 166 - 0.5)))
    maximum = (quantised + 1) / 166
    text = _base83((X_COMPONENTS - 1) + (Y_COMPONENTS - 1) * 9, 1) + _base83(quantised, 1)
    text += _base83((_srgb(dc[0]) << 16) + (_srgb(dc[1]) << 8) + _srgb(dc[2]), 4)
    for factor in ac:
        r, g, b = (max(0, min(18, math.floor(_signed_root(value / maximum) * 9 + 9.5))) for value in factor)
        text += _base83(r * 19 * 19 + g * 19 + b, 2)
    return text


def _base83(value: int, length: int) -> str:
    return "".join(_CHARACTERS[(value // 83 ** (length - 1 - index)) % 83] for index in range(length))


def _srgb(value: float) -> int:
    clamped = max(0.0, min(1.0, value))
    if clamped <= 0.0031308:
        return round(clamped * 12.92 * 255)
    return round((1.055 * float(clamped ** (1 / 2.4)) - 0.055) * 255)


def _signed_root(value: float) -> float:
    return math.copysign(math.sqrt(abs(value)), value)
