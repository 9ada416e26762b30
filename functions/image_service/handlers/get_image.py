"""GET /v1/images/{image_id}: the image bytes, inline or as a download, optionally with metadata,
resized on request; an image too large for a Lambda response is a redirect to a presigned GET."""

from image_service import cold_start

# The function's start-up: imports and app made with the cyclic GC paused (see cold_start).
with cold_start.imports():
    from typing import Any

    from aws_lambda_powertools.event_handler import Response
    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from image_service import contract, http_caching, serving
    from image_service.http_api import (
        SECURITY_HEADERS,
        binary_response,
        create_app,
        flag,
        json_response,
        logger,
        tenant_of,
    )

    app = create_app()


@app.get("/v1/images/<image_id>")
def get_image(image_id: str) -> Any:
    event = app.current_event
    download = flag(event, "download")
    with_metadata = flag(event, "metadata")
    follow = flag(event, "redirect", default=True)
    reading = serving.read(
        image_id,
        tenant_of(event),
        query=event.query_string_parameters or {},
        with_metadata=with_metadata,
        download=download,
        if_none_match=event.headers.get("If-None-Match"),
        accept=event.headers.get("Accept"),
    )
    headers = {
        **SECURITY_HEADERS,
        "ETag": reading.etag,
        "Last-Modified": http_caching.last_modified(reading.record.created_at),
        "Cache-Control": http_caching.REVALIDATE if with_metadata else http_caching.IMMUTABLE,
    }
    if reading.vary_accept:
        headers["Vary"] = "Accept"  # format=auto: caches keep one answer per Accept
    served = reading.served
    if served is None:
        logger.info("image not modified", image_id=image_id)
        return Response(status_code=304, body="", headers=headers)
    if reading.metadata is not None:
        headers[contract.METADATA_HEADER] = reading.metadata
    logger.info(
        "image served", image_id=image_id, key=served.key, size=served.size, inline=served.data is not None
    )
    if reading.link is not None:
        if not follow:
            extra = {contract.METADATA_HEADER: reading.metadata} if reading.metadata is not None else {}
            return json_response(200, reading.link, headers=extra)
        # Never cached: the URL expires (the bytes' ETag still lets a client revalidate here).
        headers["Cache-Control"] = "no-store"
        return Response(status_code=307, body="", headers={**headers, "Location": reading.link.url})
    headers["Content-Disposition"] = reading.disposition
    return binary_response(200, served.content_type, served.data or b"", headers)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
