"""Retries with an Idempotency-Key return the first answer and store nothing twice."""

import base64
import json
from typing import Any

import pytest

from tests.fixtures.api_events import TENANT
from tests.fixtures.image_calls import API
from tests.fixtures.images import GIF, png
from tests.fixtures.lambda_api import ApiResponse
from tests.fixtures.moto_aws import failing, stored_items, stored_objects

pytestmark = pytest.mark.usefixtures("aws")


def _body(data: bytes = b"", **fields: Any) -> str:
    payload = {"user_id": "alice", "image_name": "a.png", "file": base64.b64encode(data or png()).decode()}
    return json.dumps({**payload, **fields})


def upload(body: str, key: str | None, *, tenant: str = TENANT) -> ApiResponse:
    headers = {} if key is None else {"Idempotency-Key": key}
    return API.as_tenant(tenant).post("/v1/images", data=body, headers=headers)


def test_a_retry_returns_the_first_image_and_stores_one() -> None:
    first = upload(_body(), "retry-1")
    second = upload(_body(), "retry-1")
    assert (first.status, second.status) == (201, 201)
    assert second.json() == first.json()
    assert len(stored_objects()) == len(stored_items()) == 1


def test_without_a_key_two_uploads_are_two_images() -> None:
    upload(_body(), None)
    upload(_body(), None)
    assert len(stored_items()) == 2


def test_the_same_key_with_another_body_is_refused() -> None:
    upload(_body(), "retry-2")
    reused = upload(_body(image_name="b.png"), "retry-2")
    assert reused.status == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert len(stored_items()) == 1


def test_keys_belong_to_one_tenant() -> None:
    mine = upload(_body(), "shared-key")
    theirs = upload(_body(), "shared-key", tenant="other-key-id")
    assert mine.json()["image_id"] != theirs.json()["image_id"]
    assert len(stored_items()) == 2


def test_a_rejected_attempt_can_be_retried_with_a_fixed_body() -> None:
    bad = upload(
        json.dumps({"user_id": "alice", "image_name": "a.png", "file": base64.b64encode(b"<html>").decode()}),
        "k3",
    )
    assert bad.status == 415
    good = upload(_body(GIF), "k3")
    assert good.status == 201
    assert good.json()["content_type"] == "image/gif"


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "caf\u00e9"])
def test_malformed_keys_are_400(key: str) -> None:
    response = upload(_body(), key)
    assert response.status == 400
    assert "Idempotency-Key" in response.json()["error"]["message"]
    assert stored_items() == []


def test_an_unavailable_idempotency_store_is_503_and_stores_nothing() -> None:
    with failing("UpdateItem", "PutItem", "GetItem"):
        response = upload(_body(), "k4")
    assert response.status == 503
    assert stored_objects() == []
    assert stored_items() == []
