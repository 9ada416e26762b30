"""POST /v1/images/uploads: start a large upload; the client sends the bytes straight to S3."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_service import contract, uploads
from image_service.api import create_app, json_response, logger, parse_body, tenant_of
from image_service.image_store import get_image_store
from image_service.models import UploadIntent, UploadTicket

app = create_app()


@app.post("/v1/images/uploads")
def start_upload() -> Any:
    event = app.current_event
    intent = parse_body(event, UploadIntent)
    pending, post = get_image_store().start_upload(intent, tenant_id=tenant_of(event), now=datetime.now(UTC))
    logger.info("upload started", image_id=pending.image_id, content_type=pending.content_type)
    complete = f"/v1/images/{pending.image_id}/complete"
    ticket = UploadTicket(
        image_id=pending.image_id,
        upload=post,
        max_bytes=contract.MAX_LARGE_IMAGE_BYTES,
        expires_at=uploads.expires_at(pending),
        complete_path=complete,
    )
    return json_response(201, ticket, headers={"Location": complete})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
