"""Resized variants of an image (pure: bytes in, bytes out; no AWS calls).

A variant is named by its parameters, so the same request finds the stored copy. EXIF orientation
is applied, and no metadata (EXIF, GPS, ICC text chunks) is carried into the variant.

Within the cost model (contract.py, cost_model.py): both sides stay within MAX_VARIANT_SIDE
whatever is asked; a JPEG decodes at the coarsest scale that keeps the variant's detail (draft());
the decoded pixels are reduced by whole factors (reduce()) in bands, converted to a mode every
output format takes as they go, into a copy under twice the variant's sides; the decoded image is
released before that copy is resampled (Lanczos) to the variant. Every mode Pillow decodes our
formats to converts to every output format."""

import io
import math
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from image_service import contract, cost_model, formats
from image_service.container_layout import read_layout
from image_service.errors import BadRequestError, CorruptImageError
from image_service.image_verification import (
    DECODE_ERRORS,
    check_before_open,
    check_pixels,
    mapped,
    opener,
    orientation_of,
    stream,
)
from image_service.negotiation import negotiated_type
from image_service.query_params import bounded_int

if TYPE_CHECKING:
    from PIL import Image


@dataclass(frozen=True, slots=True)
class VariantSpec:
    width: int | None
    height: int | None
    fit: str
    content_type: str
    negotiated: bool = False  # format=auto: the answer varies with Accept (not part of the tag)

    @property
    def tag(self) -> str:
        """A stable name for the spec: part of the S3 key and of the ETag."""
        return (
            f"{self.width or 'auto'}x{self.height or 'auto'}-{self.fit}.{formats.of(self.content_type).key}"
        )


def parse_spec(query: dict[str, str], original_type: str, *, accept: str | None = None) -> VariantSpec | None:
    """The variant a request asks for, or None for the original bytes. `fit` alone asks for
    nothing; `format` alone converts at the original size (at most MAX_VARIANT_SIDE per side);
    `format=auto` takes the format from the client's Accept header (negotiation.py)."""
    fit = query.get("fit", "contain")
    if fit not in contract.VARIANT_FITS:
        raise BadRequestError(f"Query parameter 'fit' must be one of {', '.join(contract.VARIANT_FITS)}.")
    if not any(name in query for name in ("width", "height", "format")):
        return None
    width = bounded_int("width", query.get("width"), contract.MAX_VARIANT_SIDE)
    height = bounded_int("height", query.get("height"), contract.MAX_VARIANT_SIDE)
    fmt = query.get("format")
    negotiated = fmt == contract.AUTO_FORMAT
    if fmt is None:
        content_type = formats.of(original_type).default_variant
    elif negotiated:
        content_type = negotiated_type(accept, formats.auto_fallback(original_type))
    elif fmt in contract.VARIANT_FORMATS:
        content_type = contract.VARIANT_FORMATS[fmt]
    else:
        raise BadRequestError(
            f"Query parameter 'format' must be one of {', '.join(contract.VARIANT_FORMAT_VALUES)}."
        )
    return VariantSpec(width=width, height=height, fit=fit, content_type=content_type, negotiated=negotiated)


def object_key(image_id: str, spec: VariantSpec) -> str:
    return f"{variants_prefix(image_id)}{spec.tag}"


def variants_prefix(image_id: str) -> str:
    return f"variants/{image_id}/"


Box = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Geometry:
    """A variant's size and the source region it shows, both in the image's stored orientation."""

    size: tuple[int, int]
    crop: Box


def geometry(spec: VariantSpec, width: int, height: int, orientation: int = 1) -> Geometry:
    """Where a variant comes from: computed upright (EXIF `orientation` 5-8 swaps the sides), then
    mapped back. A side not asked for follows the aspect ratio, within MAX_VARIANT_SIDE; with
    neither, the image's own size within it (never enlarged); cover crops the centre, fill stretches."""
    swap = orientation in (5, 6, 7, 8)
    upright_w, upright_h = (height, width) if swap else (width, height)
    (out_w, out_h), crop = _upright(spec, upright_w, upright_h)
    if swap:  # the crop is centred, so it maps to the centred crop of the swapped extents
        return Geometry((out_h, out_w), (crop[1], crop[0], crop[3], crop[2]))
    return Geometry((out_w, out_h), crop)


def _upright(spec: VariantSpec, width: int, height: int) -> tuple[tuple[int, int], Box]:
    side = contract.MAX_VARIANT_SIDE
    whole: Box = (0.0, 0.0, float(width), float(height))
    if spec.width is not None and spec.height is not None and spec.fit != "contain":
        size = (spec.width, spec.height)
        if spec.fit == "fill":
            return size, whole
        if width * spec.height > height * spec.width:  # wider than the box: crop the sides
            kept = height * spec.width / spec.height
            return size, ((width - kept) / 2, 0.0, (width + kept) / 2, float(height))
        kept = width * spec.height / spec.width
        return size, (0.0, (height - kept) / 2, float(width), (height + kept) / 2)
    box_w, box_h = spec.width or side, spec.height or side
    scale = min(box_w / width, box_h / height)
    if spec.width is None and spec.height is None:
        scale = min(1.0, scale)
    size = (max(1, min(box_w, round(width * scale))), max(1, min(box_h, round(height * scale))))
    return size, whole


def jpeg_scale_for(geometry: Geometry) -> int:
    """The coarsest JPEG scale (1/1 to 1/8) that still has the variant's pixels in the region."""
    crop_w, crop_h = geometry.crop[2] - geometry.crop[0], geometry.crop[3] - geometry.crop[1]
    out_w, out_h = geometry.size
    return next(
        s for s in reversed(cost_model.JPEG_SCALES) if s == 1 or (crop_w / s >= out_w and crop_h / s >= out_h)
    )


def reduce_factors(crop: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int]:
    """Whole factors that leave the region between 1x and VARIANT_REDUCING_GAP (2x) the variant."""
    return max(1, (crop[2] - crop[0]) // size[0]), max(1, (crop[3] - crop[1]) // size[1])


_TRANSPOSES = {
    2: "FLIP_LEFT_RIGHT",
    3: "ROTATE_180",
    4: "FLIP_TOP_BOTTOM",
    5: "TRANSPOSE",
    6: "ROTATE_270",
    7: "TRANSVERSE",
    8: "ROTATE_90",
}


def render(source: bytes | IO[bytes], spec: VariantSpec) -> bytes:
    """The resized image, upright, without metadata, made inside the cost model's budget."""
    # Imported here: only variant requests decode pixels.
    from PIL import Image  # noqa: PLC0415

    with mapped(source) as data:
        layout = read_layout(data, allow_trailing=True)
        check_pixels(layout)
        check_before_open(layout, len(data))
        try:
            with Image.open(stream(data), formats=opener(formats.of(layout.content_type))) as image:
                orientation = orientation_of(image)
                plan = geometry(spec, image.width, image.height, orientation)
                if layout.content_type == "image/jpeg":
                    scale = cost_model.cheapest_jpeg_scale(
                        layout, image.mode, source_bytes=len(data), wanted=jpeg_scale_for(plan)
                    )
                    if scale > 1:
                        image.draft(None, (max(1, image.width // scale), max(1, image.height // scale)))
                else:
                    cost = cost_model.decode_cost(layout, image.mode, source_bytes=len(data))
                    cost_model.check_decode(layout, cost)
                image.load()
                work, box = _working_copy(image, plan, (layout.width, layout.height))
                if work is not image:
                    image.close()  # the decoded pixels go before the variant is resampled
                resized = work.resize(plan.size, Image.Resampling.LANCZOS, box=box)
                work.close()
        except DECODE_ERRORS as err:
            raise CorruptImageError(f"The {layout.name} image does not decode: {err}.") from err
    return _encode(resized, orientation, spec.content_type)


def work_mode(mode: str, *, transparency: bool = False) -> str:
    """The mode an image is resized in: premultiplied RGBA for anything transparent (resampling
    straight alpha bleeds the colour of invisible pixels), L for grayscale, else RGB. `transparency`:
    a palette or colour key (tRNS, GIF) makes some pixels transparent."""
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or transparency:
        return "RGBa"
    if mode in ("1", "L", "I", "F") or mode.startswith("I;16"):
        return "L"
    return "RGB"


def _to_work_mode(band: "Image.Image", mode: str) -> "Image.Image":
    if band.mode == mode:
        return band
    if mode == "RGBa":
        return (band if band.mode == "RGBA" else band.convert("RGBA")).convert("RGBa")
    if mode == "L" and (band.mode.startswith("I;16") or band.mode == "I"):
        return band.convert("I").point(lambda value: value * (1 / 256)).convert("L")  # 16 bits to 8
    return band.convert(mode)


def _working_copy(
    image: "Image.Image", plan: Geometry, full_size: tuple[int, int]
) -> tuple["Image.Image", Box]:
    """The region of the decoded image in the working mode, reduced by whole factors, made band by
    band (the decoded image is never copied whole); with the region of it to resample. The image
    itself when it needs neither conversion nor reduction."""
    from PIL import Image  # noqa: PLC0415

    sx, sy = image.width / full_size[0], image.height / full_size[1]  # a JPEG decoded at 1/scale
    crop = (plan.crop[0] * sx, plan.crop[1] * sy, plan.crop[2] * sx, plan.crop[3] * sy)
    region = (
        math.floor(crop[0]),
        math.floor(crop[1]),
        min(image.width, math.ceil(crop[2])),
        min(image.height, math.ceil(crop[3])),
    )
    mode = work_mode(image.mode, transparency="transparency" in image.info)
    kx, ky = reduce_factors(region, plan.size)
    if image.mode == mode and (kx, ky) == (1, 1):
        return image, crop
    width, height = region[2] - region[0], region[3] - region[1]
    work = Image.new(mode, (-(-width // kx), -(-height // ky)))
    rows = max(ky, contract.VARIANT_BAND_BYTES // (4 * width) // ky * ky)
    for top in range(region[1], region[3], rows):
        band = image.crop((region[0], top, region[2], min(region[3], top + rows)))
        band = _to_work_mode(band, mode)
        work.paste(band if (kx, ky) == (1, 1) else band.reduce((kx, ky)), (0, (top - region[1]) // ky))
    box = (
        (crop[0] - region[0]) / kx,
        (crop[1] - region[1]) / ky,
        (crop[2] - region[0]) / kx,
        (crop[3] - region[1]) / ky,
    )
    return work, box


def _encode(resized: "Image.Image", orientation: int, content_type: str) -> bytes:
    from PIL import Image  # noqa: PLC0415

    if resized.mode == "RGBa":
        resized = resized.convert("RGBA")
    output = formats.of(content_type)
    fmt = output.pillow
    if (fmt == "JPEG" and resized.mode == "RGBA") or (fmt in ("WEBP", "AVIF") and resized.mode == "L"):
        resized = resized.convert("RGB")
    if orientation in _TRANSPOSES:
        resized = resized.transpose(Image.Transpose[_TRANSPOSES[orientation]])
    out = io.BytesIO()
    # Nothing but pixels: no exif=, icc_profile= or pnginfo= is passed, so none is written.
    settings = {"quality": output.quality, "speed": output.speed}
    resized.save(out, format=fmt, **{name: value for name, value in settings.items() if value is not None})
    return out.getvalue()
