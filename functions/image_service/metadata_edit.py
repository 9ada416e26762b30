"""Editing an image's descriptive metadata (service): name, description, tags; owner only,
conditional on If-Match when the client sends one, and never a lost update (the record's revision)."""

from dataclasses import dataclass

from image_service import http_caching
from image_service.errors import PreconditionFailedError
from image_service.models import ImageRecord, MetadataEdit, parse_json
from image_service.records import check_image_id, metadata_json
from image_service.storage.image_store import get_image_store


@dataclass(frozen=True, slots=True)
class Edited:
    record: ImageRecord
    etag: str  # of the new metadata, as GET ?metadata=true reports it
    fields: list[str]  # the fields changed


def edit(image_id: str, tenant_id: str, body: bytes, *, if_match: str | None) -> Edited:
    """Apply the changes a PATCH body names (MetadataEdit) unless If-Match names other metadata
    (412) or another edit lands first (409)."""
    check_image_id(image_id)
    changes = parse_json(body, MetadataEdit).changes()
    catalog = get_image_store().catalog
    current = catalog.get(image_id, tenant_id)
    if if_match is not None and not http_caching.matches(
        if_match, http_caching.entity_tag(current.sha256, metadata_json(current)), weak=False
    ):
        raise PreconditionFailedError("If-Match does not name the current metadata; fetch it and retry.")
    updated = catalog.update(current, changes)
    return Edited(updated, http_caching.entity_tag(updated.sha256, metadata_json(updated)), sorted(changes))
