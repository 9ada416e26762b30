"""The compat layer imports and answers as AWS documents, where MiniStack alone is more lenient.

In-process, against the pinned MiniStack (no server). Each test names the AWS rule it shows."""

import asyncio
import base64
import json
from typing import Any

import pytest
import yaml

from emulator.patches import binary_responses
from tests.fixtures.ministack_api import (
    FUNCTION_URI,
    as_body,
    call,
    compat_document,
    methods_by_path,
    new_api,
    project_spec_body,
)

pytestmark = pytest.mark.emulator

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)


def keyed_document(*, root_security: bool, operation_security: bool) -> dict[str, Any]:
    """A one-operation API whose key requirement sits at the root, on the operation, or both."""
    operation: dict[str, Any] = {
        "responses": {"200": {"description": "ok"}},
        "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "uri": FUNCTION_URI},
    }
    if operation_security:
        operation["security"] = [{"api_key": []}]
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "keys", "version": "1"},
        "paths": {"/things": {"get": operation}},
        "components": {
            "securitySchemes": {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}}
        },
    }
    if root_security:
        document["security"] = [{"api_key": []}]
    return document


def method(apigw: Any, api_id: str, path: str, http_method: str) -> dict[str, Any]:
    resource = next(res for res in apigw._resources[api_id].values() if res["path"] == path)
    return dict(resource["resourceMethods"][http_method])


@pytest.mark.parametrize(
    ("root_security", "operation_security", "key_required"),
    [(True, False, False), (False, True, True), (True, True, True)],
)
def test_put_rest_api_ignores_root_security_as_aws_does(
    apigw: Any, *, root_security: bool, operation_security: bool, key_required: bool
) -> None:
    """AWS, "Amazon API Gateway important notes for REST APIs": "API Gateway doesn't use root level
    security defined in the OpenAPI specification. Hence security needs to be defined at an
    operation level to be appropriately applied." (MiniStack's importer fell back to the root.)"""
    # Given a document whose key requirement is at the root, on the operation, or both
    api_id = new_api(apigw)
    document = keyed_document(root_security=root_security, operation_security=operation_security)

    # When Terraform's call imports it
    status, _ = call(apigw, "PUT", f"/restapis/{api_id}", document, {"mode": ["overwrite"]})

    # Then only an operation's own security makes the method require a key
    assert status == 200
    assert bool(method(apigw, api_id, "/things", "GET").get("apiKeyRequired")) is key_required


def test_ministacks_own_importer_ignores_root_security_too(apigw: Any) -> None:
    """The same rule on MiniStack's importer of CloudFormation ``Body`` documents, which gave an
    operation without ``security`` the root's."""
    api_id = apigw._import_rest_api(keyed_document(root_security=True, operation_security=False))
    assert not method(apigw, api_id, "/things", "GET").get("apiKeyRequired")


def test_the_project_spec_imports_with_fail_on_warnings(apigw: Any) -> None:
    """terraform/modules/rest_api sets ``fail_on_warnings = true``; the spec must import without a
    warning, keyed everywhere but on the CORS preflights and the share-link path (its GET, and
    the 405 its other methods get)."""
    api_id = new_api(apigw)
    spec = yaml.safe_load(project_spec_body())

    status, api = call(
        apigw,
        "PUT",
        f"/restapis/{api_id}",
        project_spec_body(),
        {"mode": ["overwrite"], "failonwarnings": ["true"]},
    )

    assert status == 200, api
    assert "warnings" not in api
    # every operation of the spec is a method of its resource, and nothing else is
    methods = {"get", "post", "put", "patch", "delete", "options", "x-amazon-apigateway-any-method"}
    declared = {
        path: {
            "ANY" if method == "x-amazon-apigateway-any-method" else method.upper()
            for method in item
            if method in methods
        }
        for path, item in spec["paths"].items()
    }
    imported = methods_by_path(apigw, api_id)
    assert {path: imported[path] for path in declared} == declared
    assert all(not methods for path, methods in imported.items() if path not in declared)
    for resource in apigw._resources[api_id].values():
        for http_method, settings in (resource.get("resourceMethods") or {}).items():
            keyless = http_method == "OPTIONS" or resource["path"] == "/v1/shared/{token}"
            assert bool(settings.get("apiKeyRequired")) is not keyless, (
                resource["path"],
                http_method,
            )


def with_image_response(schema: dict[str, Any]) -> dict[str, Any]:
    document = compat_document()
    get = document["paths"]["/v1/things/{thing_id}"]["get"]
    get["responses"]["200"]["content"]["image/png"]["schema"] = schema
    return document


@pytest.mark.parametrize(
    ("schema", "warning"),
    [
        ({"type": "string", "format": "binary"}, "primitive type 'string'"),
        ({"$ref": "#/components/schemas/NoSuchModel"}, "missing model"),
    ],
)
def test_import_warnings_roll_back_an_import_with_fail_on_warnings(
    apigw: Any, schema: dict[str, Any], warning: str
) -> None:
    """AWS, "Amazon API Gateway important notes for REST APIs": "In method responses, schema
    definition must be of an object type and cannot be of primitive types. For example,
    "schema": { "type": "string"} is not supported." and "Errors and warnings during import":
    warnings arise "for minor issues like a missing model reference. If a warning occurs, the
    operation will continue if the failonwarnings=false query expression is appended to the
    request URL. Otherwise, the updates will be rolled back"."""
    # Given an API imported, and a document that AWS would warn about
    api_id = new_api(apigw)
    call(apigw, "PUT", f"/restapis/{api_id}", as_body(compat_document()), {"mode": ["overwrite"]})
    before = json.dumps(apigw._resources[api_id], sort_keys=True, default=str)
    document = json.dumps(with_image_response(schema)).encode()

    # When it is imported with failonwarnings=true, as Terraform sends it, and then without
    failed, error = call(
        apigw, "PUT", f"/restapis/{api_id}", document, {"mode": ["overwrite"], "failonwarnings": ["true"]}
    )
    unchanged = json.dumps(apigw._resources[api_id], sort_keys=True, default=str)
    passed, api = call(apigw, "PUT", f"/restapis/{api_id}", document, {"mode": ["overwrite"]})

    # Then the first is refused with the warning and changes nothing; the second applies, warning
    assert failed == 400
    assert warning in error["message"]
    assert unchanged == before
    assert passed == 200
    assert any(warning in text for text in api["warnings"])


def test_model_names_must_be_alphanumeric(apigw: Any) -> None:
    """AWS, "Amazon API Gateway important notes for REST APIs": "Model names can only contain
    alphanumeric characters.\""""
    document = compat_document()
    document["components"]["schemas"]["Image_Bytes"] = {"type": "object"}
    api_id = new_api(apigw)

    status, error = call(
        apigw,
        "PUT",
        f"/restapis/{api_id}",
        json.dumps(document).encode(),
        {"mode": ["overwrite"], "failonwarnings": ["true"]},
    )

    assert status == 400
    assert "Image_Bytes" in error["message"]


def proxy_response(
    apigw: Any, monkeypatch: pytest.MonkeyPatch, headers: dict[str, str]
) -> tuple[int, dict[str, Any], bytes]:
    """What the gateway answers for a GET whose function returns a PNG, base64, with isBase64Encoded."""

    async def lambda_returning_png(*_args: Any, **_kwargs: Any) -> tuple[dict[str, Any], None]:
        envelope = {
            "statusCode": 200,
            "headers": {"Content-Type": "image/png"},
            "body": base64.b64encode(PNG).decode(),
            "isBase64Encoded": True,
        }
        return {"body": envelope}, None

    monkeypatch.setattr(apigw, "_call_lambda_raw", lambda_returning_png)
    resource = {"id": "r", "path": "/v1/things/{thing_id}", "resourceMethods": {"GET": {}}}
    integration = {"type": "AWS_PROXY", "uri": FUNCTION_URI}
    status, response_headers, body = asyncio.run(
        apigw._invoke_lambda_proxy_v1(
            integration,
            "api",
            "api",
            {},
            resource,
            "/v1/things/x",
            "GET",
            headers,
            b"",
            {},
            {},
            binary_media_types=["*/*"],
        )
    )
    return int(status), dict(response_headers), bytes(body)


@pytest.mark.parametrize(
    "accept",
    [None, "", "image/png", "*/*", "image/avif,image/webp,*/*;q=0.8", "application/json"],
)
def test_binary_responses_are_decoded_for_any_accept_under_star_star(
    apigw: Any, monkeypatch: pytest.MonkeyPatch, accept: str | None
) -> None:
    """AWS, "Binary media types for REST APIs": "API Gateway uses the first Accept header from
    clients to determine if a response should return binary media. To return binary media when
    you can't control the order of Accept header values, such as requests from a browser, set
    your API's binary media types to */*" ("*/*" "includes all content types"). A request without
    Accept is taken as application/json, the media type API Gateway assumes when a request names
    none; */* matches it. (MiniStack answered base64 text labelled image/png without Accept.)"""
    headers = {} if accept is None else {"accept": accept}

    status, response_headers, body = proxy_response(apigw, monkeypatch, headers)

    assert status == 200
    assert response_headers["Content-Type"] == "image/png"
    assert body == PNG


@pytest.mark.parametrize(
    ("accept", "binary"),
    [
        ("image/png", True),
        ("image/png,text/html", True),  # the first media type decides...
        ("text/html,image/png", False),  # ...not any later one
        ("image/png;q=0.9", True),
        (None, False),  # application/json is not image/png
        ("*/*", False),  # a wildcard Accept is compared literally
    ],
)
def test_the_first_accept_media_type_decides(accept: str | None, *, binary: bool) -> None:
    """AWS, "Amazon API Gateway important notes for REST APIs": "When a request contains multiple
    media types in its Accept header, API Gateway only honors the first Accept media type."
    (MiniStack compared the whole header.)"""
    assert binary_responses.media_type_matches(accept, ["image/png"]) is binary
