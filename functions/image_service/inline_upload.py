"""Inline uploads (service): POST /v1/images's JSON body, the image as base64 in it, becomes an
image: decoded, verified, stored (bytes, then metadata); with an Idempotency-Key, a retry of the
same body answers with the first upload's image instead of storing another."""

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_service import base64_codec, contract, embedded_metadata
from image_service.errors import InvalidBase64Error, PayloadTooLargeError
from image_service.image_verification import inspect
from image_service.models import (
    ImageDescription,
    ImageMetadata,
    ImageRecord,
    UploadRequest,
    parse_json,
    too_large_inline,
)
from image_service.records import build_record
from image_service.settings import get_settings
from image_service.storage.image_store import get_image_store

logger = Logger(child=True)


class RequestBody:
    """The request body's bytes, handed over once: the upload takes them (`take`) and lets them go
    when parsed, so that no caller's reference keeps 5.3 MB alive through the upload."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def peek(self) -> bytes:
        return self._data

    def take(self) -> bytes:
        data, self._data = self._data, b""
        return data


def upload(
    body: RequestBody, *, tenant_id: str, idempotency_key: str | None, context: LambdaContext | None
) -> ImageMetadata:
    """Store the image a body describes; once per Idempotency-Key (same tenant, same body)."""
    if idempotency_key is None:
        return ImageMetadata.model_validate(_store(body, tenant_id))
    # Imported on first use: Powertools idempotency adds ~50 ms to a cold start that plain
    # uploads need not pay.
    from image_service import idempotency  # noqa: PLC0415

    if context is not None:
        idempotency.register_context(context)
    attempt = idempotency.attempt(tenant_id, idempotency_key, body.peek())
    return ImageMetadata.model_validate(idempotency.once(attempt, lambda: _store(body, tenant_id)))


def _store(body: RequestBody, tenant_id: str) -> dict[str, Any]:
    # Each form of the body is let go once the next exists: the JSON text once parsed, the
    # base64 text once decoded (before Pillow checks the image, which may buffer a PNG chunk as
    # large as the image twice). A 4 MiB upload peaks at the parse, under 3x its size.
    request = parse_json(body.take(), UploadRequest)
    data = decode_image(request.file)
    described = request.described()
    del request
    data = as_stored(data, strip_metadata=get_settings().strip_original_metadata)
    record = new_record(described, data, tenant_id=tenant_id, now=datetime.now(UTC))
    get_image_store().save(record, data)
    logger.info("image stored", image_id=record.image_id, size=record.size, content_type=record.content_type)
    return record.public().model_dump()


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


def new_record(
    request: ImageDescription, data: bytes, *, tenant_id: str, now: datetime, image_id: str | None = None
) -> ImageRecord:
    """The record of a new upload by one tenant; raises for empty or non-image bytes."""
    return build_record(
        request,
        image_id=image_id or str(uuid.uuid4()),
        tenant_id=tenant_id,
        shown=inspect(data),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        now=now,
    )
