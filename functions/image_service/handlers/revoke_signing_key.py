"""DELETE /v1/signing-keys/{version}: revoke a signing-key version; links signed with it die at once."""

from image_service import cold_start

# The function's start-up: imports and app made with the cyclic GC paused (see cold_start).
with cold_start.imports():
    from datetime import UTC, datetime
    from typing import Any

    from aws_lambda_powertools.event_handler import Response
    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from image_service import links
    from image_service.http_api import NO_STORE, SECURITY_HEADERS, create_app, logger, tenant_of

    app = create_app()


@app.delete("/v1/signing-keys/<version>")
def revoke_signing_key(version: str) -> Any:
    links.revoke_signing_key(tenant_of(app.current_event), version, now=datetime.now(UTC))
    return Response(status_code=204, body="", headers={**SECURITY_HEADERS, **NO_STORE})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
