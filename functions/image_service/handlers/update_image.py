"""PATCH /v1/images/{image_id}: change an image's name, description or tags (owner only),
conditional on If-Match when given."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_service import http_caching
from image_service.api import create_app, json_response, logger, parse_body, tenant_of
from image_service.errors import PreconditionFailedError
from image_service.image_store import get_image_store
from image_service.images import check_image_id, metadata_json
from image_service.models import MetadataEdit

app = create_app()


@app.patch("/v1/images/<image_id>")
def update_image(image_id: str) -> Any:
    event = app.current_event
    check_image_id(image_id)
    edit = parse_body(event, MetadataEdit)
    store = get_image_store()
    current = store.metadata(image_id, tenant_of(event))
    if_match = event.headers.get("If-Match")
    if if_match is not None and not http_caching.matches(
        if_match, http_caching.entity_tag(current.sha256, metadata_json(current)), weak=False
    ):
        raise PreconditionFailedError("If-Match does not name the current metadata; fetch it and retry.")
    updated = store.edit(current, edit.changes())
    logger.info("image metadata edited", image_id=image_id, fields=sorted(edit.changes()))
    etag = http_caching.entity_tag(updated.sha256, metadata_json(updated))
    return json_response(200, updated.public(), headers={"ETag": etag})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
