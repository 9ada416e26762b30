"""GET /v1/images/{image_id}: the image bytes, inline or as a download, optionally with metadata,
resized on request; an image too large for a Lambda response is a redirect to a presigned GET."""

from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_service import contract, http_caching, presets
from image_service.api import (
    SECURITY_HEADERS,
    binary_response,
    create_app,
    flag,
    json_response,
    logger,
    tenant_of,
)
from image_service.image_store import get_image_store
from image_service.images import check_image_id, content_disposition, metadata_json, timestamp
from image_service.models import DownloadLink
from image_service.settings import get_settings

app = create_app()


@app.get("/v1/images/<image_id>")
def get_image(image_id: str) -> Any:
    event = app.current_event
    download = flag(event, "download")
    with_metadata = flag(event, "metadata")
    follow = flag(event, "redirect", default=True)
    check_image_id(image_id)
    store = get_image_store()
    record = store.metadata(image_id, tenant_of(event))
    metadata = metadata_json(record) if with_metadata else None
    settings = get_settings()
    spec, _preset = presets.requested_variant(
        event.query_string_parameters or {},
        record.content_type,
        presets=settings.presets,
        allow_arbitrary=settings.allow_arbitrary_variants,
    )
    etag = http_caching.entity_tag(record.sha256, metadata, variant=None if spec is None else spec.tag)
    headers = {
        **SECURITY_HEADERS,
        "ETag": etag,
        "Last-Modified": http_caching.last_modified(record.created_at),
        "Cache-Control": http_caching.REVALIDATE if with_metadata else http_caching.IMMUTABLE,
    }
    if http_caching.not_modified(event.headers.get("If-None-Match"), etag):
        # The client's copy is current: no S3 read, no body.
        logger.info("image not modified", image_id=image_id)
        return Response(status_code=304, body="", headers=headers)
    disposition = content_disposition(record.image_name, download=download)
    if metadata is not None:
        headers[contract.METADATA_HEADER] = metadata
    served = store.original(record) if spec is None else store.variant(record, spec)
    logger.info(
        "image served", image_id=image_id, key=served.key, size=served.size, inline=served.data is not None
    )
    if served.data is None:
        # Over what a Lambda response can carry: the client reads it from S3 directly.
        url = store.download_url(served, disposition=disposition)
        if not follow:
            valid = timedelta(seconds=contract.DOWNLOAD_URL_EXPIRY_SECONDS)
            link = DownloadLink(
                url=url,
                expires_at=timestamp(datetime.now(UTC) + valid),
                content_type=served.content_type,
                size=served.size,
            )
            extra = {contract.METADATA_HEADER: metadata} if metadata is not None else {}
            return json_response(200, link, headers=extra)
        # Never cached: the URL expires (the bytes' ETag still lets a client revalidate here).
        headers["Cache-Control"] = "no-store"
        return Response(status_code=307, body="", headers={**headers, "Location": url})
    headers["Content-Disposition"] = disposition
    return binary_response(200, served.content_type, served.data, headers)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
