"""POST /v1/signing-keys: a new current signing-key version; links signed with older versions keep
working until those are revoked."""

from image_service import cold_start

# The function's start-up: imports and app made with the cyclic GC paused (see cold_start).
with cold_start.imports():
    from datetime import UTC, datetime
    from typing import Any

    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from image_service import links
    from image_service.http_api import create_app, json_response, logger, tenant_of

    app = create_app()


@app.post("/v1/signing-keys")
def rotate_signing_key() -> Any:
    key = links.rotate_signing_key(tenant_of(app.current_event), now=datetime.now(UTC))
    return json_response(201, key, headers={"Location": f"/v1/signing-keys/{key.version}"})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
