"""Image records and what is derived from them (pure): ids, keys, timestamps, the record of an
image, its metadata header and download headers. No AWS calls here; storage/ does the I/O."""

import json
import re
from datetime import UTC, datetime
from urllib.parse import quote

from image_service import contract
from image_service.errors import ImageNotFoundError
from image_service.image_verification import Inspection
from image_service.models import ImageDescription, ImageRecord

_IMAGE_ID = re.compile(contract.IMAGE_ID_PATTERN)


def check_image_id(image_id: str) -> str:
    """Ids are server-made UUIDs; anything else names no image."""
    if not _IMAGE_ID.fullmatch(image_id):
        raise ImageNotFoundError("No image with this id.")
    return image_id


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


def build_record(
    description: ImageDescription,
    *,
    image_id: str,
    tenant_id: str,
    shown: Inspection,
    size: int,
    sha256: str,
    now: datetime,
) -> ImageRecord:
    """The record of an image: what the client said of it, what its bytes are (type, upright size,
    placeholder: `shown`), whose it is and since when."""
    return ImageRecord(
        image_id=image_id,
        user_id=description.user_id,
        image_name=description.image_name,
        description=description.description,
        tags=list(description.tags),
        content_type=shown.content_type,
        width=shown.width,
        height=shown.height,
        placeholder=shown.placeholder,
        size=size,
        sha256=sha256,
        created_at=timestamp(now),
        tenant_id=tenant_id,
        owner=owner_key(tenant_id, description.user_id),
        object_key=object_key_for(image_id),
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
