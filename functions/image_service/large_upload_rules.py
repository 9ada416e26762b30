"""The rules of large uploads, which go straight to S3 (pure: no AWS calls; large_upload.py runs them).

The client declares the image (POST /v1/images/uploads), sends the bytes to S3 with a presigned
POST under STAGING_PREFIX, and asks for completion: only bytes that pass the same checks as an
inline upload become an image. A pending upload that is never completed expires."""

import uuid
from datetime import UTC, datetime

from image_service import contract, records
from image_service.errors import PayloadTooLargeError, UnsupportedImageTypeError, UploadExpiredError
from image_service.image_verification import Inspection
from image_service.models import ImageRecord, PendingUpload, UploadIntent
from image_service.records import timestamp


def staging_key_for(image_id: str) -> str:
    return f"{contract.STAGING_PREFIX}{image_id}"


def new_pending_upload(intent: UploadIntent, *, tenant_id: str, now: datetime) -> PendingUpload:
    image_id = str(uuid.uuid4())
    return PendingUpload(
        **intent.model_dump(),
        image_id=image_id,
        tenant_id=tenant_id,
        created_at=timestamp(now),
        staging_key=staging_key_for(image_id),
        expiration=int(now.timestamp()) + contract.UPLOAD_EXPIRY_SECONDS,
    )


def expires_at(pending: PendingUpload) -> str:
    """The expiry as ISO 8601 UTC, as the API reports it."""
    return timestamp(datetime.fromtimestamp(pending.expiration, UTC))


def check_open(pending: PendingUpload, now: datetime) -> None:
    """An expired upload cannot be completed (DynamoDB's TTL deletes its record some time after)."""
    if now.timestamp() >= pending.expiration:
        raise UploadExpiredError("This upload expired; start a new one.")


def check_size(size: int) -> None:
    if size > contract.MAX_LARGE_IMAGE_BYTES:
        raise PayloadTooLargeError(
            f"The image is {size} bytes; the limit is {contract.MAX_LARGE_IMAGE_BYTES} bytes."
        )


def check_declared_type(pending: PendingUpload, detected: str) -> None:
    if detected != pending.content_type:
        raise UnsupportedImageTypeError(
            f"The upload declared {pending.content_type}, but the bytes are {detected}."
        )


def completed_record(
    pending: PendingUpload, *, size: int, sha256: str, shown: Inspection, now: datetime
) -> ImageRecord:
    """The image a verified upload becomes; stored (created) at its completion."""
    return records.build_record(
        pending,
        image_id=pending.image_id,
        tenant_id=pending.tenant_id,
        shown=shown,
        size=size,
        sha256=sha256,
        now=now,
    )
