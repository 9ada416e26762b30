"""Races between requests on one image, replayed deterministically under moto: one request is
held just before an AWS call while another runs to its end, then let go. On a versioned bucket,
as terraform/modules/image_bucket makes it.

Completions of one upload (a client retrying): every one answers 200 with the same image, and the
stores hold one image, one version of its bytes, nothing staged. A variant made while its image
is deleted: nothing of the image is left (current objects or versions)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from unittest import mock

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from image_service import contract
from tests.fixtures.image_calls import assert_error, complete, delete, get, send, start_ok, upload_ok
from tests.fixtures.images import JPEG, png
from tests.fixtures.moto_aws import BUCKET, failing, object_tags, pending_items, stored_items, stored_objects

if TYPE_CHECKING:
    from tests.fixtures.lambda_api import ApiResponse

pytestmark = pytest.mark.usefixtures("aws", "versioned")

# The call that writes a completed upload's metadata: a transaction with the upload's closing
# (PutItem on the code before it).
METADATA_WRITES = ("TransactWriteItems", "PutItem")


@pytest.fixture
def versioned() -> None:
    boto3.client("s3").put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})


@contextmanager
def before_first(
    operations: tuple[str, ...], meanwhile: Callable[[], None], *, key_prefix: str = ""
) -> Iterator[list[str]]:
    """Hold the first call of one of `operations` (on a key under `key_prefix`, for S3) while
    `meanwhile` runs, then let it go. Yields the operations held (to check the race happened)."""
    original = vars(BaseClient)["_make_api_call"]  # private: not in botocore's stubs
    held: list[str] = []

    def call(self: BaseClient, name: str, params: dict[str, Any]) -> Any:
        if not held and name in operations and str(params.get("Key", "")).startswith(key_prefix):
            held.append(name)
            meanwhile()
        return original(self, name, params)

    with mock.patch.object(BaseClient, "_make_api_call", new=call):
        yield held


def versions(prefix: str) -> tuple[list[str], list[str]]:
    """Keys of every version and every delete marker under a prefix."""
    listed = boto3.client("s3").list_object_versions(Bucket=BUCKET, Prefix=prefix)
    return (
        [version["Key"] for version in listed.get("Versions", [])],
        [marker["Key"] for marker in listed.get("DeleteMarkers", [])],
    )


def uploaded_and_sent() -> dict[str, Any]:
    ticket = start_ok()
    send(ticket, png(40, 30))
    return ticket


def assert_completed_once(image_id: str) -> None:
    """One image, one version of its bytes, nothing staged, the upload closed."""
    assert stored_objects() == [f"images/{image_id}"]
    assert [item["image_id"]["S"] for item in stored_items()] == [image_id]
    assert pending_items() == []
    assert versions(f"images/{image_id}") == ([f"images/{image_id}"], [])
    assert versions(contract.STAGING_PREFIX) == ([], [])


def test_a_completion_that_finds_the_staged_bytes_gone_answers_with_the_published_image() -> None:
    # Given an upload whose bytes arrived
    ticket = uploaded_and_sent()
    image_id = ticket["image_id"]
    other: list[ApiResponse] = []

    # When one completion is about to copy the staged bytes while another completes (and deletes them)
    with before_first(("CopyObject",), lambda: other.append(complete(image_id))) as held:
        late = complete(image_id)

    # Then both answer 200 with the same image, and it is stored once
    assert held == ["CopyObject"]
    assert other[0].status == 200, other[0].text
    assert late.status == 200, late.text
    assert late.json() == other[0].json()
    assert_completed_once(image_id)


def test_a_completion_whose_metadata_write_loses_answers_with_the_winners_image() -> None:
    # Given an upload whose bytes arrived
    ticket = uploaded_and_sent()
    image_id = ticket["image_id"]
    other: list[ApiResponse] = []

    # When one completion has copied the bytes and another completes before its metadata write
    with before_first(METADATA_WRITES, lambda: other.append(complete(image_id))) as held:
        late = complete(image_id)

    # Then both answer 200 with the winner's image (same created_at), and the loser's copy is gone
    assert held
    assert other[0].status == 200, other[0].text
    assert late.status == 200, late.text
    assert late.json() == other[0].json()
    assert_completed_once(image_id)
    assert get(image_id).content == png(40, 30)


def test_a_completion_racing_a_delete_does_not_bring_the_image_back() -> None:
    # Given an upload whose bytes arrived
    ticket = uploaded_and_sent()
    image_id = ticket["image_id"]
    seen: list[int] = []

    def complete_then_delete() -> None:
        seen.append(complete(image_id).status)
        seen.append(delete(image_id).status)

    # When a completion has copied the bytes, and meanwhile another completes and the image is deleted
    with before_first(METADATA_WRITES, complete_then_delete):
        late = complete(image_id)

    # Then the late completion finds the image deleted, and nothing of it is stored
    assert seen == [200, 200]
    assert_error(late, 404, "image_not_found")
    assert stored_objects() == []
    assert stored_items() == []
    assert pending_items() == []
    assert_error(get(image_id), 404, "image_not_found")


def test_eight_completions_in_turn_answer_the_same_image() -> None:
    # Given a completed upload
    ticket = uploaded_and_sent()
    first = complete(ticket["image_id"])
    assert first.status == 200, first.text

    # When it is completed seven more times, every answer is the same image
    again = [complete(ticket["image_id"]) for _ in range(7)]
    assert [(r.status, r.json()) for r in again] == [(200, first.json())] * 7
    assert_completed_once(ticket["image_id"])


def cancelled(*codes: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "injected"},
            "CancellationReasons": [{"Code": code} for code in codes],
        },
        "TransactWriteItems",
    )


@contextmanager
def transactions_cancelled(times: int, *codes: str) -> Iterator[list[int]]:
    """The first `times` TransactWriteItems are cancelled with these reasons; yields the count of
    calls made."""
    original = vars(BaseClient)["_make_api_call"]  # private: not in botocore's stubs
    calls: list[int] = []

    def call(self: BaseClient, name: str, params: dict[str, Any]) -> Any:
        if name == "TransactWriteItems":
            calls.append(1)
            if len(calls) <= times:
                raise cancelled(*codes)
        return original(self, name, params)

    with mock.patch.object(BaseClient, "_make_api_call", new=call):
        yield calls


def test_a_transaction_conflict_is_tried_again() -> None:
    # DynamoDB cancels a transaction that meets another on the same item; the next try decides
    ticket = uploaded_and_sent()
    with transactions_cancelled(2, "None", "TransactionConflict") as calls:
        response = complete(ticket["image_id"])
    assert response.status == 200, response.text
    assert len(calls) == 3
    assert_completed_once(ticket["image_id"])


def test_a_lasting_transaction_conflict_is_a_503_and_keeps_the_upload_open() -> None:
    ticket = uploaded_and_sent()
    with transactions_cancelled(3, "TransactionConflict", "None"):
        assert_error(complete(ticket["image_id"]), 503, "service_unavailable")
    assert stored_objects() == [ticket["upload"]["fields"]["key"]]
    assert versions("images/") == ([], [])
    assert len(pending_items()) == 1
    assert complete(ticket["image_id"]).status == 200


def uploaded_image() -> str:
    image_id: str = upload_ok(JPEG, image_name="a.jpg")["image_id"]
    return image_id


def test_a_variant_made_while_its_image_is_deleted_leaves_nothing_behind() -> None:
    # Given an image
    image_id = uploaded_image()
    deleted: list[int] = []

    # When a variant is about to be stored while the image is deleted (its variants swept first)
    with before_first(
        ("PutObject",), lambda: deleted.append(delete(image_id).status), key_prefix="variants/"
    ) as held:
        response = get(image_id, width="8")

    # Then the variant request finds the image gone, and no variant is left, current or not
    assert held == ["PutObject"]
    assert deleted == [200]
    assert_error(response, 404, "image_not_found")
    assert stored_objects() == []
    assert versions(f"variants/{image_id}/") == ([], [])


def test_a_variant_is_kept_untagged_once_its_image_is_confirmed() -> None:
    image_id = uploaded_image()
    assert get(image_id, width="8").status == 200
    [variant] = [key for key in stored_objects() if key.startswith("variants/")]
    assert object_tags(variant) == {}
    # and a delete afterwards sweeps it
    assert delete(image_id).status == 200
    assert stored_objects() == []


def test_a_variant_whose_adoption_fails_is_served_and_left_to_expire() -> None:
    image_id = uploaded_image()
    with failing("DeleteObjectTagging"):
        response = get(image_id, width="8")
    assert response.status == 200, response.text
    [variant] = [key for key in stored_objects() if key.startswith("variants/")]
    assert object_tags(variant) == dict([contract.ORPHAN_TAG])
