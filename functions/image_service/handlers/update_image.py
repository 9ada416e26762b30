"""PATCH /v1/images/{image_id}: change an image's name, description or tags (owner only),
conditional on If-Match when given."""

from image_service import cold_start

# The function's start-up: imports and app made with the cyclic GC paused (see cold_start).
with cold_start.imports():
    from typing import Any

    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from image_service import metadata_edit
    from image_service.http_api import create_app, json_response, logger, raw_body, tenant_of

    app = create_app()


@app.patch("/v1/images/<image_id>")
def update_image(image_id: str) -> Any:
    event = app.current_event
    edited = metadata_edit.edit(
        image_id, tenant_of(event), raw_body(event), if_match=event.headers.get("If-Match")
    )
    logger.info("image metadata edited", image_id=image_id, fields=edited.fields)
    return json_response(200, edited.record.public(), headers={"ETag": edited.etag})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
