"""openapi/api.yaml against AWS's documented rules for importing OpenAPI into a REST API.

Each test quotes the rule it checks. Sources: "Amazon API Gateway important notes for REST APIs"
(docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html), "Errors
and warnings during import", "Binary media types for REST APIs" and the x-amazon-apigateway-*
extension pages. The emulator's compat layer enforces the ones an import can trip over
(tests/emulator/test_aws_import_rules.py); these keep the spec inside all of them."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "openapi" / "api.yaml").read_text())
REST_API_MODULE = (ROOT / "terraform" / "modules" / "rest_api" / "main.tf").read_text()
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "x-amazon-apigateway-any-method"}


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def schema_objects(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object in the document (components, parameters, bodies, responses, headers),
    nested ones included, with a JSON-pointer-like location."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}/{key}"
            if key == "schema" and isinstance(value, dict):
                yield from _schema_tree(value, here)
            elif key == "schemas" and where == "#/components" and isinstance(value, dict):
                for name, schema in value.items():
                    yield from _schema_tree(schema, f"{here}/{name}")
            else:
                yield from schema_objects(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from schema_objects(value, f"{where}/{index}")


def _schema_tree(schema: dict[str, Any], where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    yield where, schema
    for key in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(key), dict):
            yield from _schema_tree(schema[key], f"{where}/{key}")
    for name, child in (schema.get("properties") or {}).items():
        yield from _schema_tree(child, f"{where}/properties/{name}")
    for key in ("allOf", "anyOf", "oneOf"):
        for index, child in enumerate(schema.get(key) or []):
            yield from _schema_tree(child, f"{where}/{key}/{index}")


def test_the_schema_walk_reaches_nested_and_inline_schemas() -> None:
    """The walk the keyword rules below rely on sees nested properties and inline schemas."""
    seen = dict(schema_objects(SPEC))
    assert "#/components/schemas/UploadTicket/properties/upload" in seen
    assert "#/components/schemas/PresignedPost/properties/fields/additionalProperties" in seen
    assert any(where.startswith("#/paths/") and where.endswith("/schema") for where in seen)
    assert any("/headers/" in where for where in seen)


def test_every_keyed_operation_declares_security_itself() -> None:
    """ "API Gateway doesn't use root level security defined in the OpenAPI specification. Hence
    security needs to be defined at an operation level to be appropriately applied." Every
    operation except the CORS preflights (browsers send no key on OPTIONS) and the share-link route
    (the link is its own credential) requires the key."""
    assert "security" not in SPEC
    keyless = {("/v1/shared/{token}", "get"), ("/v1/shared/{token}", "x-amazon-apigateway-any-method")}
    checked = 0
    for path, method, operation in operations():
        open_route = method == "options" or (path, method) in keyless
        expected: list[dict[str, list[str]]] = [] if open_route else [{"api_key": []}]
        assert operation.get("security") == expected, (method, path)
        checked += 1
    # thirteen operations (one keyless), eight preflights, the keyless path's 405 for other methods
    assert checked == 22


def test_security_schemes_are_api_keys() -> None:
    """ "The securitySchemes type, if used, must be apiKey." And the key is read from the header
    API Gateway reads it from with x-amazon-apigateway-api-key-source HEADER: x-api-key."""
    schemes = SPEC["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"apiKey"}
    assert {(scheme["in"], scheme["name"]) for scheme in schemes.values()} == {("header", "x-api-key")}
    assert SPEC["x-amazon-apigateway-api-key-source"] == "HEADER"
    assert 'api_key_source    = "HEADER"' in REST_API_MODULE


def test_model_names_are_alphanumeric() -> None:
    """ "Model names can only contain alphanumeric characters." Every components schema becomes a
    model on import."""
    for name in SPEC["components"]["schemas"]:
        assert re.fullmatch(r"[A-Za-z0-9]+", name), name


def test_method_response_bodies_are_models_not_primitives() -> None:
    """ "In method responses, schema definition must be of an object type and cannot be of
    primitive types. For example, "schema": { "type": "string"} is not supported. However, you
    can work around this using the following object type: "schema": {"$ref":
    "#/definitions/StringResponse"}". The image bytes are such a reference (ImageBytes), and
    every reference names a schema the document defines (a missing model reference is AWS's
    example of an import warning, which fail_on_warnings turns into a failed deploy)."""
    responses = SPEC["components"]["responses"]
    checked = 0
    for path, method, operation in operations():
        for status, response in operation["responses"].items():
            ref = response.get("$ref")
            resolved = responses[ref.rsplit("/", 1)[-1]] if ref else response
            for content_type, media in (resolved.get("content") or {}).items():
                schema = media["schema"]
                assert set(schema) == {"$ref"}, (method, path, status, content_type)
                assert schema["$ref"].removeprefix("#/components/schemas/") in SPEC["components"]["schemas"]
                checked += 1
    assert checked > 40
    image = SPEC["paths"]["/v1/images/{image_id}"]["get"]["responses"]["200"]["content"]["image/png"]
    assert image["schema"] == {"$ref": "#/components/schemas/ImageBytes"}
    assert SPEC["components"]["schemas"]["ImageBytes"]["format"] == "binary"  # Swagger UI offers a download


def test_the_import_fails_on_warnings() -> None:
    """ "If a warning occurs, the operation will continue if the failonwarnings=false query
    expression is appended to the request URL. Otherwise, the updates will be rolled back." The
    deploy fails on any warning rather than ship a partly imported API, so the two tests above
    (and the emulator's compat layer, which reports the same warnings) are what keeps it green."""
    assert re.search(r"^\s*fail_on_warnings\s*=\s*true$", REST_API_MODULE, re.MULTILINE)
    assert re.search(r'^\s*put_rest_api_mode\s*=\s*"overwrite"$', REST_API_MODULE, re.MULTILINE)


# Keywords the notes list as unsupported, with the note's words.
UNSUPPORTED_KEYWORDS = {
    "discriminator": "The discriminator parameter is not supported in any schema object.",
    "example": "The example tag is not supported.",
    "exclusiveMinimum": "exclusiveMinimum is not supported by API Gateway.",
    "oneOf": "oneOf is not supported by API Gateway.",
    "anyOf": "The additionalProperties and anyOf fields are not supported in Models.",
    "readOnly": "The readOnly field is not supported.",
    "deprecated": "The deprecated field is not supported and is dropped in exported APIs.",
}


@pytest.mark.parametrize(("keyword", "rule"), UNSUPPORTED_KEYWORDS.items())
def test_no_schema_uses_an_unsupported_keyword(keyword: str, rule: str) -> None:
    """The notes' unsupported schema keywords (each parameter quotes its rule); models are JSON
    schema draft 4 ("API Gateway models are defined using JSON schema draft 4")."""
    offenders = [where for where, schema in schema_objects(SPEC) if keyword in schema]
    assert offenders == [], rule


def test_no_operation_or_parameter_is_deprecated() -> None:
    """ "The deprecated field is not supported and is dropped in exported APIs." (Operations and
    parameters carry it too, not only schemas.)"""
    for path, method, operation in operations():
        assert "deprecated" not in operation, (method, path)
        for parameter in operation.get("parameters") or []:
            assert "deprecated" not in parameter, (method, path, parameter)


def test_no_number_formats_api_gateway_refuses() -> None:
    """ "Numbers of the Int32 or Int64 type are not supported." and "Decimal number format type
    ("format": "decimal") is not supported in a schema definition." Integers are plain
    `type: integer`."""
    for where, schema in schema_objects(SPEC):
        assert schema.get("format") not in {"int32", "int64", "decimal"}, where


def test_additional_properties_only_closes_objects_the_function_also_closes() -> None:
    """ "The additionalProperties and anyOf fields are not supported in Models." The spec keeps
    `additionalProperties` (JSON schema draft 4 has it, and clients and the fuzzer read it), but
    nothing depends on the gateway enforcing it: request bodies are not validated by the gateway
    (validateRequestBody false), and the functions refuse unknown fields themselves
    (test_contract.test_schema_fields_match_the_model)."""
    validators = SPEC["x-amazon-apigateway-request-validators"]
    assert all(not validator["validateRequestBody"] for validator in validators.values())
    for where, schema in schema_objects(SPEC):
        if "additionalProperties" in schema:
            assert schema.get("type") == "object", where


def test_path_segments_use_only_the_characters_api_gateway_allows() -> None:
    """ "Path segments can only contain alphanumeric characters, hyphens, periods, commas, and
    curly braces. Path parameters must be separate path segments. For example,
    "resource/{path_parameter_name}" is valid; "resource{path_parameter_name}" is not." (The
    notes' own example names a parameter with underscores.)"""
    for path in SPEC["paths"]:
        for segment in path.strip("/").split("/"):
            assert re.fullmatch(r"[A-Za-z0-9.,-]+|\{[A-Za-z0-9_]+\}", segment), (path, segment)


def test_no_gateway_response_for_request_too_large() -> None:
    """ "Customizing the default gateway response for 413 REQUEST_TOO_LARGE isn't currently
    supported." A body over API Gateway's 10 MB limit gets AWS's own 413, not our error format,
    whatever DEFAULT_4XX says; the spec does not pretend otherwise."""
    assert "REQUEST_TOO_LARGE" not in SPEC["x-amazon-apigateway-gateway-responses"]


def test_binary_media_types_cover_requests_without_accept() -> None:
    """ "API Gateway uses the first Accept header from clients to determine if a response should
    return binary media. To return binary media when you can't control the order of Accept
    header values, such as requests from a browser, set your API's binary media types to */*."
    `*/*` "includes all content types", application/json too, which is what API Gateway takes a
    request without a media type for; so images come back as bytes for any Accept, or none."""
    assert SPEC["x-amazon-apigateway-binary-media-types"] == ["*/*"]


def test_lambda_permissions_let_this_api_invoke_every_function() -> None:
    """API Gateway invokes a function only if the function's resource-based policy lets
    apigateway.amazonaws.com call lambda:InvokeFunction, scoped by SourceArn to the API's execution
    ARN (`arn:aws:execute-api:region:account:api-id/stage/METHOD/path`); without it the method
    answers 500. The emulator checks no Lambda permission, so this holds the Terraform to it: one
    permission per function, for this API's execution ARN, any stage, method and path."""
    permission = re.search(
        r'resource "aws_lambda_permission" "invoke" \{(.*?)\n\}', REST_API_MODULE, re.DOTALL
    )
    assert permission, "terraform/modules/rest_api has no aws_lambda_permission.invoke"
    body = permission.group(1)
    assert "for_each = var.functions" in body
    assert 'action        = "lambda:InvokeFunction"' in body
    assert 'principal     = "apigateway.amazonaws.com"' in body
    assert 'source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/*/*"' in body
