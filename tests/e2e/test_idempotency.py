"""A client retrying an upload through the gateway with the same Idempotency-Key gets the first
image back, and only one image is stored."""

import base64
import uuid

from tests.fixtures.deployed_api import Api, Storage
from tests.fixtures.images import photo


def test_a_retried_upload_is_stored_once(api: Api, storage: Storage, user_id: str) -> None:
    body = {
        "user_id": user_id,
        "image_name": "retry.png",
        "file": base64.b64encode(photo("PNG", (64, 64))).decode(),
    }
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    before = storage.object_count(), storage.item_count()

    first = api.request("POST", "/v1/images", json=body, headers=headers)
    retry = api.request("POST", "/v1/images", json=body, headers=headers)
    reused = api.request("POST", "/v1/images", json={**body, "image_name": "other.png"}, headers=headers)

    assert (first.status_code, retry.status_code, reused.status_code) == (201, 201, 422)
    assert retry.json() == first.json()
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert (storage.object_count(), storage.item_count()) == (before[0] + 1, before[1] + 1)
