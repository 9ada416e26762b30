"""Image type detection from the bytes, never from names or headers: the magic number names the
format, then the format's own parser must accept the structure (no polyglots, no truncated or
forged headers) and the declared size must stay under the pixel cap (no decompression bombs)."""

import io
import warnings
from typing import BinaryIO, Final

from image_service import contract
from image_service.errors import EmptyImageError, TooManyPixelsError, UnsupportedImageTypeError

_PILLOW_FORMATS: Final = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
_NOT_AN_IMAGE = "The file is not a JPEG, PNG, GIF or WebP image."


def sniff_content_type(data: bytes) -> str:
    """The MIME type the leading bytes claim, among the allowed formats."""
    if not data:
        raise EmptyImageError("The image file is empty.")
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    raise UnsupportedImageTypeError(_NOT_AN_IMAGE)


def detect_content_type(data: bytes | BinaryIO) -> str:
    """The MIME type of a well-formed image of an allowed format, or an error for anything else.
    Reads headers and checks structure without decoding pixels, so cost stays small. A file is
    read from its current position (a spooled upload need not be held in memory)."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    start = stream.tell()
    content_type = sniff_content_type(stream.read(12))
    stream.seek(start)
    # Imported here: only uploads parse images, and Pillow is the heaviest import in the zip.
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415

    try:
        with warnings.catch_warnings():
            # Pillow warns of bombs below its own cap; the check below decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(stream, formats=[_PILLOW_FORMATS[content_type]]) as image:
                width, height = image.size
                if width * height > contract.MAX_IMAGE_PIXELS:
                    raise TooManyPixelsError(
                        f"The image declares {width}x{height} pixels; "
                        f"the limit is {contract.MAX_IMAGE_PIXELS:,} pixels."
                    )
                image.verify()
    except Image.DecompressionBombError as err:  # Pillow's own cap, far above ours
        raise TooManyPixelsError(f"The limit is {contract.MAX_IMAGE_PIXELS:,} pixels.") from err
    except (UnidentifiedImageError, SyntaxError, ValueError, EOFError, OSError) as err:
        raise UnsupportedImageTypeError(_NOT_AN_IMAGE) from err
    return content_type
