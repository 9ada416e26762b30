"""Images' bytes in S3 and metadata in DynamoDB, kept consistent: the write-order primitives every
use case composes (inline_upload, large_upload, serving, deletion).

S3 and DynamoDB share no transaction, so the order of writes is the design: the object is
written before its metadata (an image is visible only once both exist) and the metadata is
removed before its object (a listed image can always be fetched). An object left without
metadata is deleted, or, when that fails too, tagged for the bucket's lifecycle rule to expire.

A completed large upload is published by one transaction that also closes its pending upload
(publish_completed): of concurrent completions one publishes, and every other removes its own
copy and answers with the image that one published (large_upload.py).

A variant is made on request, so one may be written while its image is being deleted, after the
delete swept the image's variants: each is written tagged to expire, then checked against the
image's metadata and kept (untagged) or removed (see store_variant)."""

from dataclasses import dataclass
from functools import lru_cache

from aws_lambda_powertools import Logger

from image_service import variants
from image_service.errors import ImageNotFoundError, ImageServiceError
from image_service.models import ImageRecord, PendingUpload
from image_service.settings import get_settings
from image_service.storage.image_catalog import ImageCatalog
from image_service.storage.image_objects import ImageObjects
from image_service.storage.pending_uploads import PendingUploads

logger = Logger(child=True)


@dataclass(frozen=True, slots=True)
class ImageStore:
    """The three stores, and the writes that must happen in one order across them."""

    objects: ImageObjects
    catalog: ImageCatalog
    pending: PendingUploads

    def save(self, record: ImageRecord, data: bytes) -> None:
        """Store a new image: its bytes, then its metadata (without which the bytes go)."""
        version = self.objects.put(
            record.object_key, data, content_type=record.content_type, sha256=record.sha256
        )
        self.publish(record, version)

    def publish(self, record: ImageRecord, version: str | None) -> None:
        """Write the metadata of bytes already stored; without it, the bytes are removed."""
        try:
            self.catalog.put_new(record)
        except ImageServiceError:
            # Never visible to anyone: remove this version for good, not into the recovery window.
            self._discard_object(record, version)
            raise

    def publish_completed(self, record: ImageRecord, version: str | None, pending: PendingUpload) -> bool:
        """Write a completed upload's metadata and close the upload, in one transaction; False
        when another completion did first (or the upload is closed). Bytes not published are
        removed: this completion's own version of them, never the one published."""
        try:
            published = self.catalog.put_completed(record, self.pending.closing(pending))
        except ImageServiceError:
            self._discard_unpublished(record, version)
            raise
        if not published:
            self._discard_unpublished(record, version)
        return published

    def store_variant(self, record: ImageRecord, key: str, data: bytes, content_type: str) -> None:
        """Store a variant so that it never outlives its image. It is written tagged as an orphan
        (the lifecycle rule expires it, whatever happens next), then the image's metadata is read:
        gone, and the image's delete may have swept its variants before this write, so the variant
        is removed and the image is not found; there, and a delete from now on sweeps the variant
        (metadata first, then variants), so it is adopted: untagged, kept."""
        version = self.objects.put_derived(key, data, content_type=content_type)
        try:
            self.catalog.get(record.image_id, record.tenant_id)
        except ImageNotFoundError:
            self.discard(key, version)
            raise
        try:
            self.objects.adopt(key, version)
        except ImageServiceError:
            logger.exception("variant left tagged to expire", extra={"object_key": key})

    def remove(self, image_id: str, tenant_id: str) -> ImageRecord:
        """Delete the tenant's image: its metadata, then its bytes and variants."""
        record = self.catalog.delete(image_id, tenant_id)
        # The image is gone for every reader now; the bytes and variants follow (bytes: or expire).
        self._discard_object(record)
        try:
            self.objects.delete_prefix(variants.variants_prefix(image_id))
        except ImageServiceError:
            logger.exception("variants left behind", extra=_where(record))
        return record

    def discard(self, key: str, version_id: str | None) -> None:
        """Delete bytes no longer needed (staged, or a variant of a deleted image); the lifecycle
        rule expires them if this fails."""
        try:
            self.objects.delete(key, version_id)
        except ImageServiceError:
            logger.exception("object left to expire", extra={"object_key": key})

    def _discard_unpublished(self, record: ImageRecord, version: str | None) -> None:
        """Remove the version a completion wrote when its metadata was not written. Concurrent
        completions write the same key, and another's version may be the image: so only this
        version goes, and on an unversioned bucket (no version id) the object stays if an image
        is published there. Failing that, the version is left as it is (logged): an orphan tag
        on the key would expire the image's current version too."""
        if version is None:
            try:
                self.catalog.get(record.image_id, record.tenant_id)
            except ImageNotFoundError:
                self._discard_object(record)
            except ImageServiceError:
                logger.exception("unpublished copy left in place", extra=_where(record))
            return
        try:
            self.objects.delete(record.object_key, version)
        except ImageServiceError:
            logger.exception("unpublished version left behind", extra=_where(record))

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
        pending=PendingUploads(settings.uploads_table),
    )
