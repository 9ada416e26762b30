"""GET /v1/shared/{token}: the image (or preset) a share link names, with no API key; the link's
signature, expiry and revocations are checked on every request (functions/image_service/links.py).

The answer may be kept by browsers and shared caches (`public`) until the link expires, never
longer, and any origin may show it (an <img> on another site: CORS and CORP headers)."""

from image_service import cold_start

# The function's start-up: imports and app made with the cyclic GC paused (see cold_start).
with cold_start.imports():
    from datetime import UTC, datetime
    from typing import Any

    from aws_lambda_powertools.event_handler import Response
    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from image_service import contract, http_caching, links
    from image_service.http_api import SECURITY_HEADERS, binary_response, create_app, logger

    app = create_app(public=True)


@app.get("/v1/shared/<token>")
def get_shared_image(token: str) -> Any:
    event = app.current_event
    reading = links.read_shared(
        token,
        now=datetime.now(UTC),
        if_none_match=event.headers.get("If-None-Match"),
        accept=event.headers.get("Accept"),
    )
    headers = {
        **SECURITY_HEADERS,
        **contract.SHARED_CORS_HEADERS,
        "ETag": reading.etag,
        "Last-Modified": http_caching.last_modified(reading.record.created_at),
        "Cache-Control": f"public, max-age={reading.max_age}",
    }
    if reading.vary_accept:
        # A preset of format auto: shared caches keep one answer per Accept (the CDN keys on its
        # normalised class, negotiation.accept_class).
        headers["Vary"] = "Accept"
    served = reading.served
    if served is None:
        return Response(status_code=304, body="", headers=headers)
    if served.data is None:
        # Over what a Lambda response can carry: a presigned S3 GET, which expires, so never cached.
        headers |= {"Cache-Control": "no-store", "Location": str(reading.redirect)}
        return Response(status_code=307, body="", headers=headers)
    return binary_response(
        200, served.content_type, served.data, {**headers, "Content-Disposition": "inline"}
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
