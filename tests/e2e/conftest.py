"""End-to-end fixtures: real HTTP through API Gateway on the deployed stack (see `nox -s tests`).

The stack comes from the environment the tests session sets from `terraform output`; direct
S3/DynamoDB reads are used only to check what the API stored."""

import json
import os
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
import requests

from image_service import contract
from tests.fixtures.images import photo

__all__ = ["photo"]  # re-exported: the e2e tests import it from here


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the end-to-end tests with `nox -s tests` (it deploys the stack)")
    return value


@dataclass
class Api:
    base_url: str
    api_key: str
    http: requests.Session = field(default_factory=requests.Session)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def request(
        self, method: str, path: str, *, key: str | None = "default", **kwargs: Any
    ) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if key == "default":
            headers["x-api-key"] = self.api_key
        elif key is not None:
            headers["x-api-key"] = key
        return self.http.request(method, self.url(path), headers=headers, timeout=60, **kwargs)

    def list_all(self, user_id: str) -> list[dict[str, Any]]:
        """Every image of a user, following next_cursor page by page."""
        images: list[dict[str, Any]] = []
        params = {"user_id": user_id, "limit": "100"}
        while True:
            page = self.request("GET", "/v1/images", params=params)
            assert page.status_code == 200, page.text
            images += page.json()["images"]
            if "next_cursor" not in page.json():
                return images
            params["cursor"] = page.json()["next_cursor"]


@pytest.fixture(scope="session")
def api() -> Api:
    return Api(_required("IMAGE_SERVICE_BASE_URL"), _required("IMAGE_SERVICE_API_KEY"))


@pytest.fixture(scope="session")
def second_api(api: Api) -> Api:
    """The same API with another key: another tenant (terraform/emulator.tfvars declares it)."""
    return Api(api.base_url, _required("IMAGE_SERVICE_SECOND_API_KEY"))


@dataclass
class Storage:
    """Read-only view of the bucket and table, to prove what the API did (or did not) store."""

    bucket: str
    table: str
    uploads_table: str

    def object_count(self) -> int:
        pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return sum(page.get("KeyCount", 0) for page in pages)

    def item_count(self) -> int:
        return int(boto3.client("dynamodb").scan(TableName=self.table, Select="COUNT")["Count"])

    def keys(self, prefix: str) -> list[str]:
        pages = (
            boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        )
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def pending_upload(self, image_id: str) -> dict[str, Any] | None:
        item = boto3.client("dynamodb").get_item(TableName=self.uploads_table, Key={"id": {"S": image_id}})
        return item.get("Item")

    def object_bytes(self, image_id: str) -> bytes:
        return boto3.client("s3").get_object(Bucket=self.bucket, Key=f"images/{image_id}")["Body"].read()

    def _scan(self, table: str, attributes: str) -> list[dict[str, Any]]:
        pages = (
            boto3.client("dynamodb")
            .get_paginator("scan")
            .paginate(TableName=table, ProjectionExpression=attributes, ConsistentRead=True)
        )
        return [item for page in pages for item in page["Items"]]

    def audit(self) -> list[str]:
        """Everything stored out of step, one line each (empty: in step). Every image item's
        object exists; every object belongs to an image item (its bytes under images/, its
        variants under variants/{image_id}/), except the bytes of an upload still pending under
        the staging prefix (an expiring record: the uploads table's TTL and the lifecycle rule
        remove both). Current objects only: noncurrent versions are the recovery window."""
        items = {
            item["image_id"]["S"]: item["object_key"]["S"]
            for item in self._scan(self.table, "image_id, object_key")
        }
        pending = {item["id"]["S"] for item in self._scan(self.uploads_table, "id")}
        keys = set(self.keys(""))
        problems = [
            f"image item {image_id} without its object {key}"
            for image_id, key in sorted(items.items())
            if key not in keys
        ]
        for key in sorted(keys):
            prefix, _, rest = key.partition("/")
            image_id = rest.split("/", 1)[0]
            if prefix == "images" and items.get(image_id) == key:
                continue
            if prefix == "variants" and image_id in items and rest.count("/") == 1:
                continue
            if f"{prefix}/" == contract.STAGING_PREFIX and image_id in pending and "/" not in rest:
                continue
            problems.append(f"object {key} without its image item")
        return problems


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
