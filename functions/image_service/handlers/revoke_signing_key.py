"""DELETE /v1/signing-keys/{version}: revoke a signing-key version; links signed with it die at once."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_service.api import NO_STORE, SECURITY_HEADERS, create_app, logger, tenant_of
from image_service.errors import SigningKeyNotFoundError
from image_service.link_tokens import MAX_UINT32
from image_service.links import get_link_service

app = create_app()


@app.delete("/v1/signing-keys/<version>")
def revoke_signing_key(version: str) -> Any:
    tenant_id = tenant_of(app.current_event)
    if not version.isascii() or not version.isdigit() or not 1 <= int(version) <= MAX_UINT32:
        raise SigningKeyNotFoundError(f"No signing key version {version[:20]!r}.")
    get_link_service().revoke_key(tenant_id, int(version), now=datetime.now(UTC))
    return Response(status_code=204, body="", headers={**SECURITY_HEADERS, **NO_STORE})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
