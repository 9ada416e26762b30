"""The image formats the service stores, in one table: everything that differs by format (its MIME
type, how messages name it, Pillow's name for it, the `format=` value and file extension of its
variants, whether variants may be written in it, its encoder's quality) is read from here.

Code that differs by format beyond data (reading a container: container_layout; removing embedded
metadata: embedded_metadata) keys its per-format functions by `ImageFormat.key`, and
tests/unit/test_formats.py checks each covers every format. openapi/api.yaml lists the content
types again (a copy: tests/unit/test_contract.py compares it)."""

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


FORMATS: Final = (
    ImageFormat("jpeg", "image/jpeg", "JPEG", "JPEG", variant_output=True, quality=85),
    ImageFormat("png", "image/png", "PNG", "PNG", variant_output=True),
    ImageFormat("gif", "image/gif", "GIF", "GIF", variant_output=False),
    ImageFormat("webp", "image/webp", "WebP", "WEBP", variant_output=True, quality=85),
)
BY_CONTENT_TYPE: Final = {fmt.content_type: fmt for fmt in FORMATS}
# Types are detected from the bytes, never from a name or a declared type.
CONTENT_TYPES: Final = tuple(BY_CONTENT_TYPE)
VARIANT_FORMATS: Final = {fmt.key: fmt.content_type for fmt in FORMATS if fmt.variant_output}

# The same types as a type for pydantic and mypy (a Literal must spell its values out).
ContentType = Literal["image/jpeg", "image/png", "image/gif", "image/webp"]
if get_args(ContentType) != CONTENT_TYPES:  # pragma: no cover - a broken edit fails every import
    raise RuntimeError("formats.ContentType must list FORMATS' content types in order")

NOT_AN_IMAGE: Final = (
    f"The file is not a {', '.join(f.name for f in FORMATS[:-1])} or {FORMATS[-1].name} image."
)


def of(content_type: str) -> ImageFormat:
    """The format of a stored or detected content type."""
    return BY_CONTENT_TYPE[content_type]
