"""Image type detection from the leading bytes (magic numbers), never from names or headers."""

from image_service.errors import EmptyImageError, UnsupportedImageTypeError


def detect_content_type(data: bytes) -> str:
    """The MIME type of an allowed image format, or an error for anything else."""
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
    raise UnsupportedImageTypeError("The file is not a JPEG, PNG, GIF or WebP image.")
