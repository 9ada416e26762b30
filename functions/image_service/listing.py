"""Listing one user's images (service): a page at a time, newest first, optionally by tag; the
cursor is opaque to the client and bound to the listing it came from (paging.py)."""

from dataclasses import dataclass

from image_service.models import ImageMetadata
from image_service.paging import decode_cursor, encode_cursor
from image_service.records import owner_key
from image_service.storage.image_store import get_image_store


@dataclass(frozen=True, slots=True)
class Page:
    images: list[ImageMetadata]
    next_cursor: str | None


def list_page(tenant_id: str, user_id: str, *, limit: int, cursor: str | None, tag: str | None) -> Page:
    """A page of one user's images in one tenant, and the cursor of the next page."""
    owner = owner_key(tenant_id, user_id)
    start = None if cursor is None else decode_cursor(cursor, owner)
    records, next_key = get_image_store().catalog.list_page(owner, limit=limit, start_key=start, tag=tag)
    return Page(
        images=[record.public() for record in records],
        next_cursor=None if next_key is None else encode_cursor(next_key),
    )
