"""POST /v1/images/uploads: start a large upload; the client sends the bytes straight to S3."""

from image_service import cold_start

# The function's start-up: imports and app made with the cyclic GC paused (see cold_start).
with cold_start.imports():
    from datetime import UTC, datetime
    from typing import Any

    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from image_service import large_upload
    from image_service.http_api import create_app, json_response, logger, parse_body, tenant_of
    from image_service.models import UploadIntent

    app = create_app()


@app.post("/v1/images/uploads")
def start_upload() -> Any:
    event = app.current_event
    intent = parse_body(event, UploadIntent)
    ticket = large_upload.start(intent, tenant_id=tenant_of(event), now=datetime.now(UTC))
    logger.info("upload started", image_id=ticket.image_id, content_type=intent.content_type)
    return json_response(201, ticket, headers={"Location": ticket.complete_path})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
