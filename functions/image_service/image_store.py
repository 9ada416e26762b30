"""Images as the API sees them: bytes in S3 and metadata in DynamoDB kept consistent.

S3 and DynamoDB share no transaction, so the order of writes is the design: the object is
written before its metadata (an image is visible only once both exist) and the metadata is
removed before its object (a listed image can always be fetched). An object left without
metadata is deleted, or, when that fails too, tagged for the bucket's lifecycle rule to expire."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger

from image_service import variants
from image_service.errors import ImageServiceError
from image_service.images import owner_key
from image_service.models import ImageRecord
from image_service.paging import decode_cursor, encode_cursor
from image_service.settings import get_settings
from image_service.storage.image_catalog import ImageCatalog
from image_service.storage.image_objects import ImageObjects
from image_service.variants import VariantSpec

logger = Logger(child=True)


@dataclass(frozen=True, slots=True)
class ImageStore:
    objects: ImageObjects
    catalog: ImageCatalog

    def save(self, record: ImageRecord, data: bytes) -> None:
        version = self.objects.put(
            record.object_key, data, content_type=record.content_type, sha256=record.sha256
        )
        try:
            self.catalog.put_new(record)
        except ImageServiceError:
            # Never visible to anyone: remove this version for good, not into the recovery window.
            self._discard_object(record, version)
            raise

    def metadata(self, image_id: str, tenant_id: str) -> ImageRecord:
        return self.catalog.get(image_id, tenant_id)

    def edit(self, record: ImageRecord, changes: dict[str, Any]) -> ImageRecord:
        return self.catalog.update(record, changes)

    def data(self, record: ImageRecord) -> bytes:
        """The bytes of a record already read (a missing object is a 404, never a 500)."""
        return self.objects.get(record.object_key)

    def variant(self, record: ImageRecord, spec: VariantSpec) -> bytes:
        """A resized variant: from S3 when made before, else made now and stored."""
        key = variants.object_key(record.image_id, spec)
        stored = self.objects.find(key)
        if stored is not None:
            return stored
        data = variants.render(self.data(record), spec)
        self.objects.put_derived(key, data, content_type=spec.content_type)
        return data

    def list_page(
        self, tenant_id: str, user_id: str, *, limit: int, cursor: str | None, tag: str | None
    ) -> tuple[list[ImageRecord], str | None]:
        """A page of one user's images in one tenant, and the cursor of the next page."""
        owner = owner_key(tenant_id, user_id)
        start = None if cursor is None else decode_cursor(cursor, owner)
        records, next_key = self.catalog.list_page(owner, limit=limit, start_key=start, tag=tag)
        return records, None if next_key is None else encode_cursor(next_key)

    def remove(self, image_id: str, tenant_id: str) -> ImageRecord:
        record = self.catalog.delete(image_id, tenant_id)
        # The image is gone for every reader now; the bytes and variants follow (bytes: or expire).
        self._discard_object(record)
        try:
            self.objects.delete_prefix(variants.variants_prefix(image_id))
        except ImageServiceError:
            logger.exception("variants left behind", extra=_where(record))
        return record

    def _discard_object(self, record: ImageRecord, version_id: str | None = None) -> None:
        """Delete an object no metadata points at; failing that, tag it to expire; never raise."""
        try:
            self.objects.delete(record.object_key, version_id)
        except ImageServiceError:
            try:
                self.objects.mark_orphan(record.object_key)
            except ImageServiceError:
                logger.exception("orphan object left behind, untagged", extra=_where(record))
            else:
                logger.warning("orphan object tagged to expire", extra=_where(record))


def _where(record: ImageRecord) -> dict[str, str]:
    return {"object_key": record.object_key, "image_id": record.image_id}


@lru_cache(maxsize=1)
def get_image_store() -> ImageStore:
    settings = get_settings()
    return ImageStore(
        objects=ImageObjects(settings.images_bucket),
        catalog=ImageCatalog(settings.images_table, settings.images_by_owner_index),
    )
