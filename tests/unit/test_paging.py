"""Paged listings: every image exactly once, newest first, cursors bound to their listing."""

import base64

import pytest

from image_service.errors import BadRequestError
from image_service.paging import decode_cursor, encode_cursor
from tests.fixtures.api_events import TENANT
from tests.fixtures.image_calls import API
from tests.fixtures.images import png
from tests.fixtures.lambda_api import ApiResponse

pytestmark = pytest.mark.usefixtures("aws")
KEY = {
    "image_id": "11111111-2222-4333-8444-555555555555",
    "owner": "t#alice",
    "created_at": "2026-01-01T00:00:00.000000Z",
}


def upload(user: str = "alice", tags: list[str] | None = None, tenant: str = TENANT) -> str:
    body = {
        "user_id": user,
        "image_name": "a.png",
        "tags": tags or [],
        "file": base64.b64encode(png()).decode(),
    }
    response = API.as_tenant(tenant).post("/v1/images", json=body)
    assert response.status == 201
    return str(response.json()["image_id"])


def page(tenant: str = TENANT, **query: str) -> ApiResponse:
    return API.as_tenant(tenant).get("/v1/images", params={"user_id": "alice", **query})


def test_pages_cover_every_image_once_newest_first_and_the_last_has_no_cursor() -> None:
    uploaded = [upload() for _ in range(7)]
    seen: list[str] = []
    sizes = []
    cursor: str | None = None
    while True:
        body = page(limit="3", **({"cursor": cursor} if cursor else {})).json()
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
    body = page(limit="4").json()
    assert body["count"] == 4
    assert "next_cursor" not in body


def test_the_default_page_is_fifty() -> None:
    for _ in range(51):
        upload()
    body = page().json()
    assert body["count"] == 50
    assert "next_cursor" in body


def test_tag_filters_the_listing() -> None:
    sea = upload(tags=["sea"])
    upload(tags=["city"])
    body = page(tag="sea").json()
    assert [image["image_id"] for image in body["images"]] == [sea]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "1.5", "", "\u0661"])
def test_a_bad_limit_is_400(limit: str) -> None:
    response = page(limit=limit)
    assert response.status == 400
    assert "limit" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "cursor", ["", "not a cursor", "e30", base64.urlsafe_b64encode(b'["a","b"]').decode(), "x" * 2000]
)
def test_a_bad_cursor_is_400(cursor: str) -> None:
    response = page(cursor=cursor)
    assert response.status == 400
    assert "cursor" in response.json()["error"]["message"]


def test_another_tenants_cursor_is_refused() -> None:
    for _ in range(3):
        upload(tenant="other-key-id")
    theirs = page(tenant="other-key-id", limit="1").json()["next_cursor"]
    response = page(cursor=theirs)
    assert response.status == 400


def test_cursors_round_trip_and_are_bound_to_their_owner() -> None:
    cursor = encode_cursor(KEY)
    assert decode_cursor(cursor, "t#alice") == KEY
    with pytest.raises(BadRequestError):
        decode_cursor(cursor, "t#bob")
