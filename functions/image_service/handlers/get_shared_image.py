"""GET /v1/shared/{token}: the image (or preset) a share link names, with no API key; the link's
signature, expiry and revocations are checked on every request (functions/image_service/links.py).

The answer may be kept by browsers and shared caches (`public`) until the link expires, never
longer, and any origin may show it (an <img> on another site: CORS and CORP headers)."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_service import contract, http_caching
from image_service.api import SECURITY_HEADERS, binary_response, create_app, logger
from image_service.image_store import get_image_store
from image_service.links import get_link_service

app = create_app(public=True)

# Longest freshness any answer gets, whatever the link's expiry (a year, as RFC 9111 suggests).
_MAX_AGE_SECONDS = 31_536_000


@app.get("/v1/shared/<token>")
def get_shared_image(token: str) -> Any:
    now = datetime.now(UTC)
    event = app.current_event
    opened = get_link_service().open(token, now=now)
    record, spec = opened.record, opened.spec
    seconds_left = max(0, min(_MAX_AGE_SECONDS, opened.claims.expires_at - int(now.timestamp())))
    etag = http_caching.entity_tag(record.sha256, variant=None if spec is None else spec.tag)
    headers = {
        **SECURITY_HEADERS,
        **contract.SHARED_CORS_HEADERS,
        "ETag": etag,
        "Last-Modified": http_caching.last_modified(record.created_at),
        "Cache-Control": f"public, max-age={seconds_left}",
    }
    if http_caching.not_modified(event.headers.get("If-None-Match"), etag):
        logger.info("shared image not modified", image_id=record.image_id)
        return Response(status_code=304, body="", headers=headers)
    store = get_image_store()
    served = store.original(record) if spec is None else store.variant(record, spec)
    logger.info(
        "shared image served", image_id=record.image_id, preset=opened.claims.preset, size=served.size
    )
    if served.data is None:
        # Over what a Lambda response can carry: a presigned S3 GET, which expires, so never cached.
        url = store.download_url(served, disposition="inline")
        return Response(
            status_code=307, body="", headers={**headers, "Cache-Control": "no-store", "Location": url}
        )
    return binary_response(
        200, served.content_type, served.data, {**headers, "Content-Disposition": "inline"}
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
