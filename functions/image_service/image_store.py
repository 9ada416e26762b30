"""Images as the API sees them: bytes in S3 and metadata in DynamoDB kept consistent.

S3 and DynamoDB share no transaction, so the order of writes is the design: the object is
written before its metadata (an image is visible only once both exist) and the metadata is
removed before its object (a listed image can always be fetched). An object left without
metadata is deleted, or, when that fails too, tagged for the bucket's lifecycle rule to expire.

A large image arrives under the staging prefix first; it is copied to its image key, like an inline
upload's put, only once its bytes are verified. Completions of one upload may run at once (client
retries); each does the same work, one transaction publishes the image and closes the upload, and
every other completion answers with the image that one published (see complete_upload).

A variant is made on request, so one may be written while its image is being deleted, after the
delete swept the image's variants: each is written tagged to expire, then checked against the
image's metadata and kept (untagged) or removed (see variant)."""

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import IO, Any

from aws_lambda_powertools import Logger

from image_service import contract, embedded_metadata, uploads, variants
from image_service.errors import (
    BadRequestError,
    ImageNotFoundError,
    ImageServiceError,
    PayloadTooLargeError,
    UnsupportedImageTypeError,
    UploadNotReceivedError,
)
from image_service.image_types import detect_content_type
from image_service.images import owner_key
from image_service.models import ImageRecord, PendingUpload, PresignedPost, UploadIntent
from image_service.paging import decode_cursor, encode_cursor
from image_service.settings import get_settings
from image_service.storage.image_catalog import ImageCatalog
from image_service.storage.image_objects import ImageObjects, StoredObject
from image_service.storage.pending_uploads import PendingUploads
from image_service.variants import VariantSpec


@dataclass(frozen=True, slots=True)
class Served:
    """What a GET answers with: the object's key and size, and its bytes when they fit inline
    (None: too large for a Lambda response, so the client gets a presigned URL instead)."""

    key: str
    content_type: str
    size: int
    data: bytes | None


logger = Logger(child=True)


@dataclass(frozen=True, slots=True)
class ImageStore:
    objects: ImageObjects
    catalog: ImageCatalog
    pending: PendingUploads
    strip_metadata: bool = False  # settings.strip_original_metadata: large uploads too

    def save(self, record: ImageRecord, data: bytes) -> None:
        version = self.objects.put(
            record.object_key, data, content_type=record.content_type, sha256=record.sha256
        )
        self._publish(record, version)

    def start_upload(
        self, intent: UploadIntent, *, tenant_id: str, now: datetime
    ) -> tuple[PendingUpload, PresignedPost]:
        """Record a pending upload and sign the POST that sends its bytes to the staging key."""
        pending = uploads.new_pending_upload(intent, tenant_id=tenant_id, now=now)
        self.pending.put(pending)
        post = self.objects.presigned_post(
            pending.staging_key,
            content_type=pending.content_type,
            max_bytes=contract.MAX_LARGE_IMAGE_BYTES,
            expires_in=contract.UPLOAD_EXPIRY_SECONDS,
        )
        return pending, PresignedPost(url=post["url"], fields=post["fields"])

    def complete_upload(self, image_id: str, tenant_id: str, *, now: datetime) -> ImageRecord:
        """Verify a pending upload's bytes and make them an image; any completion after one that
        succeeded, concurrent or later, answers with that image. Refused bytes are deleted, and the
        upload stays open for another try."""
        pending = self.pending.get(image_id, tenant_id)
        if pending is None:
            return self.catalog.get(image_id, tenant_id)  # completed before, or never started
        uploads.check_open(pending, now)
        try:
            return self._complete(pending, now)
        except UploadNotReceivedError:
            # No staged bytes (any longer): a concurrent completion may have published them first.
            return self._completed_by_another(pending, unless_open=True)

    def _complete(self, pending: PendingUpload, now: datetime) -> ImageRecord:
        """The completion proper: verify, store, publish; then the staged bytes go (or expire:
        TTL, lifecycle rule). They go only after the image is published, so a completion that
        finds them gone finds the image."""
        staged = self.objects.open(pending.staging_key)
        if staged is None:
            raise UploadNotReceivedError("No bytes were uploaded for this image yet; upload, then complete.")
        try:
            uploads.check_size(staged.size)
            verified = _verify(staged, keep=self.strip_metadata)
            uploads.check_declared_type(pending, verified.content_type)
        except (BadRequestError, PayloadTooLargeError, UnsupportedImageTypeError):
            self._discard(pending.staging_key, staged.version_id)
            raise
        record, version = self._store_verified(pending, staged, verified, now)
        if not self._publish_completed(record, version, pending):
            return self._completed_by_another(pending, unless_open=False)
        self._discard(pending.staging_key, staged.version_id)
        return record

    def _completed_by_another(self, pending: PendingUpload, *, unless_open: bool) -> ImageRecord:
        """The image another completion of this upload published. When there is none: with
        `unless_open`, an upload still open has no bytes yet (409); otherwise, or once closed, the
        image was deleted since (404)."""
        try:
            return self.catalog.get(pending.image_id, pending.tenant_id)
        except ImageNotFoundError:
            if unless_open and self.pending.get(pending.image_id, pending.tenant_id) is not None:
                raise UploadNotReceivedError(
                    "No bytes were uploaded for this image yet; upload, then complete."
                ) from None
            raise

    def _store_verified(
        self, pending: PendingUpload, staged: StoredObject, verified: "Verified", now: datetime
    ) -> tuple[ImageRecord, str | None]:
        """Put verified bytes under their image key: the staged version copied as it is, or, when
        metadata is stripped and there was some, the stripped bytes. The record and new version."""
        stripped = None if verified.data is None else embedded_metadata.strip(verified.data)
        if stripped == verified.data:
            stripped = None  # nothing to remove: the staged version is the image
        record = uploads.image_record(
            pending,
            size=staged.size if stripped is None else len(stripped),
            sha256=verified.sha256 if stripped is None else hashlib.sha256(stripped).hexdigest(),
            content_type=verified.content_type,
            now=now,
        )
        if stripped is not None:
            version = self.objects.put(
                record.object_key, stripped, content_type=record.content_type, sha256=record.sha256
            )
        else:
            version = self.objects.copy(
                pending.staging_key,
                record.object_key,
                source_version=staged.version_id,
                content_type=record.content_type,
                sha256=record.sha256,
            )
        return record, version

    def _publish(self, record: ImageRecord, version: str | None) -> None:
        """Write the metadata of bytes already stored; without it, the bytes are removed."""
        try:
            self.catalog.put_new(record)
        except ImageServiceError:
            # Never visible to anyone: remove this version for good, not into the recovery window.
            self._discard_object(record, version)
            raise

    def _publish_completed(self, record: ImageRecord, version: str | None, pending: PendingUpload) -> bool:
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

    def metadata(self, image_id: str, tenant_id: str) -> ImageRecord:
        return self.catalog.get(image_id, tenant_id)

    def edit(self, record: ImageRecord, changes: dict[str, Any]) -> ImageRecord:
        return self.catalog.update(record, changes)

    def data(self, record: ImageRecord) -> bytes:
        """The bytes of a record already read (a missing object is a 404, never a 500)."""
        return self.objects.get(record.object_key)

    def original(self, record: ImageRecord) -> Served:
        """The uploaded image; its bytes only when they fit a Lambda response."""
        inline = record.size <= contract.MAX_IMAGE_BYTES
        data = self.data(record) if inline else None
        return Served(record.object_key, record.content_type, record.size, data)

    def variant(self, record: ImageRecord, spec: VariantSpec) -> Served:
        """A resized variant: from S3 when made before, else made now and stored."""
        key = variants.object_key(record.image_id, spec)
        data = self.objects.find(key)
        if data is None:
            with self._source(record) as source:
                data = variants.render(source, spec)
            self._store_variant(record, key, data, spec.content_type)
        inline = len(data) <= contract.MAX_IMAGE_BYTES
        return Served(key, spec.content_type, len(data), data if inline else None)

    @contextmanager
    def _source(self, record: ImageRecord) -> Iterator[bytes | IO[bytes]]:
        """An image's bytes to decode: in memory up to the inline limit; a large upload's (up to
        50 MiB) spooled to /tmp instead, so that they take no part of the decode budget."""
        if record.size <= contract.MAX_IMAGE_BYTES:
            yield self.data(record)
            return
        stored = self.objects.open(record.object_key)
        if stored is None:
            raise ImageNotFoundError("No image with this id.")
        with tempfile.TemporaryFile() as spool:
            for chunk in stored.chunks:
                spool.write(chunk)
            yield spool

    def _store_variant(self, record: ImageRecord, key: str, data: bytes, content_type: str) -> None:
        """Store a variant so that it never outlives its image. It is written tagged as an orphan
        (the lifecycle rule expires it, whatever happens next), then the image's metadata is read:
        gone, and the image's delete may have swept its variants before this write, so the variant
        is removed and the image is not found; there, and a delete from now on sweeps the variant
        (metadata first, then variants), so it is adopted: untagged, kept."""
        version = self.objects.put_derived(key, data, content_type=content_type)
        try:
            self.catalog.get(record.image_id, record.tenant_id)
        except ImageNotFoundError:
            self._discard(key, version)
            raise
        try:
            self.objects.adopt(key, version)
        except ImageServiceError:
            logger.exception("variant left tagged to expire", extra={"object_key": key})

    def download_url(self, served: Served, *, disposition: str) -> str:
        """A presigned GET of what is served, with the headers the API would have sent."""
        return self.objects.presigned_get(
            served.key,
            content_type=served.content_type,
            disposition=disposition,
            expires_in=contract.DOWNLOAD_URL_EXPIRY_SECONDS,
        )

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

    def _discard(self, key: str, version_id: str | None) -> None:
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


@dataclass(frozen=True, slots=True)
class Verified:
    """Streamed bytes that passed an inline upload's checks: their hash, type, and (when asked
    for) the bytes themselves."""

    sha256: str
    content_type: str
    data: bytes | None


def _verify(staged: StoredObject, *, keep: bool) -> Verified:
    """Hash and check streamed bytes as an inline upload's are; spooled, not held, unless `keep`
    (metadata is stripped: what is checked is what will be stored, as for an inline upload)."""
    digest = hashlib.sha256()
    # On /tmp, mapped by detect_content_type: 50 MB need not be held in the decode budget.
    with tempfile.TemporaryFile() as spool:
        for chunk in staged.chunks:
            digest.update(chunk)
            spool.write(chunk)
        if keep:
            spool.seek(0)
            data = spool.read()
            return Verified(digest.hexdigest(), detect_content_type(embedded_metadata.strip(data)), data)
        content_type = detect_content_type(spool)
    return Verified(digest.hexdigest(), content_type, None)


def _where(record: ImageRecord) -> dict[str, str]:
    return {"object_key": record.object_key, "image_id": record.image_id}


@lru_cache(maxsize=1)
def get_image_store() -> ImageStore:
    settings = get_settings()
    return ImageStore(
        objects=ImageObjects(settings.images_bucket),
        catalog=ImageCatalog(settings.images_table, settings.images_by_owner_index),
        pending=PendingUploads(settings.uploads_table),
        strip_metadata=settings.strip_original_metadata,
    )
