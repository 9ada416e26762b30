"""Each API key is a tenant: through the real gateway, key B can neither see nor touch key A's
images (OWASP API1, broken object-level authorisation)."""

import base64

from tests.fixtures.deployed_api import Api, Storage
from tests.fixtures.images import photo


def test_another_key_gets_404_everywhere_and_changes_nothing(
    api: Api, second_api: Api, storage: Storage, user_id: str
) -> None:
    # Given an image uploaded with key A
    data = photo("PNG", (96, 64))
    created = api.request(
        "POST",
        "/v1/images",
        json={"user_id": user_id, "image_name": "a.png", "file": base64.b64encode(data).decode()},
    )
    assert created.status_code == 201, created.text
    image_id = created.json()["image_id"]
    counts = (storage.object_count(), storage.item_count())

    # When key B tries every route on it, and lists the same user id
    path = f"/v1/images/{image_id}"
    attempts = {
        "get": second_api.request("GET", path),
        "download": second_api.request("GET", path, params={"download": "true"}),
        "metadata": second_api.request("GET", path, params={"metadata": "true"}),
        "delete": second_api.request("DELETE", path),
    }
    listing = second_api.request("GET", "/v1/images", params={"user_id": user_id})

    # Then B gets the same 404 a missing image gets, and an empty list
    for name, response in attempts.items():
        assert response.status_code == 404, (name, response.text)
        assert response.json()["error"]["code"] == "image_not_found"
        assert "X-Image-Metadata" not in response.headers
    assert listing.status_code == 200
    assert listing.json()["images"] == []
    # ...and A's image is untouched, byte for byte
    assert (storage.object_count(), storage.item_count()) == counts
    mine = api.request("GET", path)
    assert mine.status_code == 200
    assert mine.content == data
    assert [
        i["image_id"] for i in api.request("GET", "/v1/images", params={"user_id": user_id}).json()["images"]
    ] == [image_id]
