"""Swagger UI as a person uses it: headless Chromium opens `nox -s docs`'s page, authorizes with
the key, runs "Try it out" on the list operation and sees the image uploaded before."""

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from devtools import api_docs
from tests.fixtures.chromium import CHROMIUM_FLAGS, chromium
from tests.fixtures.deployed_api import Api
from tests.fixtures.images import photo


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def docs_url(api: Api, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    origin = os.environ.get("IMAGE_SERVICE_CORS_ORIGIN", "")
    if urlsplit(origin).hostname not in {"localhost", "127.0.0.1"}:
        pytest.fail(f"the stack's CORS origin must be on this machine for Swagger UI, got {origin!r}")
    site = api_docs.build_site(api.base_url, Path(tmp_path_factory.mktemp("swagger-ui")))
    try:
        with api_docs.serving(site, origin) as url:
            yield url
    except OSError as err:
        pytest.fail(f"cannot serve Swagger UI on {origin} (is `nox -s docs` running?): {err}")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()


def test_try_it_out_lists_the_users_images(api: Api, user_id: str, docs_url: str, page: Page) -> None:
    # Given an image of this user, uploaded through the API
    upload = api.request(
        "POST",
        "/v1/images",
        json={
            "user_id": user_id,
            "image_name": "ui.png",
            "file": base64.b64encode(photo("PNG", (64, 48))).decode(),
        },
    )
    assert upload.status_code == 201, upload.text
    image_id = upload.json()["image_id"]
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if urlsplit(request.url).hostname not in {"localhost", "127.0.0.1", None}
            else None
        ),
    )

    # When a person opens Swagger UI and authorizes with the key
    page.goto(docs_url)
    page.locator("button.authorize").first.click()
    dialog = page.locator(".dialog-ux")
    dialog.locator("input").first.fill(api.api_key)
    dialog.locator("button.authorize").click()
    dialog.locator("button.btn-done").click()

    # (the share-link routes are there too, the keyless one among them)
    for link_operation in (
        "createLink",
        "revokeLinks",
        "getSharedImage",
        "listSigningKeys",
        "rotateSigningKey",
    ):
        expect(page.locator(f"#operations-links-{link_operation}")).to_be_visible()

    # ...and runs "Try it out" on the list operation for that user
    operation = page.locator("#operations-images-listImages")
    operation.locator(".opblock-summary").first.click()
    operation.locator("button.try-out__btn").click()
    operation.locator("tr[data-param-name='user_id'] input").fill(user_id)
    operation.locator("button.execute").click()

    # Then the browser got a 200 through the gateway, with the image in it
    live = operation.locator(".live-responses-table tbody .response-col_status")
    expect(live).to_have_text("200", timeout=30_000)
    expect(operation.locator(".live-responses-table tbody .response-col_description")).to_contain_text(
        image_id
    )
    # ...and the page used nothing but this machine (no CDN, no validator badge)
    assert outside == []


def test_without_the_key_the_browser_sees_the_gateways_403(
    api: Api, user_id: str, docs_url: str, page: Page
) -> None:
    # The gateway's own error carries the CORS origin, so the page shows it (not "Failed to fetch").
    page.goto(docs_url)
    operation = page.locator("#operations-images-listImages")
    operation.locator(".opblock-summary").first.click()
    operation.locator("button.try-out__btn").click()
    operation.locator("tr[data-param-name='user_id'] input").fill(user_id)
    operation.locator("button.execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status")).to_have_text(
        "403", timeout=30_000
    )
