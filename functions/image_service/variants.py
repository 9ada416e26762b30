"""Resized variants of an image (pure: bytes in, bytes out; no AWS calls).

A variant is named by its parameters, so the same request finds the stored copy. EXIF orientation
is applied, and no metadata (EXIF, GPS, ICC text chunks) is carried into the variant."""

import io
from dataclasses import dataclass

from image_service import contract
from image_service.errors import BadRequestError
from image_service.query_params import bounded_int

_EXTENSIONS = {"image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp"}


@dataclass(frozen=True, slots=True)
class VariantSpec:
    width: int | None
    height: int | None
    fit: str
    content_type: str

    @property
    def tag(self) -> str:
        """A stable name for the spec: part of the S3 key and of the ETag."""
        return f"{self.width or 'auto'}x{self.height or 'auto'}-{self.fit}.{_EXTENSIONS[self.content_type]}"


def parse_spec(query: dict[str, str], original_type: str) -> VariantSpec | None:
    """The variant a request asks for, or None for the original bytes. `fit` alone asks for
    nothing; `format` alone converts at the original size (at most MAX_VARIANT_SIDE per side)."""
    fit = query.get("fit", "contain")
    if fit not in contract.VARIANT_FITS:
        raise BadRequestError(f"Query parameter 'fit' must be one of {', '.join(contract.VARIANT_FITS)}.")
    if not any(name in query for name in ("width", "height", "format")):
        return None
    width = bounded_int("width", query.get("width"), contract.MAX_VARIANT_SIDE)
    height = bounded_int("height", query.get("height"), contract.MAX_VARIANT_SIDE)
    fmt = query.get("format")
    if fmt is None:
        content_type = original_type if original_type in _EXTENSIONS else "image/png"
    elif fmt in contract.VARIANT_FORMATS:
        content_type = contract.VARIANT_FORMATS[fmt]
    else:
        raise BadRequestError(
            f"Query parameter 'format' must be one of {', '.join(contract.VARIANT_FORMATS)}."
        )
    return VariantSpec(width=width, height=height, fit=fit, content_type=content_type)


def object_key(image_id: str, spec: VariantSpec) -> str:
    return f"{variants_prefix(image_id)}{spec.tag}"


def variants_prefix(image_id: str) -> str:
    return f"variants/{image_id}/"


def _box(spec: VariantSpec, width: int, height: int) -> tuple[int, int]:
    """The target size: a missing side follows the image's aspect ratio (so with one side every
    fit gives the same result); with neither, the image's own size within MAX_VARIANT_SIDE."""
    if spec.width is not None and spec.height is not None:
        return spec.width, spec.height
    if spec.width is not None:
        return spec.width, max(1, round(height * spec.width / width))
    if spec.height is not None:
        return max(1, round(width * spec.height / height)), spec.height
    scale = min(1.0, contract.MAX_VARIANT_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def render(data: bytes, spec: VariantSpec) -> bytes:
    """The resized image, upright, without metadata."""
    # Imported here: only variant requests decode pixels.
    from PIL import Image, ImageOps  # noqa: PLC0415

    with Image.open(io.BytesIO(data)) as original:
        image = ImageOps.exif_transpose(original)  # a new image: EXIF orientation applied
    box = _box(spec, image.width, image.height)
    if spec.fit == "cover":
        resized = ImageOps.fit(image, box, method=Image.Resampling.LANCZOS)
    elif spec.fit == "fill":
        resized = image.resize(box, Image.Resampling.LANCZOS)
    else:
        resized = ImageOps.contain(image, box, method=Image.Resampling.LANCZOS)
    fmt = _EXTENSIONS[spec.content_type].upper()
    if fmt == "JPEG" and resized.mode not in ("RGB", "L"):
        resized = resized.convert("RGB")
    elif resized.mode == "P":
        resized = resized.convert("RGBA")
    out = io.BytesIO()
    # Nothing but pixels: no exif=, icc_profile= or pnginfo= is passed, so none is written.
    resized.save(out, format=fmt, **({"quality": 85} if fmt in ("JPEG", "WEBP") else {}))
    return out.getvalue()
