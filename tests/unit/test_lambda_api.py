"""The handler tests' client routes as API Gateway does, from the spec alone."""

import base64
from pathlib import Path

import pytest

from tests.fixtures.lambda_api import ApiResponse, LambdaApi, Route, project_routes, routes

pytestmark = pytest.mark.usefixtures("aws")


def test_every_handler_module_is_reached_by_a_route_of_the_spec() -> None:
    handlers = Path(__file__).resolve().parents[2] / "functions" / "image_service" / "handlers"
    modules = {path.stem for path in handlers.glob("*.py")} - {"__init__"}
    assert {route.function for route in project_routes()} == modules
    for route in project_routes():
        assert callable(route.handler), route


def test_a_literal_segment_wins_over_a_path_parameter() -> None:
    api = LambdaApi()
    assert api.route("POST", "/v1/images/uploads")[0].function == "start_upload"
    route, parameters = api.route("POST", "/v1/images/abc/complete")
    assert (route.function, parameters) == ("complete_upload", {"image_id": "abc"})
    route, parameters = api.route("GET", "/v1/images/abc")
    assert (route.function, parameters) == ("get_image", {"image_id": "abc"})
    with pytest.raises(LookupError, match="PUT /v1/images"):
        api.route("PUT", "/v1/images")
    with pytest.raises(LookupError):
        api.route("GET", "/v1/images/abc/def")


def test_a_new_route_in_a_spec_is_routed_without_an_edit() -> None:
    spec = {
        "paths": {
            "/v1/things/{thing_id}/parts/{part}": {
                "get": {"x-amazon-apigateway-integration": {"uri": "${get_part_uri}"}},
                "options": {"x-amazon-apigateway-integration": {"type": "mock"}},
            }
        }
    }
    [route] = routes(spec)
    assert route == Route("GET", "/v1/things/{thing_id}/parts/{part}", "get_part")
    assert route.path_parameters("/v1/things/a/parts/b") == {"thing_id": "a", "part": "b"}


def test_the_event_is_the_gateways_proxy_event_for_the_tenant() -> None:
    event = LambdaApi("tenant-x").event(
        "get", "/v1/images/abc", params={"download": "true"}, headers={"If-None-Match": '"x"'}
    )
    assert (event["httpMethod"], event["resource"], event["path"]) == (
        "GET",
        "/v1/images/{image_id}",
        "/v1/images/abc",
    )
    assert event["pathParameters"] == {"image_id": "abc"}
    assert event["queryStringParameters"] == {"download": "true"}
    assert event["headers"]["If-None-Match"] == '"x"'
    assert event["requestContext"]["identity"]["apiKeyId"] == "tenant-x"
    assert "apiKeyId" not in LambdaApi(None).event("GET", "/v1/images")["requestContext"]["identity"]
    posted = LambdaApi().event("POST", "/v1/images", json={"a": 1})
    assert (posted["isBase64Encoded"], base64.b64decode(posted["body"])) == (True, b'{"a": 1}')


def test_a_response_reads_as_an_http_client_reads_it() -> None:
    response = ApiResponse(
        {
            "statusCode": 200,
            "headers": {"Content-Type": "image/png"},
            "multiValueHeaders": {"Vary": ["Origin", "Accept"]},
            "body": base64.b64encode(b"\x89PNG").decode(),
            "isBase64Encoded": True,
        }
    )
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["VARY"] == "Origin, Accept"
    assert response.content == b"\x89PNG"
    assert ApiResponse({"statusCode": 400, "body": '{"error": {}}'}).json() == {"error": {}}


def test_a_request_reaches_the_handler_under_moto() -> None:
    listing = LambdaApi().get("/v1/images", params={"user_id": "alice"})
    assert listing.status == 200, listing.text
    assert listing.json() == {"user_id": "alice", "count": 0, "images": []}
