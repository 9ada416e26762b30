"""GET /v1/signing-keys: the calling tenant's share-link signing-key versions and their states."""

from image_service import cold_start

# The function's start-up: imports and app made with the cyclic GC paused (see cold_start).
with cold_start.imports():
    from typing import Any

    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from image_service import links
    from image_service.http_api import create_app, json_response, logger, tenant_of

    app = create_app()


@app.get("/v1/signing-keys")
def list_signing_keys() -> Any:
    return json_response(200, links.signing_keys(tenant_of(app.current_event)))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
