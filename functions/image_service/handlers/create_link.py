"""POST /v1/images/{image_id}/links: a signed share link to an image or one of its presets."""

from image_service import cold_start

# The function's start-up: imports and app made with the cyclic GC paused (see cold_start).
with cold_start.imports():
    from datetime import UTC, datetime
    from typing import Any

    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from image_service import links
    from image_service.http_api import create_app, json_response, logger, raw_body, tenant_of
    from image_service.models import LinkRequest, parse_json

    app = create_app()


@app.post("/v1/images/<image_id>/links")
def create_link(image_id: str) -> Any:
    event = app.current_event
    raw = raw_body(event)
    request = parse_json(raw, LinkRequest) if raw else LinkRequest()  # no body: the defaults
    context = event.raw_event.get("requestContext") or {}  # the fields the gateway sent, if any
    origin = links.RequestOrigin(
        stage_variables=event.stage_variables,
        host=event.headers.get("Host"),
        domain_name=context.get("domainName"),
        api_id=context.get("apiId"),
        stage=context.get("stage"),
        request_path=context.get("path"),
        resource_path=event.path,
    )
    link = links.create_link(image_id, tenant_of(event), request, origin=origin, now=datetime.now(UTC))
    return json_response(201, link)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
