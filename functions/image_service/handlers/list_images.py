"""GET /v1/images?user_id=...: one user's images, newest first."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import TypeAdapter, ValidationError

from image_service.api import create_app, json_response, logger, tenant_of
from image_service.errors import BadRequestError
from image_service.image_store import get_image_store
from image_service.models import ImageList, UserId

app = create_app()
_user_id = TypeAdapter(UserId)


@app.get("/v1/images")
def list_images() -> Any:
    raw_user_id = app.current_event.get_query_string_value("user_id")
    if raw_user_id is None:
        raise BadRequestError("Query parameter 'user_id' is required.")
    try:
        user_id = _user_id.validate_python(raw_user_id)
    except ValidationError as err:
        raise BadRequestError("Query parameter 'user_id' is not a valid user id.") from err
    records = get_image_store().list_for_user(tenant_of(app.current_event), user_id)
    images = [record.public() for record in records]
    return json_response(200, ImageList(user_id=user_id, count=len(images), images=images))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
