"""PATCH /v1/images/{image_id}: owner-only metadata edits, validated as uploads, with If-Match."""

import base64
import json
from typing import Any

import pytest

from image_service.handlers import get_image, update_image, upload_image
from tests.fixtures.images import JPEG
from tests.unit.conftest import TENANT, api_event, failing, headers_of, invoke, json_body, stored_items

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
    return json_body(
        invoke(
            upload_image.lambda_handler,
            api_event("POST", "/v1/images", resource="/v1/images", body=json.dumps(body)),
        )
    )


def _patch(
    image_id: str, body: Any, *, headers: dict[str, str] | None = None, tenant: str = TENANT
) -> dict[str, Any]:
    event = api_event(
        "PATCH",
        f"/v1/images/{image_id}",
        resource="/v1/images/{image_id}",
        path_parameters={"image_id": image_id},
        body=body if isinstance(body, str) else json.dumps(body),
        headers=headers,
        api_key_id=tenant,
    )
    return invoke(update_image.lambda_handler, event)


def _metadata_etag(image_id: str) -> str:
    event = api_event(
        "GET",
        f"/v1/images/{image_id}",
        resource="/v1/images/{image_id}",
        path_parameters={"image_id": image_id},
        query={"metadata": "true"},
    )
    return headers_of(invoke(get_image.lambda_handler, event))["ETag"]


def test_an_edit_changes_only_the_fields_sent() -> None:
    created = _upload()
    response = _patch(created["image_id"], {"image_name": "b.jpg", "tags": ["y", "z"]})
    assert response["statusCode"] == 200
    assert json_body(response) == {**created, "image_name": "b.jpg", "tags": ["y", "z"]}
    assert headers_of(response)["ETag"] == _metadata_etag(created["image_id"])


def test_a_null_description_clears_it() -> None:
    created = _upload()
    assert json_body(_patch(created["image_id"], {"description": None}))["description"] is None
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
    assert response["statusCode"] == 422, response["body"]
    assert stored_items()[0]["image_name"]["S"] == "a.jpg"


def test_another_tenant_gets_404() -> None:
    created = _upload()
    response = _patch(created["image_id"], {"image_name": "mine.jpg"}, tenant="other-key-id")
    assert response["statusCode"] == 404
    assert stored_items()[0]["image_name"]["S"] == "a.jpg"


def test_if_match_with_the_current_etag_applies_and_a_stale_one_is_412() -> None:
    created = _upload()
    current = _metadata_etag(created["image_id"])
    first = _patch(created["image_id"], {"description": "second"}, headers={"If-Match": current})
    assert first["statusCode"] == 200
    stale = _patch(created["image_id"], {"description": "third"}, headers={"If-Match": current})
    assert stale["statusCode"] == 412
    assert json_body(stale)["error"]["code"] == "precondition_failed"
    again = _patch(
        created["image_id"], {"description": "third"}, headers={"If-Match": headers_of(first)["ETag"]}
    )
    assert json_body(again)["description"] == "third"


def test_a_weak_if_match_never_matches() -> None:
    created = _upload()
    response = _patch(
        created["image_id"],
        {"description": "x"},
        headers={"If-Match": "W/" + _metadata_etag(created["image_id"])},
    )
    assert response["statusCode"] == 412


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
    assert response["statusCode"] == 503
