"""The emulator compatibility layer against the pinned MiniStack, in-process (no server).

If MiniStack is upgraded or its internals move, these fail first and say what moved."""

import importlib.metadata
import json
from typing import Any

import pytest
import yaml

from emulator import ministack_compat
from tests.fixtures.ministack_api import (
    COMPAT_METHODS,
    as_body,
    call,
    compat_document,
    methods_by_path,
    new_api,
)

pytestmark = pytest.mark.emulator


def spec_body() -> bytes:
    return as_body(compat_document())


def test_pinned_version_is_installed_with_every_internal_the_layer_uses() -> None:
    ministack_compat.check_internals()


def test_a_moved_internal_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from ministack.services import apigateway_v1

    monkeypatch.delattr(apigateway_v1, "_put_integration")
    with pytest.raises(ministack_compat.CompatError, match="_put_integration"):
        ministack_compat.check_internals()


def test_a_moved_internal_of_another_service_is_reported_with_its_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ministack.services import s3

    monkeypatch.delattr(s3, "_object_tags")
    with pytest.raises(ministack_compat.CompatError, match=r"ministack\.services\.s3 .*_object_tags"):
        ministack_compat.check_internals()


def test_another_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.metadata, "version", lambda _name: "9.9.9")
    with pytest.raises(ministack_compat.CompatError, match=r"9\.9\.9"):
        ministack_compat.check_internals()


def test_overwrite_imports_a_whole_document(apigw: Any) -> None:
    api_id = new_api(apigw)

    status, api = call(apigw, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})

    assert status == 200
    assert api["id"] == api_id
    assert api["binaryMediaTypes"] == ["*/*"]
    assert api["apiKeySource"] == "HEADER"
    assert methods_by_path(apigw, api_id) == COMPAT_METHODS
    things = next(r for r in apigw._resources[api_id].values() if r["path"] == "/v1/things")
    post = things["resourceMethods"]["POST"]
    assert post["apiKeyRequired"] is True
    assert post["operationName"] == "createThing"
    assert post["requestModels"] == {"application/json": "ThingRequest"}
    assert set(post["methodResponses"]) >= {"201", "400", "422"}
    integration = post["methodIntegration"]
    assert integration["type"] == "AWS_PROXY"
    assert integration["httpMethod"] == "POST"
    assert "/functions/create_thing/" in integration["uri"]
    get = things["resourceMethods"]["GET"]
    assert get["requestParameters"] == {
        "method.request.querystring.owner_id": True,
        "method.request.querystring.limit": False,
    }
    assert set(apigw._models[api_id]) >= {"ThingRequest", "Thing", "Error"}
    model = json.loads(apigw._models[api_id]["ThingRequest"]["schema"])
    assert model["properties"]["owner_id"]["$ref"].endswith(f"/restapis/{api_id}/models/OwnerId")
    assert apigw._gateway_responses[api_id]["DEFAULT_4XX"]["responseTemplates"][
        "application/json"
    ].startswith('{"error"')


def test_json_bodies_import_like_yaml(apigw: Any) -> None:
    api_id = new_api(apigw)
    as_json = json.dumps(yaml.safe_load(spec_body())).encode()
    status, _ = call(apigw, "PUT", f"/restapis/{api_id}", as_json, {"mode": ["overwrite"]})
    assert status == 200
    assert methods_by_path(apigw, api_id)["/v1/things"] == {"GET", "POST", "OPTIONS"}


def test_overwrite_replaces_what_the_new_document_lacks(apigw: Any) -> None:
    api_id = new_api(apigw)
    call(apigw, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})
    smaller = yaml.safe_load(spec_body())
    # The whole subtree, or /done would keep /v1/things/{thing_id} as its parent resource.
    del smaller["paths"]["/v1/things/{thing_id}"]
    del smaller["paths"]["/v1/things/{thing_id}/done"]
    smaller["paths"]["/v1/health"] = {"get": {"responses": {"200": {"description": "ok"}}}}

    status, _ = call(
        apigw, "PUT", f"/restapis/{api_id}", json.dumps(smaller).encode(), {"mode": ["overwrite"]}
    )

    assert status == 200
    paths = methods_by_path(apigw, api_id)
    assert "/v1/things/{thing_id}" not in paths
    assert "/v1/things/{thing_id}/done" not in paths
    assert paths["/v1/health"] == {"GET"}
    assert paths["/v1/things"] == {"GET", "POST", "OPTIONS"}


def test_merge_keeps_what_the_new_document_lacks(apigw: Any) -> None:
    api_id = new_api(apigw)
    call(apigw, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})
    extra = {
        "openapi": "3.0.3",
        "info": {"title": "compat-test", "version": "2"},
        "paths": {"/v1/health": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }

    status, _ = call(apigw, "PUT", f"/restapis/{api_id}", json.dumps(extra).encode(), {"mode": ["merge"]})

    assert status == 200
    paths = methods_by_path(apigw, api_id)
    assert paths["/v1/health"] == {"GET"}
    assert paths["/v1/things/{thing_id}"] == {"GET", "DELETE", "OPTIONS"}
    assert apigw._rest_apis[api_id]["binaryMediaTypes"] == ["*/*"]  # not in the merged document: kept


def test_merge_is_the_default_mode_as_on_aws(apigw: Any) -> None:
    api_id = new_api(apigw)
    call(apigw, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})
    extra = {"openapi": "3.0.3", "info": {"title": "t"}, "paths": {"/x": {"get": {"responses": {}}}}}
    call(apigw, "PUT", f"/restapis/{api_id}", json.dumps(extra).encode())
    assert "/v1/things" in methods_by_path(apigw, api_id)


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
def test_bad_imports_are_refused_and_change_nothing(apigw: Any, body: bytes, query: Any, status: int) -> None:
    api_id = new_api(apigw)
    call(apigw, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})
    before = methods_by_path(apigw, api_id)

    got, error = call(apigw, "PUT", f"/restapis/{api_id}", body, query)

    assert got == status
    assert error  # an error document, not an empty body
    assert methods_by_path(apigw, api_id) == before


def test_unknown_api_is_404(apigw: Any) -> None:
    status, _ = call(apigw, "PUT", "/restapis/nope", spec_body(), {"mode": ["overwrite"]})
    assert status == 404


def test_other_requests_reach_ministack_unchanged(apigw: Any) -> None:
    api_id = new_api(apigw)
    status, api = call(apigw, "GET", f"/restapis/{api_id}")
    assert status == 200
    assert api["name"] == "compat-test"


def test_empty_api_key_value_is_generated_as_on_aws(apigw: Any) -> None:
    status, key = call(apigw, "POST", "/apikeys", {"name": "k", "value": "", "enabled": True})
    assert status == 201
    assert len(key["value"]) >= 20


def test_explicit_api_key_values_are_kept(apigw: Any) -> None:
    status, key = call(apigw, "POST", "/apikeys", {"name": "k", "value": "x" * 24})
    assert status == 201
    assert key["value"] == "x" * 24


def test_install_is_idempotent(apigw: Any) -> None:
    wrapped = apigw.handle_request
    ministack_compat.install()
    assert apigw.handle_request is wrapped


def test_binary_media_type_patches_edit_the_list_as_on_aws(apigw: Any) -> None:
    api_id = new_api(apigw)
    call(apigw, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})
    patches = {
        "patchOperations": [
            {"op": "add", "path": "/binaryMediaTypes/image~1png"},
            {"op": "remove", "path": "/binaryMediaTypes/*~1*"},
            {"op": "replace", "path": "/description", "value": "patched"},
        ]
    }

    status, api = call(apigw, "PATCH", f"/restapis/{api_id}", patches)

    assert status == 200
    assert api["binaryMediaTypes"] == ["image/png"]
    assert api["description"] == "patched"


def test_proxy_events_name_the_callers_api_key_as_on_aws(apigw: Any) -> None:
    # Given an API imported, and a key
    api_id = new_api(apigw)
    assert call(apigw, "PUT", f"/restapis/{api_id}", spec_body(), {"mode": ["overwrite"]})[0] == 200
    _status, key = call(apigw, "POST", "/apikeys", {"name": "tenant-a", "enabled": True})
    resources = {res["path"]: res for res in apigw._resources[api_id].values()}
    headers = {"x-api-key": key["value"]}

    # When the gateway builds the Lambda event for a keyed method, and for the keyless preflight
    def identity(path: str, method: str) -> dict[str, Any]:
        event = apigw._build_lambda_event_v1(
            api_id, "api", {}, resources[path], path, method, headers, None, {}, {}
        )
        return dict(event["requestContext"]["identity"])

    keyed = identity("/v1/things", "GET")
    preflight = identity("/v1/things", "OPTIONS")

    # Then the keyed one carries the key's id and value, the other does not
    assert (keyed["apiKeyId"], keyed["apiKey"]) == (key["id"], key["value"])
    assert "apiKeyId" not in preflight


def test_usage_plans_without_a_quota_have_none_as_on_aws(apigw: Any) -> None:
    # Given a plan created, as the stack's is by default, with a throttle and no quota
    status, created = call(
        apigw, "POST", "/usageplans", {"name": "plan", "throttle": {"rateLimit": 10, "burstLimit": 20}}
    )
    assert status == 201

    # When it is read back, as the provider does after every create and on refresh
    status, plan = call(apigw, "GET", f"/usageplans/{created['id']}")

    # Then there is no quota to read as a zero one (a diff on every next apply), and the throttle stays
    assert status == 200
    assert "quota" not in created
    assert "quota" not in plan
    assert plan["throttle"] == {"rateLimit": 10, "burstLimit": 20}


def test_a_quota_that_is_set_is_kept_and_an_unset_throttle_left_out(apigw: Any) -> None:
    quota = {"limit": 1000, "offset": 0, "period": "DAY"}
    status, created = call(apigw, "POST", "/usageplans", {"name": "plan", "quota": quota})
    assert status == 201

    _status, plan = call(apigw, "GET", f"/usageplans/{created['id']}")

    assert plan["quota"] == quota
    assert "throttle" not in plan


def test_usage_plan_limit_patches_are_stored_as_numbers_as_on_aws(apigw: Any) -> None:
    # Given a plan with a throttle and a quota
    _status, created = call(
        apigw,
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
    status, _ = call(apigw, "PATCH", f"/usageplans/{created['id']}", patches)

    # Then the numbers read back as numbers (the SDK rejects strings there), other fields as sent
    _status, plan = call(apigw, "GET", f"/usageplans/{created['id']}")
    assert status == 200
    assert plan["throttle"] == {"rateLimit": 7.5, "burstLimit": 15}
    assert plan["quota"] == {"limit": 500, "offset": 0, "period": "WEEK"}
