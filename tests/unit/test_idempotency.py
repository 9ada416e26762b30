"""Retries with an Idempotency-Key return the first answer and store nothing twice."""

import base64
import json
from typing import Any

import pytest

from image_service.handlers import upload_image
from tests.fixtures.images import GIF, png
from tests.unit.conftest import TENANT, api_event, failing, invoke, json_body, stored_items, stored_objects

pytestmark = pytest.mark.usefixtures("aws")


def _body(data: bytes = b"", **fields: Any) -> str:
    payload = {"user_id": "alice", "image_name": "a.png", "file": base64.b64encode(data or png()).decode()}
    return json.dumps({**payload, **fields})


def upload(body: str, key: str | None, *, tenant: str = TENANT) -> dict[str, Any]:
    headers = {} if key is None else {"Idempotency-Key": key}
    event = api_event(
        "POST", "/v1/images", resource="/v1/images", body=body, headers=headers, api_key_id=tenant
    )
    return invoke(upload_image.lambda_handler, event)


def test_a_retry_returns_the_first_image_and_stores_one() -> None:
    first = upload(_body(), "retry-1")
    second = upload(_body(), "retry-1")
    assert (first["statusCode"], second["statusCode"]) == (201, 201)
    assert json_body(second) == json_body(first)
    assert len(stored_objects()) == len(stored_items()) == 1


def test_without_a_key_two_uploads_are_two_images() -> None:
    upload(_body(), None)
    upload(_body(), None)
    assert len(stored_items()) == 2


def test_the_same_key_with_another_body_is_refused() -> None:
    upload(_body(), "retry-2")
    reused = upload(_body(image_name="b.png"), "retry-2")
    assert reused["statusCode"] == 422
    assert json_body(reused)["error"]["code"] == "idempotency_key_reused"
    assert len(stored_items()) == 1


def test_keys_belong_to_one_tenant() -> None:
    mine = upload(_body(), "shared-key")
    theirs = upload(_body(), "shared-key", tenant="other-key-id")
    assert json_body(mine)["image_id"] != json_body(theirs)["image_id"]
    assert len(stored_items()) == 2


def test_a_rejected_attempt_can_be_retried_with_a_fixed_body() -> None:
    bad = upload(
        json.dumps({"user_id": "alice", "image_name": "a.png", "file": base64.b64encode(b"<html>").decode()}),
        "k3",
    )
    assert bad["statusCode"] == 415
    good = upload(_body(GIF), "k3")
    assert good["statusCode"] == 201
    assert json_body(good)["content_type"] == "image/gif"


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "caf\u00e9"])
def test_malformed_keys_are_400(key: str) -> None:
    response = upload(_body(), key)
    assert response["statusCode"] == 400
    assert "Idempotency-Key" in json_body(response)["error"]["message"]
    assert stored_items() == []


def test_an_unavailable_idempotency_store_is_503_and_stores_nothing() -> None:
    with failing("UpdateItem", "PutItem", "GetItem"):
        response = upload(_body(), "k4")
    assert response["statusCode"] == 503
    assert stored_objects() == stored_items() == []
