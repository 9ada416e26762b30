"""Paging through the gateway: 250 images of one user come back in pages, every id exactly
once, newest first, and the last page has no cursor."""

import base64
from concurrent.futures import ThreadPoolExecutor

from tests.fixtures.deployed_api import Api
from tests.fixtures.images import png

TOTAL = 250


def test_paging_through_250_images(api: Api, user_id: str) -> None:
    body = {"user_id": user_id, "image_name": "p.png", "file": base64.b64encode(png()).decode()}
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda _: api.request("POST", "/v1/images", json=body), range(TOTAL)))
    assert {r.status_code for r in responses} == {201}
    created = {r.json()["image_id"]: r.json()["created_at"] for r in responses}

    pages, cursor = [], None
    while True:
        params = {"user_id": user_id, "limit": "100", **({"cursor": cursor} if cursor else {})}
        page = api.request("GET", "/v1/images", params=params)
        assert page.status_code == 200, page.text
        pages.append(page.json()["images"])
        cursor = page.json().get("next_cursor")
        if cursor is None:
            break

    assert [len(p) for p in pages] == [100, 100, 50]
    listed = [image["image_id"] for p in pages for image in p]
    assert sorted(listed) == sorted(created)  # every id exactly once
    stamps = [created[image_id] for image_id in listed]
    assert stamps == sorted(stamps, reverse=True)  # newest first across pages
