"""Image type detection and verification from the bytes, never from names or headers: the magic
number names the format, the container must be complete with nothing after its end (container_layout),
the declared size must stay under the pixel cap and the decode inside the cost model's budget
(cost_model), and then the image must decode. What passes can be served, resized and converted.

The first frame is decoded (the one variants are made from); the frames after it are checked as
structure (every block present, up to the trailer), not decoded. A JPEG decodes at 1/8 scale:
libjpeg still reads every entropy-coded bit, so truncation shows, at a fraction of the work."""

import importlib
import io
import mmap
import struct
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import IO, TYPE_CHECKING, BinaryIO, Final

from image_service import contract, cost_model, formats
from image_service.container_layout import ImageBytes, Layout, read_layout, sniff_content_type
from image_service.errors import (
    CorruptImageError,
    EmptyImageError,
    TooManyPixelsError,
    UnsupportedImageTypeError,
)
from image_service.placeholder import placeholder_of

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["DECODE_ERRORS", "detect_content_type", "inspect", "mapped", "sniff_content_type", "verify"]

# What Pillow and its decoders raise for bytes they cannot decode (libavif and libheif: RuntimeError).
DECODE_ERRORS: Final = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    RuntimeError,
    struct.error,
    zlib.error,
)


@dataclass(frozen=True, slots=True)
class Inspection:
    """What verifying an image found: its type, its size as shown (after EXIF orientation), and
    its placeholder (placeholder.py), made from the pixels verification decoded."""

    content_type: str
    width: int
    height: int
    placeholder: str


def detect_content_type(data: bytes | IO[bytes]) -> str:
    """The MIME type of a verified image (see the module docstring), or the 4xx error it gets."""
    return inspect(data).content_type


def inspect(data: bytes | IO[bytes], *, allow_trailing: bool = False) -> Inspection:
    """A verified image's type, upright size and placeholder, or the 4xx error it gets. A file is
    read whole from its start, mapped rather than copied (a spooled upload of 50 MB).
    `allow_trailing`: an image stored before uploads refused appended data (the backfill)."""
    with mapped(data) as view:
        return verify(view, allow_trailing=allow_trailing)


@contextmanager
def mapped(data: bytes | IO[bytes]) -> Iterator[ImageBytes]:
    """The bytes, or a read-only map of the whole file."""
    if isinstance(data, bytes):
        yield data
        return
    size = data.seek(0, io.SEEK_END)
    data.seek(0)
    if not size:
        raise EmptyImageError("The image file is empty.")
    with mmap.mmap(data.fileno(), 0, access=mmap.ACCESS_READ) as view:
        yield view


def check_pixels(layout: Layout) -> None:
    if layout.pixels > contract.MAX_IMAGE_PIXELS:
        raise TooManyPixelsError(
            f"The image declares {layout.width}x{layout.height} pixels; "
            f"the limit is {contract.MAX_IMAGE_PIXELS:,} pixels."
        )


def stream(data: ImageBytes) -> BinaryIO:
    """A file over the bytes for Pillow, without copying them (an mmap is one already)."""
    return io.BytesIO(data) if isinstance(data, bytes) else data  # type: ignore[return-value]


def opener(fmt: formats.ImageFormat) -> list[str]:
    """Image.open's `formats=` for an image of `fmt`, its Pillow plugin registered first."""
    if fmt.plugin is not None:
        _register(fmt.plugin)
    return [fmt.pillow]


@cache
def _register(plugin: tuple[str, str]) -> None:
    module, function = plugin
    getattr(importlib.import_module(module), function)()


def check_before_open(layout: Layout, source_bytes: int) -> None:
    """The decode cost of formats whose decoders allocate on open or whose cost does not depend
    on the mode (WebP's canvases; HEIF's planes), checked before any decoder runs."""
    fmt = formats.of(layout.content_type)
    if layout.content_type == "image/webp" or fmt.decode_bytes_per_pixel is not None:
        cost_model.check_decode(layout, cost_model.decode_cost(layout, "RGBA", source_bytes=source_bytes))


def orientation_of(image: "Image.Image") -> int:
    """The EXIF orientation (1-8) a decoded image is shown by; 1 when none."""
    value = image.getexif().get(_ORIENTATION_TAG, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


_ORIENTATION_TAG = 0x0112


def verify(data: ImageBytes, *, allow_trailing: bool = False) -> Inspection:
    """What an image that decodes inside the budget is (Inspection); 400 or 415 with the reason."""
    layout = read_layout(data, allow_trailing=allow_trailing)
    check_pixels(layout)
    check_before_open(layout, len(data))
    if layout.content_type == "image/jpeg":
        _check_jpeg_data(layout)
    # Imported here: only uploads and variants decode images, and Pillow is the heaviest import.
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415

    if isinstance(data, mmap.mmap):
        data.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the cap above decides
            with Image.open(stream(data), formats=opener(formats.of(layout.content_type))) as image:
                if image.size != (layout.width, layout.height):
                    raise CorruptImageError(
                        f"The {layout.name} image declares {layout.width}x{layout.height} pixels in its "
                        f"container but {image.width}x{image.height} in its image data."
                    )
                scale = cost_model.JPEG_SCALES[-1] if layout.content_type == "image/jpeg" else 1
                cost = cost_model.decode_cost(layout, image.mode, source_bytes=len(data), scale=scale)
                cost_model.check_decode(layout, cost)
                if scale > 1:
                    image.draft(None, (max(1, image.width // scale), max(1, image.height // scale)))
                image.load()
                orientation = orientation_of(image)
                width, height = (
                    (layout.height, layout.width) if orientation > 4 else (layout.width, layout.height)
                )
                placeholder = placeholder_of(image, orientation)
    except Image.DecompressionBombError as err:  # Pillow's own cap, far above ours
        raise TooManyPixelsError(f"The limit is {contract.MAX_IMAGE_PIXELS:,} pixels.") from err
    except UnidentifiedImageError as err:
        raise UnsupportedImageTypeError(formats.NOT_AN_IMAGE) from err
    except DECODE_ERRORS as err:
        raise CorruptImageError(f"The {layout.name} image does not decode: {err}.") from err
    return Inspection(layout.content_type, width, height, placeholder)


def _check_jpeg_data(layout: Layout) -> None:
    """Every 8x8 block of every component codes at least one bit (its DC coefficient): data too
    short for the declared size means forged dimensions (libjpeg would fill the rest with grey)."""
    blocks = cost_model.jpeg_coefficient_bytes(layout) // 128
    if layout.entropy_bytes * 8 < blocks:
        raise CorruptImageError(
            f"The JPEG image declares {layout.width}x{layout.height} pixels, more than its "
            f"{layout.entropy_bytes:,} bytes of image data can hold (forged dimensions)."
        )
