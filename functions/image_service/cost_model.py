"""The cost model of image work (pure): what decoding an image allocates, in bytes, from its layout
and the mode Pillow decodes it to, checked against contract.DECODE_BUDGET_BYTES before any decoder
runs. Measured against Pillow 12.2 and 13 (bench/ reports the worst case beside the function's
memory):

- Pillow keeps pixels in 1 byte (modes 1, L, P), 2 bytes (I;16) or 4 bytes (every other mode:
  RGB is stored as RGBX).
- JPEG decodes at 1/1, 1/2, 1/4 or 1/8 scale (draft()); a JPEG in several scans (progressive)
  also makes libjpeg hold all its DCT coefficients, 2 bytes each, at full size whatever the scale:
  3 bytes a pixel more for 4:2:0 colour, 8 for 4:4:4:4 CMYK.
- WebP goes through libwebp's animation decoder at any scale (the only one Pillow has): two canvases
  of 4 bytes a pixel, the frame copied out (4) and into the image (4), and the file read whole.
- GIF decodes a frame into a canvas-sized image; a later frame's palette may make it RGB(A).
- HEIC (libheif, libde265) and AVIF (libavif, dav1d) decode to planes of YCbCr, then to an RGB copy
  Pillow's image is made from: the bytes a pixel of the coded size (ispe) takes are the format's
  own (formats.ImageFormat.decode_bytes_per_pixel: 10 and 11, from up to 9.6 and 10.0 measured at 12 MP).
- A variant's encoder holds buffers of its own beside the variant's pixels: libaom 24 to 28 bytes a
  pixel, libwebp 7 (encode_bytes_per_pixel); the decoded image and the working copy are released
  before it runs (variants.render), so variant pixels and encoder together must fit
  IMAGE_MEMORY_BYTES (encode_cost; tests/unit/test_cost_model.py checks the largest variant)."""

from dataclasses import dataclass

from image_service import contract, formats
from image_service.container_layout import Layout
from image_service.errors import ImageTooCostlyError

JPEG_SCALES = (1, 2, 4, 8)
_WEBP_BYTES_PER_PIXEL = 16
_MB = 1_000_000


def bytes_per_pixel(mode: str) -> int:
    """How many bytes Pillow keeps for one pixel of `mode`."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


def jpeg_coefficient_bytes(layout: Layout) -> int:
    """What libjpeg holds for a buffered (multi-scan) JPEG: every 8x8 block of every component,
    64 coefficients of 2 bytes, over whole MCUs."""
    h_max = max(h for h, _ in layout.sampling)
    v_max = max(v for _, v in layout.sampling)
    mcu_columns = -(-layout.width // (8 * h_max))
    mcu_rows = -(-layout.height // (8 * v_max))
    blocks = sum(mcu_columns * h * mcu_rows * v for h, v in layout.sampling)
    return blocks * 64 * 2


def scaled(layout: Layout, scale: int) -> tuple[int, int]:
    """The size a JPEG decodes to at 1/scale (libjpeg rounds up)."""
    return -(-layout.width // scale), -(-layout.height // scale)


@dataclass(frozen=True, slots=True)
class DecodeCost:
    pixels: int  # decoded, at the scale asked for
    pixel_bytes: int
    decoder_bytes: int  # the decoder's own buffers beside the pixels

    @property
    def total(self) -> int:
        return self.pixel_bytes + self.decoder_bytes


def decode_cost(layout: Layout, mode: str, *, source_bytes: int, scale: int = 1) -> DecodeCost:
    """What decoding the image's first frame allocates (JPEG at 1/scale; other formats at 1/1)."""
    if layout.content_type == "image/jpeg":
        width, height = scaled(layout, scale)
        coefficients = jpeg_coefficient_bytes(layout) if layout.buffered else 0
        return DecodeCost(width * height, width * height * bytes_per_pixel(mode), coefficients)
    pixels = layout.pixels
    per_pixel = formats.of(layout.content_type).decode_bytes_per_pixel
    if per_pixel is not None:  # the decoder's planes and copies, whatever the mode
        return DecodeCost(pixels, pixels * 4, pixels * (per_pixel - 4))
    if layout.content_type == "image/webp":
        # The canvases, the frame's copy and the file are the decoder's; the image holds 4 bytes.
        return DecodeCost(pixels, pixels * 4, pixels * (_WEBP_BYTES_PER_PIXEL - 4) + source_bytes)
    if layout.content_type == "image/gif" and layout.frames > 1:
        return DecodeCost(pixels, pixels * bytes_per_pixel(mode), pixels * 4)  # may load as RGBA
    return DecodeCost(pixels, pixels * bytes_per_pixel(mode), 0)


def check_decode(layout: Layout, cost: DecodeCost) -> None:
    """400 for an image whose decoding would not fit the budget (contract.DECODE_BUDGET_BYTES)."""
    if cost.total > contract.DECODE_BUDGET_BYTES:
        raise _too_costly(layout, cost)


def _too_costly(layout: Layout, cost: DecodeCost) -> ImageTooCostlyError:
    return ImageTooCostlyError(
        f"Decoding this {layout.width}x{layout.height} {layout.name} image would take "
        f"{cost.total / _MB:,.0f} MB; the limit is {contract.DECODE_BUDGET_BYTES / _MB:,.0f} MB "
        f"(e.g. {contract.DECODE_BUDGET_BYTES // 4 / _MB:,.1f} million pixels of colour PNG, or "
        f"{contract.DECODE_BUDGET_BYTES // _WEBP_BYTES_PER_PIXEL / _MB:,.1f} million of WebP)."
    )


def cheapest_jpeg_scale(layout: Layout, mode: str, *, source_bytes: int, wanted: int) -> int:
    """The JPEG scale a variant decodes at: `wanted` (the coarsest that keeps the variant's detail)
    when it fits the budget, else the finest coarser one that does; 400 when none does."""
    cost = decode_cost(layout, mode, source_bytes=source_bytes, scale=wanted)
    for scale in (s for s in JPEG_SCALES if s >= wanted):
        cost = decode_cost(layout, mode, source_bytes=source_bytes, scale=scale)
        if cost.total <= contract.DECODE_BUDGET_BYTES:
            return scale
    raise _too_costly(layout, cost)


def encode_cost(pixels: int, content_type: str) -> int:
    """What encoding a variant of `pixels` pixels holds: the pixels (4 bytes each) and the
    encoder's own buffers (formats.ImageFormat.encode_bytes_per_pixel)."""
    return pixels * (4 + formats.of(content_type).encode_bytes_per_pixel)
