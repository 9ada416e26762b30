"""Paged listings: every image exactly once, newest first, cursors bound to their listing."""

import base64
import json
from typing import Any

import pytest

from image_service.errors import BadRequestError
from image_service.handlers import list_images, upload_image
from image_service.paging import decode_cursor, encode_cursor
from tests.fixtures.images import png
from tests.unit.conftest import TENANT, api_event, invoke, json_body

pytestmark = pytest.mark.usefixtures("aws")
KEY = {
    "image_id": "11111111-2222-4333-8444-555555555555",
    "owner": "t#alice",
    "created_at": "2026-01-01T00:00:00.000000Z",
}


def upload(user: str = "alice", tags: list[str] | None = None, tenant: str = TENANT) -> str:
    body = json.dumps(
        {"user_id": user, "image_name": "a.png", "tags": tags or [], "file": base64.b64encode(png()).decode()}
    )
    response = invoke(
        upload_image.lambda_handler,
        api_event("POST", "/v1/images", resource="/v1/images", body=body, api_key_id=tenant),
    )
    assert response["statusCode"] == 201
    return str(json_body(response)["image_id"])


def page(tenant: str = TENANT, **query: str) -> dict[str, Any]:
    event = api_event(
        "GET", "/v1/images", resource="/v1/images", query={"user_id": "alice", **query}, api_key_id=tenant
    )
    return invoke(list_images.lambda_handler, event)


def test_pages_cover_every_image_once_newest_first_and_the_last_has_no_cursor() -> None:
    uploaded = [upload() for _ in range(7)]
    seen: list[str] = []
    sizes = []
    cursor: str | None = None
    while True:
        body = json_body(page(limit="3", **({"cursor": cursor} if cursor else {})))
        sizes.append(body["count"])
        seen += [image["image_id"] for image in body["images"]]
        cursor = body.get("next_cursor")
        if cursor is None:
            break
    assert sizes == [3, 3, 1]
    assert seen == list(reversed(uploaded))


def test_a_full_last_page_has_no_cursor() -> None:
    for _ in range(4):
        upload()
    body = json_body(page(limit="4"))
    assert body["count"] == 4
    assert "next_cursor" not in body


def test_the_default_page_is_fifty() -> None:
    for _ in range(51):
        upload()
    body = json_body(page())
    assert body["count"] == 50
    assert "next_cursor" in body


def test_tag_filters_the_listing() -> None:
    sea = upload(tags=["sea"])
    upload(tags=["city"])
    body = json_body(page(tag="sea"))
    assert [image["image_id"] for image in body["images"]] == [sea]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "1.5", "", "\u0661"])
def test_a_bad_limit_is_400(limit: str) -> None:
    response = page(limit=limit)
    assert response["statusCode"] == 400
    assert "limit" in json_body(response)["error"]["message"]


@pytest.mark.parametrize(
    "cursor", ["", "not a cursor", "e30", base64.urlsafe_b64encode(b'["a","b"]').decode(), "x" * 2000]
)
def test_a_bad_cursor_is_400(cursor: str) -> None:
    response = page(cursor=cursor)
    assert response["statusCode"] == 400
    assert "cursor" in json_body(response)["error"]["message"]


def test_another_tenants_cursor_is_refused() -> None:
    for _ in range(3):
        upload(tenant="other-key-id")
    theirs = json_body(page(tenant="other-key-id", limit="1"))["next_cursor"]
    response = page(cursor=theirs)
    assert response["statusCode"] == 400


def test_cursors_round_trip_and_are_bound_to_their_owner() -> None:
    cursor = encode_cursor(KEY)
    assert decode_cursor(cursor, "t#alice") == KEY
    with pytest.raises(BadRequestError):
        decode_cursor(cursor, "t#bob")
