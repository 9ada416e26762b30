"""Pure image logic: decoding uploads, naming objects, building records and download headers.
No AWS calls here; storage/ does the I/O."""

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from image_service import base64_codec, contract, embedded_metadata
from image_service.errors import ImageNotFoundError, InvalidBase64Error, PayloadTooLargeError
from image_service.image_types import detect_content_type
from image_service.models import ImageDescription, ImageRecord, too_large_inline

_IMAGE_ID = re.compile(contract.IMAGE_ID_PATTERN)


def check_image_id(image_id: str) -> str:
    """Ids are server-made UUIDs; anything else names no image."""
    if not _IMAGE_ID.fullmatch(image_id):
        raise ImageNotFoundError("No image with this id.")
    return image_id


def decode_image(file_base64: str) -> bytes:
    """The raw bytes of a base64 upload (standard alphabet, padding required)."""
    try:
        data = base64_codec.decode(file_base64)
    except (base64_codec.Error, ValueError) as err:
        raise InvalidBase64Error("The 'file' field is not valid base64.") from err
    if len(data) > contract.MAX_IMAGE_BYTES:
        raise PayloadTooLargeError(too_large_inline())
    return data


def as_stored(data: bytes, *, strip_metadata: bool) -> bytes:
    """The bytes to store: as uploaded, or without embedded metadata when the deployment asks
    (settings.strip_original_metadata; lossless, the orientation kept)."""
    return embedded_metadata.strip(data) if strip_metadata else data


def owner_key(tenant_id: str, user_id: str) -> str:
    """The by-owner index key: a user id names a user within one tenant (API key) only.
    '#' appears in neither part (user ids are [A-Za-z0-9_.@-], key ids alphanumeric)."""
    return f"{tenant_id}#{user_id}"


def object_key_for(image_id: str) -> str:
    # Server-made and id-first: no client text reaches S3 keys.
    return f"images/{image_id}"


def timestamp(now: datetime) -> str:
    """Fixed-width UTC timestamp, so text order is time order in the by-user index."""
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def image_record(
    description: ImageDescription,
    *,
    image_id: str,
    tenant_id: str,
    content_type: str,
    size: int,
    sha256: str,
    now: datetime,
) -> ImageRecord:
    """The record of an image: what the client said of it, what its bytes are, whose it is and
    since when."""
    return ImageRecord(
        image_id=image_id,
        user_id=description.user_id,
        image_name=description.image_name,
        description=description.description,
        tags=list(description.tags),
        content_type=content_type,
        size=size,
        sha256=sha256,
        created_at=timestamp(now),
        tenant_id=tenant_id,
        owner=owner_key(tenant_id, description.user_id),
        object_key=object_key_for(image_id),
    )


def new_image_record(
    request: ImageDescription, data: bytes, *, tenant_id: str, now: datetime, image_id: str | None = None
) -> ImageRecord:
    """The record of a new upload by one tenant; raises for empty or non-image bytes."""
    return image_record(
        request,
        image_id=image_id or str(uuid.uuid4()),
        tenant_id=tenant_id,
        content_type=detect_content_type(data),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        now=now,
    )


def metadata_json(record: ImageRecord) -> str:
    """The public metadata as compact ASCII JSON: the X-Image-Metadata header value, and what the
    metadata ETag covers (header values must not carry raw UTF-8 or control characters)."""
    return json.dumps(record.public().model_dump(), separators=(",", ":"))


def content_disposition(image_name: str, *, download: bool) -> str:
    """RFC 6266 header: an ASCII fallback name plus RFC 5987 filename* for the exact name."""
    disposition = "attachment" if download else "inline"
    fallback = "".join(char if 0x20 <= ord(char) < 0x7F and char not in '"\\' else "_" for char in image_name)
    header = f'{disposition}; filename="{fallback}"'
    if fallback != image_name:
        header += f"; filename*=UTF-8''{quote(image_name, safe='')}"
    return header
