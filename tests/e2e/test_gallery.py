"""The gallery page as a browser shows it: headless Chromium opens `nox -s gallery`'s page for a
user and every image, original and presets, renders from a share link in a real `<img>`; no
request the browser makes to the keyless route carries an API key (the browser never has one);
and an expired link shows as a broken image."""

import base64
import json
import os
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Browser, Page, Request

from devtools import gallery
from tests.fixtures.browser import chromium
from tests.fixtures.deployed_api import Api
from tests.fixtures.images import photo

SHARED = "/v1/shared/"
# Every <img> of the page has loaded or failed.
SETTLED = (
    "() => window.galleryState && window.galleryState.ready && [...document.images].every(i => i.complete)"
)


def presets() -> dict[str, dict[str, Any]]:
    """The stack's preset table (its image_presets output), as the gallery session reads it."""
    table = json.loads(os.environ.get("IMAGE_SERVICE_PRESETS") or "{}")
    if not table:
        pytest.fail("IMAGE_SERVICE_PRESETS is empty: run the end-to-end tests with `nox -s tests`")
    return dict(table)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="module")
def gallery_user(api: Api) -> Iterator[tuple[str, list[str]]]:
    """A user with a PNG and a JPEG, uploaded through the API; deleted after the module."""
    user_id = f"e2e-gallery-{os.urandom(4).hex()}"
    created = []
    for name, image_format, size in (("wide.png", "PNG", (640, 360)), ("tall.jpg", "JPEG", (300, 500))):
        upload = api.request(
            "POST",
            "/v1/images",
            json={
                "user_id": user_id,
                "image_name": name,
                "file": base64.b64encode(photo(image_format, size)).decode(),
            },
        )
        assert upload.status_code == 201, upload.text
        created.append(upload.json()["image_id"])
    yield user_id, created
    for image_id in created:
        api.request("DELETE", f"/v1/images/{image_id}")


@pytest.fixture(scope="module")
def gallery_url(api: Api) -> Iterator[str]:
    shown = gallery.Gallery(gallery.ImageApi(api.base_url, api.api_key), list(presets()))
    with gallery.serving(shown) as url:
        yield url


def natural_sizes(page: Page) -> list[dict[str, Any]]:
    return list(
        page.evaluate(
            "() => [...document.images].map(i => ({src: i.src, label: i.dataset.label,"
            " width: i.naturalWidth, height: i.naturalHeight, broken: i.classList.contains('broken')}))"
        )
    )


def test_every_image_renders_from_a_share_link(
    api: Api, gallery_user: tuple[str, list[str]], gallery_url: str, page: Page
) -> None:
    user_id, created = gallery_user
    table = presets()
    # Given every request the browser makes, recorded
    requests_made: list[Request] = []
    # (a lambda: Playwright cannot wrap a builtin method such as list.append as a handler)
    page.on("request", lambda request: requests_made.append(request))  # noqa: PLW0108

    # When a person opens the gallery for the user
    page.goto(f"{gallery_url}?user_id={user_id}")
    page.wait_for_function(SETTLED, timeout=60_000)

    # Then each image shows its original and every preset, each decoded by the browser
    images = natural_sizes(page)
    assert len(images) == len(created) * (1 + len(table)), images
    assert [image for image in images if image["width"] == 0 or image["broken"]] == []
    for image in images:
        assert SHARED in urlsplit(image["src"]).path, image
        preset = table.get(image["label"])
        if preset is not None:  # a preset's box bounds what the browser decoded
            assert image["width"] <= (preset.get("width") or 2048), image
            assert image["height"] <= (preset.get("height") or 2048), image
    assert page.evaluate("window.galleryState.broken") == 0
    # ...each original had its placeholder painted first, hidden once the image loaded
    assert page.evaluate("window.galleryState.placeholders") == len(created)
    assert page.evaluate("[...document.querySelectorAll('canvas.placeholder')].every(c => c.hidden)")

    # ...and what went to the API was share links only, none of them with a key
    api_host = urlsplit(api.base_url).netloc
    to_api = [request for request in requests_made if urlsplit(request.url).netloc == api_host]
    assert len(to_api) >= len(images)
    assert [request.url for request in to_api if SHARED not in urlsplit(request.url).path] == []
    keyed = [
        request.url for request in to_api if "x-api-key" in {name.lower() for name in request.all_headers()}
    ]
    assert keyed == []
    assert all(api.api_key not in json.dumps(request.all_headers()) for request in requests_made)


def test_the_placeholder_shows_where_the_image_has_not_loaded(
    api: Api, gallery_user: tuple[str, list[str]], gallery_url: str, page: Page
) -> None:
    user_id, created = gallery_user
    listed = {image["image_id"]: image for image in api.list_all(user_id)}
    # Given share links that never answer (the images cannot load)
    page.route(f"**{SHARED}**", lambda route: route.abort())
    # When the gallery is opened
    page.goto(f"{gallery_url}?user_id={user_id}")
    page.wait_for_function(SETTLED, timeout=60_000)
    # Then each original's place shows its BlurHash: visible, opaque, in the image's aspect ratio
    painted = page.evaluate(
        """() => [...document.querySelectorAll('.card')].map((card) => {
            const canvas = card.querySelector('canvas.placeholder');
            const pixel = canvas.getContext('2d').getImageData(16, canvas.height >> 1, 1, 1).data;
            return {id: card.dataset.imageId, hidden: canvas.hidden, width: canvas.width,
                    height: canvas.height, shown: canvas.getBoundingClientRect().height > 0,
                    alpha: pixel[3], colour: [pixel[0], pixel[1], pixel[2]]};
        })"""
    )
    assert sorted(item["id"] for item in painted) == sorted(created)
    for item in painted:
        image = listed[item["id"]]
        assert item["hidden"] is False, item
        assert item["shown"] is True, item
        assert item["alpha"] == 255, item
        assert item["colour"] != [0, 0, 0], item  # painted, not an empty canvas
        assert item["height"] == max(1, round(32 * image["height"] / image["width"])), (item, image)


def load_image(page: Page, url: str) -> dict[str, Any]:
    """Puts `url` in a new <img> of the page; whether it loaded, and its natural width."""
    return dict(
        page.evaluate(
            """(url) => new Promise((resolve) => {
                const img = new Image();
                img.crossOrigin = "anonymous";
                img.onload = () => resolve({loaded: true, width: img.naturalWidth});
                img.onerror = () => resolve({loaded: false, width: img.naturalWidth});
                img.src = url;
                document.body.append(img);
            })""",
            url,
        )
    )


def test_an_expired_link_shows_as_broken(
    second_api: Api, gallery_url: str, page: Page, shortest_link: dict[str, Any]
) -> None:
    # Given the 60 s link made as the run started, past its expiry
    left = datetime.fromisoformat(shortest_link["expires_at"]).timestamp() - time.time()
    time.sleep(max(0.0, left) + 1.5)
    answer = requests.get(shortest_link["url"], headers={"accept": "image/*"}, timeout=30)
    assert answer.status_code == 410, answer.text
    assert answer.json()["error"]["code"] == "link_expired"
    # and a live link to the same image, which the browser shows
    fresh = second_api.request("POST", f"/v1/images/{shortest_link['image_id']}/links", json={})
    assert fresh.status_code == 201, fresh.text
    page.goto(gallery_url + "?user_id=nobody-" + os.urandom(4).hex())
    page.wait_for_function(SETTLED, timeout=60_000)
    assert load_image(page, fresh.json()["url"]) == {"loaded": True, "width": 3}

    # When the browser puts the expired one in an <img>
    result = load_image(page, shortest_link["url"])

    # Then the image is broken: the error event fired and nothing was decoded
    assert result == {"loaded": False, "width": 0}
