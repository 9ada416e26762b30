"""Image bytes come back as bytes for whatever Accept a client sends, or none (docs/aws.md).

API Gateway decodes a function's base64 body only when the request's first Accept media type
matches binaryMediaTypes; ours is */*. Run against AWS, these check the emulator's reading of
the no-Accept case as well."""

import base64

import pytest

from tests.fixtures.deployed_api import Api
from tests.fixtures.images import png


@pytest.mark.parametrize(
    "accept",
    [None, "*/*", "image/png", "image/avif,image/webp,image/apng,image/*,*/*;q=0.8", "application/json"],
    ids=["no-accept", "any", "exact", "browser-img", "json-first"],
)
def test_an_image_is_raw_bytes_for_any_accept(api: Api, user_id: str, accept: str | None) -> None:
    # Given a stored PNG
    data = png(3)
    body = {"user_id": user_id, "image_name": "dot.png", "file": base64.b64encode(data).decode()}
    created = api.request("POST", "/v1/images", json=body)
    assert created.status_code == 201, created.text

    # When it is fetched with that Accept header (None removes the one requests sends by default)
    fetched = api.request("GET", f"/v1/images/{created.json()['image_id']}", headers={"Accept": accept})

    # Then the answer is the PNG's bytes, labelled as such, never its base64 text
    assert fetched.status_code == 200
    assert fetched.request.headers.get("Accept") == accept
    assert fetched.headers["Content-Type"] == "image/png"
    assert fetched.content == data
