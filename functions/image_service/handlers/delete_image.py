"""DELETE /v1/images/{image_id}: remove the metadata, then the bytes."""

from image_service import cold_start

# The function's start-up: imports and app made with the cyclic GC paused (see cold_start).
with cold_start.imports():
    from typing import Any

    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from image_service import deletion
    from image_service.http_api import create_app, json_response, logger, tenant_of
    from image_service.models import DeleteResult

    app = create_app()


@app.delete("/v1/images/<image_id>")
def delete_image(image_id: str) -> Any:
    record = deletion.delete(image_id, tenant_of(app.current_event))
    logger.info("image deleted", image_id=record.image_id)
    return json_response(200, DeleteResult(image_id=record.image_id))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
