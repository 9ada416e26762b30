"""Large uploads (service): the client declares an image (start), sends its bytes straight to S3
with a presigned POST under the staging prefix, and asks for completion (complete): only bytes
that pass the same checks as an inline upload become an image, copied to its image key like an
inline upload's put. A pending upload never completed expires (DynamoDB TTL, the bucket's
lifecycle rule on STAGING_PREFIX).

Completions of one upload may run at once (client retries); each does the same work, one
transaction publishes the image and closes the upload (ImageStore.publish_completed), and every
other completion answers with the image that one published."""

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import datetime

from image_service import contract, embedded_metadata, large_upload_rules
from image_service.errors import (
    BadRequestError,
    ImageNotFoundError,
    PayloadTooLargeError,
    UnsupportedImageTypeError,
    UploadNotReceivedError,
)
from image_service.image_verification import Inspection, inspect
from image_service.models import ImageRecord, PendingUpload, PresignedPost, UploadIntent, UploadTicket
from image_service.records import check_image_id
from image_service.settings import get_settings
from image_service.storage.image_objects import StoredObject
from image_service.storage.image_store import ImageStore, get_image_store

_NOT_RECEIVED = "No bytes were uploaded for this image yet; upload, then complete."


def start(intent: UploadIntent, *, tenant_id: str, now: datetime) -> UploadTicket:
    """Record a pending upload and sign the POST that sends its bytes to the staging key."""
    store = get_image_store()
    pending = large_upload_rules.new_pending_upload(intent, tenant_id=tenant_id, now=now)
    store.pending.put(pending)
    post = store.objects.presigned_post(
        pending.staging_key,
        content_type=pending.content_type,
        max_bytes=contract.MAX_LARGE_IMAGE_BYTES,
        expires_in=contract.UPLOAD_EXPIRY_SECONDS,
    )
    return UploadTicket(
        image_id=pending.image_id,
        upload=PresignedPost(url=post["url"], fields=post["fields"]),
        max_bytes=contract.MAX_LARGE_IMAGE_BYTES,
        expires_at=large_upload_rules.expires_at(pending),
        complete_path=complete_path(pending.image_id),
    )


def complete_path(image_id: str) -> str:
    return f"/v1/images/{image_id}/complete"


def complete(image_id: str, tenant_id: str, *, now: datetime) -> ImageRecord:
    """Verify a pending upload's bytes and make them an image; any completion after one that
    succeeded, concurrent or later, answers with that image. Refused bytes are deleted, and the
    upload stays open for another try."""
    check_image_id(image_id)
    store = get_image_store()
    pending = store.pending.get(image_id, tenant_id)
    if pending is None:
        return store.catalog.get(image_id, tenant_id)  # completed before, or never started
    large_upload_rules.check_open(pending, now)
    try:
        return _complete(store, pending, now)
    except UploadNotReceivedError:
        # No staged bytes (any longer): a concurrent completion may have published them first.
        return _completed_by_another(store, pending, unless_open=True)


def _complete(store: ImageStore, pending: PendingUpload, now: datetime) -> ImageRecord:
    """The completion proper: verify, store, publish; then the staged bytes go (or expire:
    TTL, lifecycle rule). They go only after the image is published, so a completion that
    finds them gone finds the image."""
    staged = store.objects.open(pending.staging_key)
    if staged is None:
        raise UploadNotReceivedError(_NOT_RECEIVED)
    try:
        large_upload_rules.check_size(staged.size)
        verified = _verify(staged, keep=get_settings().strip_original_metadata)
        large_upload_rules.check_declared_type(pending, verified.content_type)
    except (BadRequestError, PayloadTooLargeError, UnsupportedImageTypeError):
        store.discard(pending.staging_key, staged.version_id)
        raise
    record, version = _store_verified(store, pending, staged, verified, now)
    if not store.publish_completed(record, version, pending):
        return _completed_by_another(store, pending, unless_open=False)
    store.discard(pending.staging_key, staged.version_id)
    return record


def _completed_by_another(store: ImageStore, pending: PendingUpload, *, unless_open: bool) -> ImageRecord:
    """The image another completion of this upload published. When there is none: with
    `unless_open`, an upload still open has no bytes yet (409); otherwise, or once closed, the
    image was deleted since (404)."""
    try:
        return store.catalog.get(pending.image_id, pending.tenant_id)
    except ImageNotFoundError:
        if unless_open and store.pending.get(pending.image_id, pending.tenant_id) is not None:
            raise UploadNotReceivedError(_NOT_RECEIVED) from None
        raise


def _store_verified(
    store: ImageStore, pending: PendingUpload, staged: StoredObject, verified: "Verified", now: datetime
) -> tuple[ImageRecord, str | None]:
    """Put verified bytes under their image key: the staged version copied as it is, or, when
    metadata is stripped and there was some, the stripped bytes. The record and new version."""
    stripped = None if verified.data is None else embedded_metadata.strip(verified.data)
    if stripped == verified.data:
        stripped = None  # nothing to remove: the staged version is the image
    record = large_upload_rules.completed_record(
        pending,
        size=staged.size if stripped is None else len(stripped),
        sha256=verified.sha256 if stripped is None else hashlib.sha256(stripped).hexdigest(),
        shown=verified.shown,
        now=now,
    )
    if stripped is not None:
        version = store.objects.put(
            record.object_key, stripped, content_type=record.content_type, sha256=record.sha256
        )
    else:
        version = store.objects.copy(
            pending.staging_key,
            record.object_key,
            source_version=staged.version_id,
            content_type=record.content_type,
            sha256=record.sha256,
        )
    return record, version


@dataclass(frozen=True, slots=True)
class Verified:
    """Streamed bytes that passed an inline upload's checks: their hash, type, and (when asked
    for) the bytes themselves."""

    sha256: str
    shown: Inspection
    data: bytes | None

    @property
    def content_type(self) -> str:
        return self.shown.content_type


def _verify(staged: StoredObject, *, keep: bool) -> Verified:
    """Hash and check streamed bytes as an inline upload's are; spooled, not held, unless `keep`
    (metadata is stripped: what is checked is what will be stored, as for an inline upload)."""
    digest = hashlib.sha256()
    # On /tmp, mapped by inspect: 50 MB need not be held in the decode budget.
    with tempfile.TemporaryFile() as spool:
        for chunk in staged.chunks:
            digest.update(chunk)
            spool.write(chunk)
        if keep:
            spool.seek(0)
            data = spool.read()
            return Verified(digest.hexdigest(), inspect(embedded_metadata.strip(data)), data)
        shown = inspect(spool)
    return Verified(digest.hexdigest(), shown, None)
