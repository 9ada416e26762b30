"""The image formats the service stores, in one table: everything that differs by format (its MIME
type, how messages name it, Pillow's name for it, the `format=` value and file extension of its
variants, whether variants may be written in it, its encoder's settings, what its decoder and encoder
take beside the pixels, the Pillow plugin that opens it) is read from here.

Code that differs by format beyond data (reading a container: container_layout; removing embedded
metadata: embedded_metadata) keys its per-format functions by `ImageFormat.key`, and
tests/unit/test_formats.py checks each covers every format. openapi/api.yaml lists the content
types again (a copy: tests/contract/test_contract.py compares it)."""

from dataclasses import dataclass
from typing import Final, Literal, get_args


@dataclass(frozen=True, slots=True)
class ImageFormat:
    key: str  # `format=` of a variant, its file extension, and the key of per-format code
    content_type: str
    name: str  # as messages name it
    pillow: str  # Image.open(formats=[...]) and Image.save(format=...)
    variant_output: bool  # a variant may be encoded in this format
    quality: int | None = None  # the encoder's quality setting for variants (lossy formats)
    speed: int | None = None  # the encoder's speed setting (AVIF: 0 slowest to 10 fastest)
    # What a variant of an image in this format is when no format is asked; and whether every
    # browser shows the format (format=auto falls back to JPEG for one that not every browser does).
    default_variant: str = ""
    everywhere: bool = True
    # The cost model (cost_model.py): the bytes a pixel takes while decoding, when the decoder's
    # buffers, not the mode, decide it (measured by bench/formats.py, rounded up); what the encoder
    # holds beside the variant's pixels, a pixel.
    decode_bytes_per_pixel: int | None = None
    encode_bytes_per_pixel: int = 0
    # The module and function that register the Pillow plugin decoding it (None: Pillow's own).
    plugin: tuple[str, str] | None = None


FORMATS: Final = (
    ImageFormat(
        "jpeg", "image/jpeg", "JPEG", "JPEG", variant_output=True, quality=85, default_variant="image/jpeg"
    ),
    ImageFormat("png", "image/png", "PNG", "PNG", variant_output=True, default_variant="image/png"),
    ImageFormat("gif", "image/gif", "GIF", "GIF", variant_output=False, default_variant="image/png"),
    # libwebp's encoder: 6.6 bytes a pixel at 2048x2048 (bench/formats.py)
    ImageFormat(
        "webp",
        "image/webp",
        "WebP",
        "WEBP",
        variant_output=True,
        quality=85,
        default_variant="image/webp",
        encode_bytes_per_pixel=7,
    ),
    # HEVC in HEIF (iPhone photos), decoded by libheif + libde265 (pillow-heif): the coded planes,
    # an RGB copy and the image: 7.8 bytes a pixel measured at 12 MP decoding alone, 8.4 to 9.6 as
    # an upload verifies it (bench/formats.py; libde265's threads vary it); 10 covers the worst.
    # Variants are JPEG by default.
    ImageFormat(
        "heic",
        "image/heic",
        "HEIC",
        "HEIF",
        variant_output=False,
        default_variant="image/jpeg",
        everywhere=False,
        decode_bytes_per_pixel=10,
        plugin=("pillow_heif", "register_heif_opener"),
    ),
    # AV1 in HEIF, by Pillow's libavif (dav1d decodes: 9.3 bytes a pixel at 12 MP alone, 9.9 as an
    # upload verifies it; 11 keeps a margin. aom encodes: 24 to 27.5 bytes a pixel). Quality 60 at
    # speed 10: the PSNR of WebP at quality 85 in 70% of its size, encoded faster than WebP
    # (bench/formats.py).
    ImageFormat(
        "avif",
        "image/avif",
        "AVIF",
        "AVIF",
        variant_output=True,
        quality=60,
        speed=10,
        default_variant="image/avif",
        everywhere=False,
        decode_bytes_per_pixel=11,
        encode_bytes_per_pixel=28,
    ),
)
BY_CONTENT_TYPE: Final = {fmt.content_type: fmt for fmt in FORMATS}
# Types are detected from the bytes, never from a name or a declared type.
CONTENT_TYPES: Final = tuple(BY_CONTENT_TYPE)
VARIANT_FORMATS: Final = {fmt.key: fmt.content_type for fmt in FORMATS if fmt.variant_output}

# The same types as a type for pydantic and mypy (a Literal must spell its values out).
ContentType = Literal["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/avif"]
if get_args(ContentType) != CONTENT_TYPES:  # pragma: no cover - a broken edit fails every import
    raise RuntimeError("formats.ContentType must list FORMATS' content types in order")

NOT_AN_IMAGE: Final = (
    f"The file is not a {', '.join(f.name for f in FORMATS[:-1])} or {FORMATS[-1].name} image."
)


def of(content_type: str) -> ImageFormat:
    """The format of a stored or detected content type."""
    return BY_CONTENT_TYPE[content_type]


def auto_fallback(content_type: str) -> str:
    """What format=auto serves a client that names neither AVIF nor WebP: the variant an image of
    this type gets by default, or JPEG when not every browser shows that."""
    default = of(of(content_type).default_variant)
    return default.content_type if default.everywhere else "image/jpeg"
