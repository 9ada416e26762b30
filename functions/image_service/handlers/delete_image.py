"""DELETE /v1/images/{image_id}: remove the metadata, then the bytes."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_service.api import create_app, json_response, logger, tenant_of
from image_service.image_store import get_image_store
from image_service.images import check_image_id
from image_service.models import DeleteResult

app = create_app()


@app.delete("/v1/images/<image_id>")
def delete_image(image_id: str) -> Any:
    check_image_id(image_id)
    record = get_image_store().remove(image_id, tenant_of(app.current_event))
    logger.info("image deleted", image_id=record.image_id)
    return json_response(200, DeleteResult(image_id=record.image_id))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
