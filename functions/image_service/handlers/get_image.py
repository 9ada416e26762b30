"""GET /v1/images/{image_id}: the image bytes, inline or as a download, optionally with metadata."""

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_service import contract
from image_service.api import SECURITY_HEADERS, create_app, flag, logger, tenant_of
from image_service.image_store import get_image_store
from image_service.images import check_image_id, content_disposition

app = create_app()


@app.get("/v1/images/<image_id>")
def get_image(image_id: str) -> Any:
    download = flag(app.current_event, "download")
    with_metadata = flag(app.current_event, "metadata")
    check_image_id(image_id)
    record, data = get_image_store().load(image_id, tenant_of(app.current_event))
    headers = {
        **SECURITY_HEADERS,
        "Content-Disposition": content_disposition(record.image_name, download=download),
        "Cache-Control": "private, max-age=0, must-revalidate",
    }
    if with_metadata:
        # ASCII-only JSON: header values must not carry raw UTF-8 or control characters.
        headers[contract.METADATA_HEADER] = json.dumps(record.public().model_dump(), separators=(",", ":"))
    # bytes bodies are sent base64-encoded; the gateway decodes them (binary media types).
    return Response(status_code=200, content_type=record.content_type, body=data, headers=headers)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
