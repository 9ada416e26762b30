"""GET /v1/images?user_id=...&limit=...&cursor=...&tag=...: a page of one user's images, newest first."""

from image_service import cold_start

# The function's start-up: imports and app made with the cyclic GC paused (see cold_start).
with cold_start.imports():
    from typing import Any

    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from pydantic import TypeAdapter, ValidationError

    from image_service import contract, listing
    from image_service.errors import BadRequestError
    from image_service.http_api import create_app, json_response, logger, tenant_of
    from image_service.models import ImageList, Tag, UserId
    from image_service.query_params import bounded_int

    app = create_app()
_user_id = TypeAdapter(UserId)
_tag = TypeAdapter(Tag)


@app.get("/v1/images")
def list_images() -> Any:
    event = app.current_event
    raw_user_id = event.get_query_string_value("user_id")
    if raw_user_id is None:
        raise BadRequestError("Query parameter 'user_id' is required.")
    try:
        user_id = _user_id.validate_python(raw_user_id)
    except ValidationError as err:
        raise BadRequestError("Query parameter 'user_id' is not a valid user id.") from err
    raw_tag = event.get_query_string_value("tag")
    try:
        tag = None if raw_tag is None else _tag.validate_python(raw_tag)
    except ValidationError as err:
        raise BadRequestError("Query parameter 'tag' is not a valid tag.") from err
    page = listing.list_page(
        tenant_of(event),
        user_id,
        limit=bounded_int("limit", event.get_query_string_value("limit"), contract.MAX_PAGE_SIZE)
        or contract.DEFAULT_PAGE_SIZE,
        cursor=event.get_query_string_value("cursor"),
        tag=tag,
    )
    logger.info("images listed", count=len(page.images), more=page.next_cursor is not None)
    return json_response(
        200,
        ImageList(user_id=user_id, count=len(page.images), images=page.images, next_cursor=page.next_cursor),
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
