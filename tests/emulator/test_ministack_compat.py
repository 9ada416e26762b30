"""The emulator compatibility layer against the pinned MiniStack, in-process (no server).

If MiniStack is upgraded or its internals move, these fail first and say what moved."""

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from emulator import ministack_compat

pytestmark = pytest.mark.emulator

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def v1() -> Iterator[Any]:
    from ministack.services import apigateway_v1

    ministack_compat.install()
    apigateway_v1.reset()
    yield apigateway_v1
    apigateway_v1.reset()


def call(v1: Any, method: str, path: str, body: Any = None, query: dict[str, list[str]] | None = None) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
    status, _headers, payload = asyncio.run(v1.handle_request(method, path, {}, raw, query or {}))
    return status, json.loads(payload) if payload else None


def new_api(v1: Any) -> str:
    status, api = call(v1, "POST", "/restapis", {"name": "compat-test"})
    assert status == 201
    return str(api["id"])


def spec_body(
    uri: str = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations",
) -> bytes:
    text = (ROOT / "openapi" / "api.yaml").read_text()
    text = re.sub(r"\$\{(\w+)_uri\}", lambda m: uri.replace("/f/", f"/{m.group(1)}/"), text)
    return text.replace("${cors_allow_origin}", "http://localhost:8080").encode()


def methods_by_path(v1: Any, api_id: str) -> dict[str, set[str]]:
    return {res["path"]: set(res["resourceMethods"]) for res in v1._resources[api_id].values()}


def test_pinned_version_is_installed_with_every_internal_the_layer_uses() -> None:
    ministack_compat.check_internals()


def test_a_moved_internal_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from ministack.services import apigateway_v1

    monkeypatch.delattr(apigateway_v1, "_put_integration")
    with pytest.raises(ministack_compat.CompatError, match="_put_integration"):
        ministack_compat.check_internals()


def test_another_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ministack_compat.importlib.metadata, "version", lambda _name: "9.9.9")
    with pytest.raises(ministack_compat.CompatError, match=r"9\.9\.9"):
        ministack_compat.check_internals()


def test_overwrite_imports_the_project_spec(v1: Any) -> None:
    api_id = new_api(v1)

    status, api = call(v1, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})

    assert status == 200
    assert api["id"] == api_id
    assert api["binaryMediaTypes"] == ["*/*"]
    assert api["apiKeySource"] == "HEADER"
    assert methods_by_path(v1, api_id) == {
        "/": set(),
        "/v1": set(),
        "/v1/images": {"GET", "POST", "OPTIONS"},
        "/v1/images/uploads": {"POST", "OPTIONS"},
        "/v1/images/{image_id}": {"GET", "PATCH", "DELETE", "OPTIONS"},
        "/v1/images/{image_id}/complete": {"POST", "OPTIONS"},
        "/v1/images/{image_id}/links": {"POST", "DELETE", "OPTIONS"},
        "/v1/shared": set(),
        "/v1/shared/{token}": {"GET", "OPTIONS", "ANY"},
        "/v1/signing-keys": {"GET", "POST", "OPTIONS"},
        "/v1/signing-keys/{version}": {"DELETE", "OPTIONS"},
    }
    images = next(r for r in v1._resources[api_id].values() if r["path"] == "/v1/images")
    post = images["resourceMethods"]["POST"]
    assert post["apiKeyRequired"] is True
    assert post["operationName"] == "uploadImage"
    assert post["requestModels"] == {"application/json": "UploadRequest"}
    assert set(post["methodResponses"]) >= {"201", "400", "413", "415", "422"}
    integration = post["methodIntegration"]
    assert integration["type"] == "AWS_PROXY"
    assert integration["httpMethod"] == "POST"
    assert "/functions/upload_image/" in integration["uri"]
    get = images["resourceMethods"]["GET"]
    assert get["requestParameters"] == {
        "method.request.querystring.user_id": True,
        "method.request.querystring.limit": False,
        "method.request.querystring.cursor": False,
        "method.request.querystring.tag": False,
    }
    assert set(v1._models[api_id]) >= {"UploadRequest", "ImageMetadata", "ErrorResponse"}
    model = json.loads(v1._models[api_id]["UploadRequest"]["schema"])
    assert model["properties"]["user_id"]["$ref"].endswith(f"/restapis/{api_id}/models/UserId")
    assert v1._gateway_responses[api_id]["DEFAULT_4XX"]["responseTemplates"]["application/json"].startswith(
        '{"error"'
    )


def test_json_bodies_import_like_yaml(v1: Any) -> None:
    api_id = new_api(v1)
    as_json = json.dumps(yaml.safe_load(spec_body())).encode()
    status, _ = call(v1, "PUT", f"/restapis/{api_id}", as_json, {"mode": ["overwrite"]})
    assert status == 200
    assert methods_by_path(v1, api_id)["/v1/images"] == {"GET", "POST", "OPTIONS"}


def test_overwrite_replaces_what_the_new_document_lacks(v1: Any) -> None:
    api_id = new_api(v1)
    call(v1, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})
    smaller = yaml.safe_load(spec_body())
    # The whole subtree, or /complete and /links would keep /v1/images/{image_id} as their parent.
    del smaller["paths"]["/v1/images/{image_id}"]
    del smaller["paths"]["/v1/images/{image_id}/complete"]
    del smaller["paths"]["/v1/images/{image_id}/links"]
    smaller["paths"]["/v1/health"] = {"get": {"responses": {"200": {"description": "ok"}}}}

    status, _ = call(v1, "PUT", f"/restapis/{api_id}", json.dumps(smaller).encode(), {"mode": ["overwrite"]})

    assert status == 200
    paths = methods_by_path(v1, api_id)
    assert "/v1/images/{image_id}" not in paths
    assert "/v1/images/{image_id}/complete" not in paths
    assert paths["/v1/health"] == {"GET"}
    assert paths["/v1/images"] == {"GET", "POST", "OPTIONS"}


def test_merge_keeps_what_the_new_document_lacks(v1: Any) -> None:
    api_id = new_api(v1)
    call(v1, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})
    extra = {
        "openapi": "3.0.3",
        "info": {"title": "compat-test", "version": "2"},
        "paths": {"/v1/health": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }

    status, _ = call(v1, "PUT", f"/restapis/{api_id}", json.dumps(extra).encode(), {"mode": ["merge"]})

    assert status == 200
    paths = methods_by_path(v1, api_id)
    assert paths["/v1/health"] == {"GET"}
    assert paths["/v1/images/{image_id}"] == {"GET", "PATCH", "DELETE", "OPTIONS"}
    assert v1._rest_apis[api_id]["binaryMediaTypes"] == ["*/*"]  # not in the merged document: kept


def test_merge_is_the_default_mode_as_on_aws(v1: Any) -> None:
    api_id = new_api(v1)
    call(v1, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})
    extra = {"openapi": "3.0.3", "info": {"title": "t"}, "paths": {"/x": {"get": {"responses": {}}}}}
    call(v1, "PUT", f"/restapis/{api_id}", json.dumps(extra).encode())
    assert "/v1/images" in methods_by_path(v1, api_id)


@pytest.mark.parametrize(
    ("body", "query", "status"),
    [
        (b"{not: [valid", {"mode": ["overwrite"]}, 400),
        (b'{"info": {}}', {"mode": ["overwrite"]}, 400),
        (b'{"openapi": "3.0.3"}', {"mode": ["overwrite"]}, 400),
        (b'{"openapi": "3.0.3", "paths": {}}', {"mode": ["replace"]}, 400),
        (b'{"openapi": "3.0.3", "paths": {}}', {"basepath": ["prepend"]}, 400),
    ],
)
def test_bad_imports_are_refused_and_change_nothing(v1: Any, body: bytes, query: Any, status: int) -> None:
    api_id = new_api(v1)
    call(v1, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})
    before = methods_by_path(v1, api_id)

    got, error = call(v1, "PUT", f"/restapis/{api_id}", body, query)

    assert got == status
    assert error  # an error document, not an empty body
    assert methods_by_path(v1, api_id) == before


def test_unknown_api_is_404(v1: Any) -> None:
    status, _ = call(v1, "PUT", "/restapis/nope", spec_body(), {"mode": ["overwrite"]})
    assert status == 404


def test_other_requests_reach_ministack_unchanged(v1: Any) -> None:
    api_id = new_api(v1)
    status, api = call(v1, "GET", f"/restapis/{api_id}")
    assert status == 200
    assert api["name"] == "compat-test"


def test_empty_api_key_value_is_generated_as_on_aws(v1: Any) -> None:
    status, key = call(v1, "POST", "/apikeys", {"name": "k", "value": "", "enabled": True})
    assert status == 201
    assert len(key["value"]) >= 20


def test_explicit_api_key_values_are_kept(v1: Any) -> None:
    status, key = call(v1, "POST", "/apikeys", {"name": "k", "value": "x" * 24})
    assert status == 201
    assert key["value"] == "x" * 24


def test_install_is_idempotent(v1: Any) -> None:
    wrapped = v1.handle_request
    ministack_compat.install()
    assert v1.handle_request is wrapped


def test_binary_media_type_patches_edit_the_list_as_on_aws(v1: Any) -> None:
    api_id = new_api(v1)
    call(v1, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})
    patches = {
        "patchOperations": [
            {"op": "add", "path": "/binaryMediaTypes/image~1png"},
            {"op": "remove", "path": "/binaryMediaTypes/*~1*"},
            {"op": "replace", "path": "/description", "value": "patched"},
        ]
    }

    status, api = call(v1, "PATCH", f"/restapis/{api_id}", patches)

    assert status == 200
    assert api["binaryMediaTypes"] == ["image/png"]
    assert api["description"] == "patched"


def test_proxy_events_name_the_callers_api_key_as_on_aws(v1: Any) -> None:
    # Given the project's API imported, and a key
    api_id = new_api(v1)
    assert call(v1, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})[0] == 200
    _status, key = call(v1, "POST", "/apikeys", {"name": "tenant-a", "enabled": True})
    resources = {res["path"]: res for res in v1._resources[api_id].values()}
    headers = {"x-api-key": key["value"]}

    # When the gateway builds the Lambda event for a keyed method, and for the keyless preflight
    def identity(path: str, method: str) -> dict[str, Any]:
        event = v1._build_lambda_event_v1(
            api_id, "api", {}, resources[path], path, method, headers, None, {}, {}
        )
        return dict(event["requestContext"]["identity"])

    keyed = identity("/v1/images", "GET")
    preflight = identity("/v1/images", "OPTIONS")

    # Then the keyed one carries the key's id and value, the other does not
    assert (keyed["apiKeyId"], keyed["apiKey"]) == (key["id"], key["value"])
    assert "apiKeyId" not in preflight


def test_usage_plans_without_a_quota_have_none_as_on_aws(v1: Any) -> None:
    # Given a plan created, as the stack's is by default, with a throttle and no quota
    status, created = call(
        v1, "POST", "/usageplans", {"name": "plan", "throttle": {"rateLimit": 10, "burstLimit": 20}}
    )
    assert status == 201

    # When it is read back, as the provider does after every create and on refresh
    status, plan = call(v1, "GET", f"/usageplans/{created['id']}")

    # Then there is no quota to read as a zero one (a diff on every next apply), and the throttle stays
    assert status == 200
    assert "quota" not in created
    assert "quota" not in plan
    assert plan["throttle"] == {"rateLimit": 10, "burstLimit": 20}


def test_a_quota_that_is_set_is_kept_and_an_unset_throttle_left_out(v1: Any) -> None:
    quota = {"limit": 1000, "offset": 0, "period": "DAY"}
    status, created = call(v1, "POST", "/usageplans", {"name": "plan", "quota": quota})
    assert status == 201

    _status, plan = call(v1, "GET", f"/usageplans/{created['id']}")

    assert plan["quota"] == quota
    assert "throttle" not in plan


def test_usage_plan_limit_patches_are_stored_as_numbers_as_on_aws(v1: Any) -> None:
    # Given a plan with a throttle and a quota
    _status, created = call(
        v1,
        "POST",
        "/usageplans",
        {
            "name": "plan",
            "throttle": {"rateLimit": 100, "burstLimit": 200},
            "quota": {"limit": 1000, "offset": 0, "period": "DAY"},
        },
    )

    # When its limits are patched the way the provider sends them, as strings
    patches = {
        "patchOperations": [
            {"op": "replace", "path": "/throttle/rateLimit", "value": "7.5"},
            {"op": "replace", "path": "/throttle/burstLimit", "value": "15"},
            {"op": "replace", "path": "/quota/limit", "value": "500"},
            {"op": "replace", "path": "/quota/period", "value": "WEEK"},
        ]
    }
    status, _ = call(v1, "PATCH", f"/usageplans/{created['id']}", patches)

    # Then the numbers read back as numbers (the SDK rejects strings there), other fields as sent
    _status, plan = call(v1, "GET", f"/usageplans/{created['id']}")
    assert status == 200
    assert plan["throttle"] == {"rateLimit": 7.5, "burstLimit": 15}
    assert plan["quota"] == {"limit": 500, "offset": 0, "period": "WEEK"}
