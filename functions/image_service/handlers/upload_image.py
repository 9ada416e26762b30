"""POST /v1/images: store a base64 image and its metadata; an Idempotency-Key makes retries safe."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_service import contract
from image_service.api import create_app, json_response, logger, parse_json, raw_body, tenant_of
from image_service.image_store import get_image_store
from image_service.images import as_stored, decode_image, new_image_record
from image_service.models import ImageMetadata, UploadRequest
from image_service.settings import get_settings

app = create_app()


@app.post("/v1/images")
def upload_image() -> Any:
    event = app.current_event
    tenant_id = tenant_of(event)
    key = event.headers.get(contract.IDEMPOTENCY_HEADER)  # Powertools headers are case-insensitive
    body = raw_body(event)  # decoded once: parsed below, and hashed for an Idempotency-Key

    def store() -> dict[str, Any]:
        # Each form of the body is let go once the next exists: the JSON text once parsed, the
        # base64 text once decoded (before Pillow checks the image, which may buffer a PNG chunk as
        # large as the image twice). A 4 MiB upload peaks at the parse, under 3x its size.
        nonlocal body
        request, body = parse_json(body, UploadRequest), b""
        data = decode_image(request.file)
        described = request.described()
        del request
        data = as_stored(data, strip_metadata=get_settings().strip_original_metadata)
        record = new_image_record(described, data, tenant_id=tenant_id, now=datetime.now(UTC))
        get_image_store().save(record, data)
        logger.info(
            "image stored", image_id=record.image_id, size=record.size, content_type=record.content_type
        )
        return record.public().model_dump()

    if key is None:
        stored = ImageMetadata.model_validate(store())
    else:
        # Imported on first use: Powertools idempotency adds ~50 ms to a cold start that plain
        # uploads need not pay.
        from image_service import idempotency  # noqa: PLC0415

        idempotency.register_context(app.lambda_context)
        stored = ImageMetadata.model_validate(
            idempotency.once(idempotency.attempt(tenant_id, key, body), store)
        )
    return json_response(201, stored, headers={"Location": f"/v1/images/{stored.image_id}"})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
