"""openapi/api.yaml is the contract: these tests fail when the spec, the code and the Terraform disagree."""

import importlib
import re
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from openapi_spec_validator import validate
from pydantic import BaseModel, ValidationError

from image_service import contract
from image_service.formats import ContentType
from image_service.models import (
    DeleteResult,
    DownloadLink,
    ErrorDetail,
    ErrorResponse,
    ImageList,
    ImageMetadata,
    LinkRequest,
    MetadataEdit,
    PresignedPost,
    ShareLink,
    SigningKey,
    SigningKeyList,
    UploadIntent,
    UploadRequest,
    UploadTicket,
)
from tests.fixtures.lambda_api import LambdaApi
from tests.fixtures.terraform_plan import Plan

ROOT = Path(__file__).resolve().parents[2]
SPEC_TEXT = (ROOT / "openapi" / "api.yaml").read_text()
SPEC: dict[str, Any] = yaml.safe_load(SPEC_TEXT)
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]
TERRAFORM_MAIN = (ROOT / "terraform" / "main.tf").read_text()
PLACEHOLDER = re.compile(r"\$\{(\w+)_uri\}")


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its local $ref followed."""
    ref = schema.get("$ref")
    return SCHEMAS[ref.rsplit("/", 1)[-1]] if ref else schema


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in SPEC["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_spec_is_valid_openapi_3_0() -> None:
    assert SPEC["openapi"].startswith("3.0.")  # API Gateway rejects 3.1
    validate(SPEC)


@pytest.mark.parametrize(
    ("schema_name", "model"),
    [
        ("UploadRequest", UploadRequest),
        ("UploadIntent", UploadIntent),
        ("UploadTicket", UploadTicket),
        ("PresignedPost", PresignedPost),
        ("DownloadLink", DownloadLink),
        ("ImageMetadata", ImageMetadata),
        ("ImageList", ImageList),
        ("DeleteResult", DeleteResult),
        ("ErrorResponse", ErrorResponse),
        ("ErrorDetail", ErrorDetail),
        ("LinkRequest", LinkRequest),
        ("ShareLink", ShareLink),
        ("SigningKey", SigningKey),
        ("SigningKeyList", SigningKeyList),
    ],
)
def test_schema_fields_match_the_model(schema_name: str, model: type[BaseModel]) -> None:
    schema = SCHEMAS[schema_name]
    assert set(schema["properties"]) == set(model.model_fields)
    assert schema["additionalProperties"] is False
    if model in (UploadRequest, UploadIntent, LinkRequest):
        required = {name for name, field in model.model_fields.items() if field.is_required()}
    else:
        # Responses carry every field (null when absent), except fields left out when unset.
        required = {name for name, field in model.model_fields.items() if field.exclude_if is None}
    assert set(schema.get("required", [])) == required


def test_upload_limits_are_the_contract_values() -> None:
    upload = {name: resolve(schema) for name, schema in SCHEMAS["UploadRequest"]["properties"].items()}
    user_id = SCHEMAS["UserId"]
    assert user_id["maxLength"] == contract.MAX_USER_ID_CHARS
    assert user_id["pattern"] == contract.USER_ID_PATTERN
    assert upload["image_name"]["maxLength"] == contract.MAX_IMAGE_NAME_CHARS
    assert upload["description"]["maxLength"] == contract.MAX_DESCRIPTION_CHARS
    assert upload["tags"]["maxItems"] == contract.MAX_TAGS
    assert upload["tags"]["items"]["maxLength"] == contract.MAX_TAG_CHARS
    assert upload["file"]["maxLength"] == contract.MAX_IMAGE_BASE64_CHARS
    assert str(contract.MAX_IMAGE_BYTES) in upload["file"]["description"]


def test_metadata_schema_matches_the_contract() -> None:
    metadata = SCHEMAS["ImageMetadata"]["properties"]
    assert tuple(resolve(metadata["content_type"])["enum"]) == contract.ALLOWED_CONTENT_TYPES
    assert get_args(ContentType) == contract.ALLOWED_CONTENT_TYPES
    assert metadata["size"]["maximum"] == contract.MAX_LARGE_IMAGE_BYTES
    assert str(contract.MAX_IMAGE_BYTES) in metadata["size"]["description"]
    image_id = SPEC["components"]["parameters"]["ImageId"]["schema"]
    assert image_id["pattern"] == contract.IMAGE_ID_PATTERN


def test_get_image_declares_the_metadata_header_and_every_allowed_type() -> None:
    ok = SPEC["paths"]["/v1/images/{image_id}"]["get"]["responses"]["200"]
    assert contract.METADATA_HEADER in ok["headers"]
    # The bytes in their type, or (redirect=false, over the inline limit) a JSON link.
    assert tuple(ok["content"]) == (*contract.ALLOWED_CONTENT_TYPES, "application/json")
    assert ok["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/DownloadLink"}


def test_large_uploads_state_the_contract_limits() -> None:
    ticket = SCHEMAS["UploadTicket"]["properties"]
    assert str(contract.MAX_LARGE_IMAGE_BYTES) in ticket["max_bytes"]["description"]
    assert "50 MiB" in SPEC["paths"]["/v1/images/uploads"]["post"]["description"]
    assert contract.MAX_LARGE_IMAGE_BYTES == 50 * 1024 * 1024
    redirect = SPEC["paths"]["/v1/images/{image_id}"]["get"]["responses"]["307"]["description"]
    assert f"{contract.MAX_IMAGE_BYTES // 2**20} MiB" in redirect
    assert f"{contract.DOWNLOAD_URL_EXPIRY_SECONDS // 60} minutes" in redirect
    complete = SPEC["paths"]["/v1/images/{image_id}/complete"]["post"]["responses"]
    assert {"200", "400", "404", "409", "410", "413", "415", "503"} <= set(complete)


def test_binary_media_types_let_images_through_for_any_accept_header() -> None:
    assert SPEC["x-amazon-apigateway-binary-media-types"] == ["*/*"]


@pytest.mark.usefixtures("aws")
def test_each_operation_integrates_one_function_that_serves_it(terraform_plan: Plan) -> None:
    placeholders = []
    for path, method, operation in operations():
        integration = operation["x-amazon-apigateway-integration"]
        assert integration["type"] == "aws_proxy"
        assert integration["httpMethod"] == "POST"
        match = PLACEHOLDER.fullmatch(integration["uri"])
        assert match, integration["uri"]
        function = match.group(1)
        placeholders.append(function)
        # Terraform deploys that function with that handler module...
        planned = terraform_plan.planned(f'module.function["{function}"].aws_lambda_function.this')
        assert planned["handler"] == f"image_service.handlers.{function}.lambda_handler"
        # ...and the handler's resolver serves this method and path.
        module = importlib.import_module(f"image_service.handlers.{function}")
        concrete = path.replace("{image_id}", "11111111-2222-4333-8444-555555555555")
        response = LambdaApi().request(method, concrete, handler=module.lambda_handler)
        assert response.json().get("error", {}).get("code") != "route_not_found", (method, path)
    assert len(placeholders) == len(set(placeholders)), "one function per operation"
    assert set(PLACEHOLDER.findall(SPEC_TEXT)) == set(placeholders)
    handler_modules = {p.stem for p in (ROOT / "functions/image_service/handlers").glob("*.py")} - {
        "__init__"
    }
    assert handler_modules == set(placeholders)
    # ...and deploys no function that serves no operation
    assert len(terraform_plan.of_type("aws_lambda_function")) == len(placeholders)


def test_documented_error_statuses_cover_what_handlers_raise() -> None:
    upload_statuses = set(SPEC["paths"]["/v1/images"]["post"]["responses"])
    assert {"201", "400", "403", "413", "415", "422", "503"} <= upload_statuses
    for path, method, operation in operations():
        errors = {status: r for status, r in operation["responses"].items() if status[0] in "45"}
        assert errors, (method, path)
        for status, declared in errors.items():
            ref = declared.get("$ref")
            error = SPEC["components"]["responses"][ref.rsplit("/", 1)[-1]] if ref else declared
            schema = error["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path, status)


def test_every_path_answers_cors_preflight_at_the_gateway() -> None:
    for path, item in SPEC["paths"].items():
        preflight = item["options"]
        assert preflight["security"] == [], path  # browsers send no key on preflight
        integration = preflight["x-amazon-apigateway-integration"]
        assert integration["type"] == "mock"
        headers = integration["responses"]["default"]["responseParameters"]
        methods = {m.upper() for m in item if m in {"get", "post", "put", "patch", "delete"}} | {"OPTIONS"}
        allowed = headers["method.response.header.Access-Control-Allow-Methods"].strip("'")
        assert set(allowed.split(",")) == methods, path
        assert headers["method.response.header.Access-Control-Allow-Headers"] == "'{}'".format(
            ",".join(contract.CORS_ALLOW_HEADERS)
        )
        assert (
            headers["method.response.header.Access-Control-Max-Age"] == f"'{contract.CORS_MAX_AGE_SECONDS}'"
        )
        # The keyless share-link route is for any origin; every other route for the one allowed.
        origin = "'*'" if path.startswith(contract.SHARED_PATH) else "'${cors_allow_origin}'"
        assert headers["method.response.header.Access-Control-Allow-Origin"] == origin, path
        declared = SPEC["components"]["responses"]["Preflight"]["headers"]
        assert {name.rsplit(".", 1)[-1] for name in headers} == set(declared)


def test_gateway_errors_are_readable_from_the_allowed_origin() -> None:
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        response = SPEC["x-amazon-apigateway-gateway-responses"][kind]
        origin = response["responseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"]
        assert origin == "'${cors_allow_origin}'"


def test_terraform_fills_every_placeholder_of_the_document() -> None:
    placeholders = set(re.findall(r"(?<!\$)\$\{(\w+)\}", SPEC_TEXT))
    module = (ROOT / "terraform" / "modules" / "rest_api" / "main.tf").read_text()
    assert placeholders == {f"{name}_uri" for name in PLACEHOLDER.findall(SPEC_TEXT)} | {"cors_allow_origin"}
    assert "cors_allow_origin = var.cors_allow_origin" in module
    assert "CORS_ALLOW_ORIGIN" in TERRAFORM_MAIN


def test_the_idempotency_header_is_the_contract_one() -> None:
    upload = SPEC["paths"]["/v1/images"]["post"]
    [header] = [p for p in upload["parameters"] if p["in"] == "header"]
    assert header["name"] == contract.IDEMPOTENCY_HEADER
    assert header["schema"]["pattern"] == contract.IDEMPOTENCY_KEY_PATTERN
    assert "409" in upload["responses"]


# Every ASCII character alone and inside a name, the dot names, path separators, non-ASCII text.
TEXT_SAMPLES = [
    *(chr(code) for code in range(0x80)),
    *(f"a{chr(code)}b" for code in range(0x80)),
    *(".", "..", "...", ".a", "a.", "a/b", "a\\b", "a\n", "\na", "é.png", "\x80", "\u2028", "名前.png"),
]


@pytest.mark.parametrize(
    ("field", "wrap"),
    [
        ("image_name", lambda value: value),
        ("description", lambda value: value),
        ("tags", lambda value: [value]),
    ],
)
def test_upload_text_patterns_accept_exactly_what_the_model_accepts(field: str, wrap: Any) -> None:
    """Schemathesis found 422s for schema-valid names and tags (control characters): the spec now
    states the model's rules as patterns, and this keeps the two in step (ECMA-262 semantics:
    the patterns are anchored, so a full match)."""
    schema = resolve(SCHEMAS["UploadRequest"]["properties"][field])
    pattern = re.compile((schema.get("items") or schema)["pattern"])
    valid = {"user_id": "u", "image_name": "n.png", "file": "AA=="}
    for value in TEXT_SAMPLES:
        try:
            UploadRequest.model_validate({**valid, field: wrap(value)})
        except ValidationError:
            model_accepts = False
        else:
            model_accepts = True
        assert (pattern.fullmatch(value) is not None) == model_accepts, (field, value)


def test_the_gateway_checks_required_parameters_on_every_operation() -> None:
    validators = SPEC["x-amazon-apigateway-request-validators"]
    name = SPEC["x-amazon-apigateway-request-validator"]
    assert validators[name] == {"validateRequestParameters": True, "validateRequestBody": False}
    for _path, _method, operation in operations():
        assert operation.get("x-amazon-apigateway-request-validator", name) == name


def test_list_paging_limits_are_the_contract_values() -> None:
    params = {p["name"]: p for p in SPEC["paths"]["/v1/images"]["get"]["parameters"] if "name" in p}
    limit = params["limit"]["schema"]
    assert (limit["default"], limit["maximum"]) == (contract.DEFAULT_PAGE_SIZE, contract.MAX_PAGE_SIZE)
    assert params["cursor"]["schema"]["maxLength"] == contract.MAX_CURSOR_CHARS
    assert params["tag"]["schema"]["maxLength"] == contract.MAX_TAG_CHARS


def test_metadata_edits_and_large_uploads_validate_fields_exactly_as_uploads() -> None:
    edit, upload = SCHEMAS["MetadataEdit"], SCHEMAS["UploadRequest"]["properties"]
    assert edit["additionalProperties"] is False
    assert edit["minProperties"] == 1
    assert set(edit["properties"]) == set(MetadataEdit.model_fields)
    for name, schema in edit["properties"].items():
        assert schema == upload[name], name
    intent = SCHEMAS["UploadIntent"]["properties"]
    for name in set(upload) - {"file"}:
        assert intent[name] == upload[name], name


def test_variant_parameters_are_the_contract_values() -> None:
    params = {
        p["name"]: p for p in SPEC["paths"]["/v1/images/{image_id}"]["get"]["parameters"] if "name" in p
    }
    for side in ("width", "height"):
        assert params[side]["schema"]["maximum"] == contract.MAX_VARIANT_SIDE
    assert tuple(params["fit"]["schema"]["enum"]) == contract.VARIANT_FITS
    assert tuple(params["format"]["schema"]["enum"]) == contract.VARIANT_FORMAT_VALUES
    assert (*contract.VARIANT_FORMATS, contract.AUTO_FORMAT) == contract.VARIANT_FORMAT_VALUES


def test_the_inline_413_names_the_limit_and_the_large_upload_route() -> None:
    """An inline upload over the limit answers 413 (not the schema's 422) pointing to the route
    that takes it: the spec says so, with the contract's numbers."""
    too_large = SPEC["paths"]["/v1/images"]["post"]["responses"]["413"]["description"]
    assert f"{contract.MAX_IMAGE_BYTES // 2**20} MiB" in too_large
    assert str(contract.MAX_IMAGE_BASE64_CHARS) in too_large
    assert f"POST {contract.LARGE_UPLOAD_PATH}" in too_large
    assert contract.LARGE_UPLOAD_PATH in SPEC["paths"]
    assert f"{contract.MAX_LARGE_IMAGE_BYTES // 2**20} MiB" in too_large


def test_the_spec_names_every_refusal_of_a_hostile_image() -> None:
    unsupported = SPEC["components"]["responses"]["UnsupportedMediaType"]["description"]
    for code in ("unsupported_media_type", "corrupt_image", "trailing_data"):
        assert f"`{code}`" in unsupported
    bad_request = SPEC["components"]["responses"]["BadRequest"]["description"]
    assert "`image_too_costly`" in bad_request
    assert "`too_many_pixels`" in bad_request
    # the examples it gives are the cost model's: 4 bytes a pixel of PNG colour, 16 of WebP
    assert f"about {contract.DECODE_BUDGET_BYTES / 4 / 1e6:.0f} million" in bad_request
    assert f"about {contract.DECODE_BUDGET_BYTES / 16 / 1e6:.0f} million" in bad_request
    get = SPEC["paths"]["/v1/images/{image_id}"]["get"]
    assert {"400", "415"} <= set(get["responses"])
    params = {p["name"]: p for p in get["parameters"] if "name" in p}
    for side in ("width", "height"):
        assert f"within {contract.MAX_VARIANT_SIDE}" in params[side]["description"]


def test_share_links_state_the_contract_values() -> None:
    request = SCHEMAS["LinkRequest"]["properties"]
    expires = request["expires_in"]
    assert (expires["minimum"], expires["maximum"], expires["default"]) == (
        contract.LINK_MIN_EXPIRY_SECONDS,
        contract.LINK_MAX_EXPIRY_SECONDS,
        contract.LINK_DEFAULT_EXPIRY_SECONDS,
    )
    assert request["preset"]["pattern"] == contract.PRESET_NAME_PATTERN
    fields = LinkRequest.model_fields
    assert fields["expires_in"].default == contract.LINK_DEFAULT_EXPIRY_SECONDS
    assert contract.LINK_MAX_EXPIRY_SECONDS == 7 * 24 * 3600
    shared = SPEC["paths"]["/v1/shared/{token}"]["get"]
    assert {"200", "304", "404", "410"} <= set(shared["responses"])
    assert {"Access-Control-Allow-Origin", "Cross-Origin-Resource-Policy"} <= set(
        shared["responses"]["200"]["headers"]
    )
    assert set(contract.SHARED_CORS_HEADERS) >= {
        "Access-Control-Allow-Origin",
        "Cross-Origin-Resource-Policy",
    }
    version = SPEC["paths"]["/v1/signing-keys/{version}"]["parameters"][0]["schema"]
    from image_service.link_tokens import MAX_UINT32

    assert version["maximum"] == MAX_UINT32
