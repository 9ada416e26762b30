"""POST /v1/images/{image_id}/complete: verify a large upload's bytes and make them an image."""

from image_service import cold_start

# The function's start-up: imports and app made with the cyclic GC paused (see cold_start).
with cold_start.imports():
    from datetime import UTC, datetime
    from typing import Any

    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from image_service import large_upload
    from image_service.http_api import create_app, json_response, logger, tenant_of

    app = create_app()


@app.post("/v1/images/<image_id>/complete")
def complete_upload(image_id: str) -> Any:
    record = large_upload.complete(image_id, tenant_of(app.current_event), now=datetime.now(UTC))
    logger.info(
        "upload completed", image_id=record.image_id, size=record.size, content_type=record.content_type
    )
    return json_response(200, record.public(), headers={"Location": f"/v1/images/{record.image_id}"})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
