"""POST /v1/images: store a base64 image and its metadata; an Idempotency-Key makes retries safe."""

from image_service import cold_start

# The function's start-up: imports and app made with the cyclic GC paused (see cold_start).
with cold_start.imports():
    from typing import Any

    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from image_service import contract, inline_upload
    from image_service.http_api import create_app, json_response, logger, raw_body, tenant_of

    app = create_app()


@app.post("/v1/images")
def upload_image() -> Any:
    event = app.current_event
    tenant_id = tenant_of(event)
    # Decoded once: parsed by the upload, and hashed for an Idempotency-Key. Held by the
    # RequestBody alone, which the upload empties once the body is parsed (see inline_upload:
    # when each form of a 4 MiB body goes decides its peak memory, under 3x its size).
    body = inline_upload.RequestBody(raw_body(event))
    stored = inline_upload.upload(
        body,
        tenant_id=tenant_id,
        idempotency_key=event.headers.get(contract.IDEMPOTENCY_HEADER),  # case-insensitive
        context=app.lambda_context,
    )
    return json_response(201, stored, headers={"Location": f"/v1/images/{stored.image_id}"})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
