"""Consistency under faults: S3 and DynamoDB share no transaction, so every call the functions
make is failed in turn (and in pairs) through a full upload/list/get/delete life. After each,
the client saw success, a 404 or a 503 (never a 500), no image lists that cannot be fetched, and
every object without metadata is deleted or tagged for the lifecycle rule to expire."""

import base64
import itertools
from typing import Any

import boto3
import pytest

from image_service import contract
from tests.fixtures.image_calls import API
from tests.fixtures.images import png
from tests.fixtures.lambda_api import ApiResponse
from tests.fixtures.moto_aws import BUCKET, failing, object_tags, stored_items, stored_objects

pytestmark = pytest.mark.usefixtures("aws")

# Every AWS operation the functions call (idempotency records aside: test_idempotency.py).
OPERATIONS = (
    "UpdateItem",
    "PutObject",
    "PutItem",
    "DeleteObject",
    "PutObjectTagging",
    "GetItem",
    "GetObject",
    "Query",
    "DeleteItem",
)
FAULTS = [(op,) for op in OPERATIONS] + list(itertools.combinations(OPERATIONS, 2))


def _upload() -> ApiResponse:
    body = {"user_id": "alice", "image_name": "a.png", "file": base64.b64encode(png()).decode()}
    return API.post("/v1/images", json=body)


def _on_image(method: str, image_id: str) -> ApiResponse:
    return API.request(method, f"/v1/images/{image_id}")


def _edit(image_id: str) -> ApiResponse:
    return API.patch(f"/v1/images/{image_id}", json={"description": "edited"})


def _list() -> ApiResponse:
    return API.get("/v1/images", params={"user_id": "alice"})


def _assert_consistent(faults: tuple[str, ...]) -> None:
    """No dangling metadata; any object without metadata is marked to expire, unless S3 refused
    both the delete and the tag (then the function logs the key: the one residual case)."""
    objects = set(stored_objects())
    items = {item["object_key"]["S"] for item in stored_items()}
    assert items <= objects, "metadata whose bytes are gone"
    if {"DeleteObject", "PutObjectTagging"} <= set(faults):
        return
    for key in objects - items:
        assert object_tags(key) == dict([contract.ORPHAN_TAG]), f"untagged orphan {key}"
    # Everything listed can be fetched, byte for byte.
    for image in _list().json()["images"]:
        assert _on_image("GET", image["image_id"]).status == 200


@pytest.mark.parametrize("faults", FAULTS, ids=["+".join(f) for f in FAULTS])
def test_a_life_under_faults_leaves_nothing_half_written(faults: tuple[str, ...]) -> None:
    statuses: list[int] = []
    # Given an image stored before the outage (so get and delete have something to work on)
    existing = _upload().json()["image_id"]

    # When the operations fail during a whole life: upload, list, get, delete
    with failing(*faults):
        uploaded = _upload()
        statuses.append(uploaded.status)
        statuses.append(_list().status)
        statuses.append(_on_image("GET", existing).status)
        statuses.append(_edit(existing).status)
        statuses.append(_on_image("DELETE", existing).status)

    # Then each answer is a success or a retryable 503 (with the error format), never a 500
    assert set(statuses) <= {200, 201, 503}, statuses
    if uploaded.status == 503:
        assert uploaded.json()["error"]["code"] == "service_unavailable"
    # ...and the stores agree with each other and with what the client was told
    _assert_consistent(faults)
    expected = set() if statuses[4] == 200 else {existing}
    if uploaded.status == 201:
        expected.add(uploaded.json()["image_id"])
    assert {image["image_id"] for image in _list().json()["images"]} == expected


def test_metadata_failure_with_a_failed_rollback_tags_the_object_to_expire() -> None:
    with failing("PutItem", "DeleteObject"):
        response = _upload()
    assert response.status == 503
    assert stored_items() == []
    [key] = stored_objects()
    assert object_tags(key) == {contract.ORPHAN_TAG[0]: contract.ORPHAN_TAG[1]}


def test_when_s3_refuses_delete_and_tag_the_orphan_is_logged_by_key(caplog: pytest.LogCaptureFixture) -> None:
    with failing("PutItem", "DeleteObject", "PutObjectTagging"):
        response = _upload()
    assert response.status == 503
    [key] = stored_objects()
    assert object_tags(key) == {}
    assert any(
        record.getMessage() == "orphan object left behind, untagged"
        and getattr(record, "object_key", None) == key
        for record in caplog.records
    )


def test_delete_whose_object_delete_fails_still_succeeds_and_tags_the_bytes() -> None:
    image_id = _upload().json()["image_id"]
    with failing("DeleteObject"):
        response = _on_image("DELETE", image_id)
    assert response.status == 200
    assert stored_items() == []
    assert object_tags(f"images/{image_id}") == dict([contract.ORPHAN_TAG])
    assert _on_image("GET", image_id).status == 404


def test_a_failed_metadata_delete_keeps_the_whole_image() -> None:
    image_id = _upload().json()["image_id"]
    with failing("DeleteItem"):
        response = _on_image("DELETE", image_id)
    assert response.status == 503
    got = _on_image("GET", image_id)
    assert got.status == 200
    assert got.content == png()


def test_every_fault_was_injected_where_the_functions_call() -> None:
    # Guards the list above: each operation really happens in a normal life.
    seen: set[str] = set()
    from botocore.client import BaseClient

    original = vars(BaseClient)["_make_api_call"]  # private: not in botocore's stubs

    def spy(self: BaseClient, name: str, params: dict[str, Any]) -> Any:
        seen.add(name)
        return original(self, name, params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseClient, "_make_api_call", spy)
        image_id = _upload().json()["image_id"]
        _list()
        _on_image("GET", image_id)
        _edit(image_id)
        _on_image("DELETE", image_id)
        with failing("PutItem", "DeleteObject"):
            _upload()
    assert set(OPERATIONS) <= seen


def test_on_a_versioned_bucket_a_rolled_back_upload_leaves_no_version_behind() -> None:
    # Given versioning, as terraform/modules/image_bucket enables it
    s3 = boto3.client("s3")
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    # When the metadata write fails
    with failing("PutItem"):
        assert _upload().status == 503
    # Then the exact version was deleted for good: no noncurrent copy, no delete marker
    versions = s3.list_object_versions(Bucket=BUCKET)
    assert versions.get("Versions", []) == versions.get("DeleteMarkers", []) == []
    # ...while a user's delete keeps the bytes recoverable as a noncurrent version
    image_id = _upload().json()["image_id"]
    assert _on_image("DELETE", image_id).status == 200
    kept = s3.list_object_versions(Bucket=BUCKET)
    assert [v["Key"] for v in kept["Versions"]] == [f"images/{image_id}"]
    assert [m["Key"] for m in kept["DeleteMarkers"]] == [f"images/{image_id}"]
