"""HTTP plumbing shared by every function: the resolver, request parsing, response shaping,
and the one place where domain errors become HTTP responses."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from pydantic import BaseModel

from image_service import base64_codec
from image_service.contract import CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE_SECONDS
from image_service.errors import BadRequestError, ForbiddenError, ImageServiceError, MalformedJsonError
from image_service.models import ErrorDetail, ErrorResponse, parse_json
from image_service.settings import HttpSettings

# Named by POWERTOOLS_SERVICE_NAME (Terraform: the stack's name_prefix), as its child loggers are
# (Logger(child=True) in the service modules): one logger tree, whatever the prefix.
logger = Logger()


# Sent with every response: no MIME sniffing, and JSON answers are never cached.
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff"}
NO_STORE = {"Cache-Control": "no-store"}


def json_response(status: int, body: BaseModel, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump_json(),
        headers={**SECURITY_HEADERS, **NO_STORE, **(headers or {})},
    )


def binary_response(status: int, content_type: str, data: bytes, headers: dict[str, str]) -> Response[str]:
    """Bytes as a proxy integration returns them: base64 text, flagged so (the gateway decodes
    it for any Accept: binary media types */*). Encoded here rather than by the resolver, which
    would use the standard library's slower encoder."""
    response = Response(
        status_code=status, content_type=content_type, body=base64_codec.encode(data), headers=headers
    )
    response.base64_encoded = True
    return response


def error_response(status: int, code: str, message: str) -> Response[str]:
    return json_response(status, ErrorResponse(error=ErrorDetail(code=code, message=message)))


def raw_body(event: APIGatewayProxyEvent) -> bytes:
    """The request body's bytes (the gateway base64-encodes bodies: binary media types */*)."""
    body = event.body
    if not body:
        return b""
    try:
        return base64_codec.decode(body) if event.is_base64_encoded else body.encode()
    except (base64_codec.Error, ValueError) as err:
        raise MalformedJsonError("The request body is not valid JSON.") from err


def parse_body[ModelT: BaseModel](event: APIGatewayProxyEvent, model: type[ModelT]) -> ModelT:
    """The request body validated against a model (see parse_json)."""
    return parse_json(raw_body(event), model)


def tenant_of(event: APIGatewayProxyEvent) -> str:
    """The caller's tenant: the id of the API key the gateway checked (never a client field)."""
    tenant = event.request_context.identity.api_key_id
    if not tenant:
        raise ForbiddenError("The request carries no API key identity.")
    return tenant


def flag(event: APIGatewayProxyEvent, name: str, *, default: bool = False) -> bool:
    """A boolean query parameter as openapi/api.yaml declares it (`type: boolean`, so the literal
    `true` or `false`); absent means `default`, anything else is a 400."""
    value = event.get_query_string_value(name)
    if value is None:
        return default
    if value in ("true", "false"):
        return value == "true"
    raise BadRequestError(f"Query parameter '{name}' must be true or false.")


def cors_config() -> CORSConfig | None:
    """CORS headers for the one origin Terraform allows (CORS_ALLOW_ORIGIN); none when unset.
    Preflight never reaches a function: the gateway answers it."""
    origin = HttpSettings.from_environ().cors_allow_origin
    if not origin:
        return None
    return CORSConfig(
        allow_origin=origin,
        allow_headers=list(CORS_ALLOW_HEADERS),
        expose_headers=list(CORS_EXPOSE_HEADERS),
        max_age=CORS_MAX_AGE_SECONDS,
    )


def create_app(*, public: bool = False) -> APIGatewayRestResolver:
    """A resolver with the API's error model; each function registers its own route on it (at
    import, inside cold_start.imports()). `public`: a keyless route any origin may use (its
    handler sets the CORS headers), so none of the single allowed origin's."""
    app = APIGatewayRestResolver(cors=None if public else cors_config())

    def _domain_error(err: ImageServiceError) -> Response[str]:
        if err.status >= 500:
            logger.error("request failed", error_code=err.code, exc_info=err)
        else:
            logger.info("request rejected", error_code=err.code, status=err.status, reason=err.message)
        return error_response(err.status, err.code, err.message)

    @app.not_found
    def _no_route(_err: Exception) -> Response[str]:
        return error_response(404, "route_not_found", "No such route.")

    def _unexpected(err: Exception) -> Response[str]:
        # Log the cause here; the client learns only that it was our fault.
        logger.error("unhandled error", exc_info=err)
        return error_response(500, "internal_error", "Internal error; it has been logged.")

    # Registered by call: the decorator form is untyped in Powertools.
    app.exception_handler(ImageServiceError)(_domain_error)
    app.exception_handler(Exception)(_unexpected)
    return app
