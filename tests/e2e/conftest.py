"""End-to-end fixtures: real HTTP through API Gateway on the deployed stack (see `nox -s tests`).

The stack comes from the environment the tests session sets from `terraform output`; direct
S3/DynamoDB reads are used only to check what the API stored."""

import base64
import json
import os
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from image_service import contract
from tests.fixtures.deployed_api import Api, Storage
from tests.fixtures.images import png


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the end-to-end tests with `nox -s tests` (it deploys the stack)")
    return value


@pytest.fixture(scope="session")
def api() -> Api:
    return Api(_required("IMAGE_SERVICE_BASE_URL"), _required("IMAGE_SERVICE_API_KEY"))


@pytest.fixture(scope="session")
def second_api(api: Api) -> Api:
    """The same API with another key: another tenant (terraform/emulator.tfvars declares it)."""
    return Api(api.base_url, _required("IMAGE_SERVICE_SECOND_API_KEY"))


@pytest.fixture(scope="session")
def storage() -> Storage:
    return Storage(
        _required("IMAGE_SERVICE_BUCKET"),
        _required("IMAGE_SERVICE_TABLE"),
        _required("IMAGE_SERVICE_UPLOADS_TABLE"),
    )


@pytest.fixture(scope="session")
def audit_baseline(storage: Storage) -> frozenset[str]:
    """What was out of step before this run. A fresh stack (CI) has nothing; a kept one may hold
    what a crash of the emulator left (README: state across restarts), which no test caused."""
    before = frozenset(storage.audit())
    if before:
        warnings.warn(
            f"{len(before)} stored things were out of step before the run (`nox -s status`;"
            f" `nox -s reset` for a clean stack): {sorted(before)[:5]}",
            stacklevel=1,
        )
    return before


@pytest.fixture(scope="session", autouse=True)
def storage_audit(storage: Storage, audit_baseline: frozenset[str]) -> Iterator[None]:
    """After the whole end-to-end run (every test's own cleanup done), the bucket and the table
    are in step: nothing a test stored, deleted or raced is left half-written."""
    yield
    problems = sorted(set(storage.audit()) - audit_baseline)
    assert problems == [], f"{len(problems)} stored things out of step:\n" + "\n".join(problems[:50])


@pytest.fixture(scope="session")
def function_names() -> dict[str, str]:
    """The deployed functions' names, by operation (terraform output function_names)."""
    names: dict[str, str] = json.loads(_required("IMAGE_SERVICE_FUNCTION_NAMES"))
    return names


@pytest.fixture
def user_id(api: Api) -> Iterator[str]:
    """A fresh user per test; whatever the test uploaded is deleted afterwards."""
    user = f"e2e-{uuid.uuid4().hex[:12]}"
    yield user
    for image in api.list_all(user):
        api.request("DELETE", f"/v1/images/{image['image_id']}")


@pytest.fixture(scope="session", autouse=True)
def shortest_link(second_api: Api, storage_audit: None) -> Iterator[dict[str, Any]]:
    """A share link with the shortest life the API gives (the answer of POST .../links, plus the
    `image_id` it shows), made and served as the run starts: the expiry tests (test_share_links.py,
    test_gallery.py) run minutes later and wait only for what is left of that life, not a whole
    minute each. The second tenant's, because the README's curl block rotates and revokes the
    first tenant's signing keys (which would turn this link's 410 into a 404). Its image is
    deleted at the end, before the storage audit."""
    user = f"e2e-expiry-{uuid.uuid4().hex[:12]}"
    body = {"user_id": user, "image_name": "expiring.png", "file": base64.b64encode(png(3, 3)).decode()}
    created = second_api.request("POST", "/v1/images", json=body)
    assert created.status_code == 201, created.text
    image_id = created.json()["image_id"]
    made = second_api.request(
        "POST", f"/v1/images/{image_id}/links", json={"expires_in": contract.LINK_MIN_EXPIRY_SECONDS}
    )
    assert made.status_code == 201, made.text
    link: dict[str, Any] = {"image_id": image_id, **made.json()}
    assert requests.get(link["url"], headers={"Accept": "image/*"}, timeout=60).status_code == 200
    yield link
    second_api.request("DELETE", f"/v1/images/{image_id}")
