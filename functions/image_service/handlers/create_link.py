"""POST /v1/images/{image_id}/links: a signed share link to an image or one of its presets."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_service import share_urls
from image_service.api import create_app, json_response, logger, parse_json, raw_body, tenant_of
from image_service.images import check_image_id, timestamp
from image_service.links import get_link_service
from image_service.models import LinkRequest, ShareLink
from image_service.settings import get_settings

app = create_app()


@app.post("/v1/images/<image_id>/links")
def create_link(image_id: str) -> Any:
    event = app.current_event
    check_image_id(image_id)
    raw = raw_body(event)
    request = parse_json(raw, LinkRequest) if raw else LinkRequest()  # no body: the defaults
    signed = get_link_service().sign(
        image_id,
        tenant_of(event),
        preset=request.preset,
        expires_in=request.expires_in,
        now=datetime.now(UTC),
    )
    context = event.raw_event.get("requestContext") or {}  # fields as the gateway sent them, if any
    base = share_urls.base_url(
        stage_variables=event.stage_variables,
        configured=get_settings().link_base_url,
        host=event.headers.get("Host"),
        domain_name=context.get("domainName"),
        api_id=context.get("apiId"),
        stage=context.get("stage"),
        request_path=context.get("path"),
        resource_path=event.path,
    )
    logger.info("share link signed", image_id=image_id, preset=request.preset, expires_in=request.expires_in)
    link = ShareLink(
        url=share_urls.share_url(base, signed.token),
        expires_at=timestamp(signed.expires_at),
        preset=signed.preset,
    )
    return json_response(201, link)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
