"""A browser on the allowed origin (where Swagger UI runs) can call the API through the gateway."""

import os

import pytest

from tests.fixtures.deployed_api import Api

IMAGES = "/v1/images"
IMAGE = "/v1/images/11111111-2222-4333-8444-555555555555"


@pytest.fixture(scope="module")
def origin() -> str:
    value = os.environ.get("IMAGE_SERVICE_CORS_ORIGIN")
    if not value:
        pytest.fail("IMAGE_SERVICE_CORS_ORIGIN is not set: run the end-to-end tests with `nox -s tests`")
    return value


@pytest.mark.parametrize(
    ("path", "method"), [(IMAGES, "GET"), (IMAGES, "POST"), (IMAGE, "GET"), (IMAGE, "DELETE")]
)
def test_preflight_is_answered_without_a_key(api: Api, origin: str, path: str, method: str) -> None:
    # When a browser asks before sending x-api-key (preflight carries no key)
    response = api.request(
        "OPTIONS",
        path,
        key=None,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type,x-api-key",
        },
    )
    # Then the gateway allows that origin, method and headers
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert method in response.headers["Access-Control-Allow-Methods"].split(",")
    allowed = {h.lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "x-api-key"} <= allowed


def test_answers_name_the_origin_and_expose_the_metadata_header(api: Api, origin: str, user_id: str) -> None:
    response = api.request("GET", IMAGES, params={"user_id": user_id}, headers={"Origin": origin})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "X-Image-Metadata" in response.headers["Access-Control-Expose-Headers"]


def test_errors_are_readable_by_the_browser_too(api: Api, origin: str) -> None:
    # A function's 404 and the gateway's own 403 (no key) both carry the origin.
    not_found = api.request("GET", IMAGE, headers={"Origin": origin})
    no_key = api.request("GET", IMAGES, key=None, params={"user_id": "x"}, headers={"Origin": origin})
    assert (not_found.status_code, no_key.status_code) == (404, 403)
    assert not_found.headers["Access-Control-Allow-Origin"] == origin
    assert no_key.headers["Access-Control-Allow-Origin"] == origin


def test_another_origin_is_not_allowed(api: Api, user_id: str) -> None:
    response = api.request(
        "GET", IMAGES, params={"user_id": user_id}, headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in response.headers
