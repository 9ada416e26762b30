"""PATCH /v1/images/{image_id}: owner-only metadata edits, validated as uploads, with If-Match."""

import base64
from typing import Any

import pytest

from tests.fixtures.api_events import TENANT
from tests.fixtures.image_calls import API
from tests.fixtures.images import JPEG
from tests.fixtures.lambda_api import ApiResponse
from tests.fixtures.moto_aws import failing, stored_items

pytestmark = pytest.mark.usefixtures("aws")


def _upload(**fields: Any) -> dict[str, Any]:
    body = {
        "user_id": "alice",
        "image_name": "a.jpg",
        "description": "first",
        "tags": ["x"],
        "file": base64.b64encode(JPEG).decode(),
        **fields,
    }
    created: dict[str, Any] = API.post("/v1/images", json=body).json()
    return created


def _patch(
    image_id: str, body: Any, *, headers: dict[str, str] | None = None, tenant: str = TENANT
) -> ApiResponse:
    sent = {"data": body} if isinstance(body, str) else {"json": body}
    return API.as_tenant(tenant).patch(f"/v1/images/{image_id}", headers=headers, **sent)


def _metadata_etag(image_id: str) -> str:
    return API.get(f"/v1/images/{image_id}", params={"metadata": "true"}).headers["ETag"]


def test_an_edit_changes_only_the_fields_sent() -> None:
    created = _upload()
    response = _patch(created["image_id"], {"image_name": "b.jpg", "tags": ["y", "z"]})
    assert response.status == 200
    assert response.json() == {**created, "image_name": "b.jpg", "tags": ["y", "z"]}
    assert response.headers["ETag"] == _metadata_etag(created["image_id"])


def test_a_null_description_clears_it() -> None:
    created = _upload()
    assert _patch(created["image_id"], {"description": None}).json()["description"] is None
    assert "description" not in stored_items()[0]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"image_name": None},
        {"tags": None},
        {"image_name": "../x"},
        {"tags": ["a\x00"]},
        {"size": 1},
        {"user_id": "bob"},
        {"tags": ["t"] * 21},
    ],
)
def test_invalid_edits_are_422_and_change_nothing(body: dict[str, Any]) -> None:
    created = _upload()
    response = _patch(created["image_id"], body)
    assert response.status == 422, response.text
    assert stored_items()[0]["image_name"]["S"] == "a.jpg"


def test_another_tenant_gets_404() -> None:
    created = _upload()
    response = _patch(created["image_id"], {"image_name": "mine.jpg"}, tenant="other-key-id")
    assert response.status == 404
    assert stored_items()[0]["image_name"]["S"] == "a.jpg"


def test_if_match_with_the_current_etag_applies_and_a_stale_one_is_412() -> None:
    created = _upload()
    current = _metadata_etag(created["image_id"])
    first = _patch(created["image_id"], {"description": "second"}, headers={"If-Match": current})
    assert first.status == 200
    stale = _patch(created["image_id"], {"description": "third"}, headers={"If-Match": current})
    assert stale.status == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    again = _patch(created["image_id"], {"description": "third"}, headers={"If-Match": first.headers["ETag"]})
    assert again.json()["description"] == "third"


def test_a_weak_if_match_never_matches() -> None:
    created = _upload()
    response = _patch(
        created["image_id"],
        {"description": "x"},
        headers={"If-Match": "W/" + _metadata_etag(created["image_id"])},
    )
    assert response.status == 412


def test_an_edit_racing_another_is_409_not_a_lost_update() -> None:
    created = _upload()
    from image_service.storage.image_store import get_image_store

    catalog = get_image_store().catalog
    before = catalog.get(created["image_id"], TENANT)
    catalog.update(before, {"description": "won"})  # a concurrent edit lands after our read
    with pytest.raises(Exception, match="changed"):
        catalog.update(before, {"description": "lost"})
    assert stored_items()[0]["description"]["S"] == "won"


def test_a_metadata_store_outage_is_503() -> None:
    created = _upload()
    with failing("UpdateItem"):
        response = _patch(created["image_id"], {"description": "x"})
    assert response.status == 503
