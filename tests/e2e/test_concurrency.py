"""A bounded load through the real gateway: 50 parallel uploads, then deletes racing more uploads.
The stores end in step (objects = items = what the client was told) and no request gets a 5xx."""

import base64
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.fixtures.deployed_api import Api, Storage
from tests.fixtures.images import photo

UPLOADS = 50
WORKERS = 16


def test_parallel_uploads_and_deletes_leave_the_stores_in_step(
    api: Api, storage: Storage, user_id: str
) -> None:
    data = photo("JPEG", (160, 120))
    body = {"user_id": user_id, "image_name": "load.jpg", "file": base64.b64encode(data).decode()}
    before = storage.object_count(), storage.item_count()

    def upload(_: int) -> requests.Response:
        return api.request("POST", "/v1/images", json=body)

    def delete(image_id: str) -> requests.Response:
        return api.request("DELETE", f"/v1/images/{image_id}")

    with ThreadPoolExecutor(WORKERS) as pool:
        # When 50 uploads run at once
        first = list(pool.map(upload, range(UPLOADS)))
        assert [r.status_code for r in first] == [201] * UPLOADS, {r.status_code for r in first}
        ids = [r.json()["image_id"] for r in first]
        # ...then half of them are deleted while 25 more are uploaded
        doomed, kept = ids[::2], ids[1::2]
        deletes = pool.map(delete, doomed)
        more = pool.map(upload, range(UPLOADS // 2))
        deleted, second = list(deletes), list(more)

    # Then every request succeeded, and the stores hold exactly the survivors
    assert [r.status_code for r in deleted] == [200] * len(doomed)
    assert [r.status_code for r in second] == [201] * (UPLOADS // 2)
    expected = set(kept) | {r.json()["image_id"] for r in second}
    assert len(expected) == UPLOADS
    assert {image["image_id"] for image in api.list_all(user_id)} == expected
    assert storage.object_count() - before[0] == storage.item_count() - before[1] == UPLOADS
