"""POST /v1/images: store a base64 image and its metadata."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_service.api import create_app, json_response, logger, parse_body, tenant_of
from image_service.image_store import get_image_store
from image_service.images import decode_image, new_image_record
from image_service.models import UploadRequest

app = create_app()


@app.post("/v1/images")
def upload_image() -> Any:
    tenant_id = tenant_of(app.current_event)
    request = parse_body(app.current_event, UploadRequest)
    data = decode_image(request.file)
    record = new_image_record(request, data, tenant_id=tenant_id, now=datetime.now(UTC))
    get_image_store().save(record, data)
    logger.info("image stored", image_id=record.image_id, size=record.size, content_type=record.content_type)
    return json_response(201, record.public(), headers={"Location": f"/v1/images/{record.image_id}"})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
