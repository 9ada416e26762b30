"""Large images: start (presigned POST), bytes straight to S3, complete (verify, then publish),
and GET answering with a presigned URL. Against moto; the client's S3 upload is a direct put."""

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from image_service import contract, large_upload, large_upload_rules
from image_service.errors import UploadExpiredError
from image_service.image_verification import Inspection
from image_service.models import UploadIntent
from tests.fixtures.api_events import TENANT
from tests.fixtures.image_calls import (
    API,
    LARGE_INTENT,
    assert_error,
    complete,
    get,
    list_for,
    send,
    start,
    start_ok,
)
from tests.fixtures.images import JPEG, png, png_bomb
from tests.fixtures.moto_aws import BUCKET, failing, pending_items, stored_items, stored_objects

pytestmark = pytest.mark.usefixtures("aws")

INTENT = LARGE_INTENT


def test_start_records_a_pending_upload_and_signs_a_post_for_its_staging_key() -> None:
    # When an upload starts
    ticket = start_ok()

    # Then the answer is a presigned POST of the staging key, limited in type and size
    image_id = ticket["image_id"]
    post = ticket["upload"]
    assert post["method"] == "POST"
    assert post["fields"]["key"] == f"{contract.STAGING_PREFIX}{image_id}"
    assert post["fields"]["Content-Type"] == "image/png"
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    assert ["content-length-range", 1, contract.MAX_LARGE_IMAGE_BYTES] in policy["conditions"]
    assert {"Content-Type": "image/png"} in policy["conditions"]
    assert ticket["max_bytes"] == contract.MAX_LARGE_IMAGE_BYTES
    assert ticket["complete_path"] == f"/v1/images/{image_id}/complete"
    expires = datetime.fromisoformat(ticket["expires_at"].replace("Z", "+00:00"))
    policy_expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert abs((expires - policy_expires).total_seconds()) < 5
    assert abs((expires - datetime.now(UTC)).total_seconds() - contract.UPLOAD_EXPIRY_SECONDS) < 5
    # and it is pending: recorded, but no image and nothing listed yet
    [item] = pending_items()
    assert item["id"]["S"] == image_id
    assert int(item["expiration"]["N"]) == int(expires.timestamp())
    assert stored_items() == []
    assert stored_objects() == []
    assert list_for({"user_id": "alice"}).json()["images"] == []
    assert_error(get(image_id), 404, "image_not_found")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"content_type": "image/tiff"}, "content_type"),
        ({"content_type": None}, "content_type"),
        ({"file": "AAAA"}, "file"),
        ({"image_name": "../x.png"}, "image_name"),
        ({"user_id": ""}, "user_id"),
    ],
)
def test_start_refuses_an_invalid_intent_and_records_nothing(change: dict[str, Any], reason: str) -> None:
    response = start({key: value for key, value in {**INTENT, **change}.items() if value is not None})
    assert_error(response, 422, "validation_error")
    assert reason in response.json()["error"]["message"]
    assert pending_items() == []


def test_complete_verifies_the_bytes_and_publishes_the_image() -> None:
    # Given a started upload whose bytes reached S3
    data = png(300, 200)
    ticket = start_ok(description="a big one")
    send(ticket, data)

    # When it is completed
    response = complete(ticket["image_id"])

    # Then it is an image like any other: listed, with the bytes' size, type and hash
    assert response.status == 200, response.text
    image = response.json()
    assert image["image_id"] == ticket["image_id"]
    assert (image["size"], image["content_type"]) == (len(data), "image/png")
    assert image["sha256"] == hashlib.sha256(data).hexdigest()
    assert (image["description"], image["tags"]) == ("a big one", ["large"])
    assert response.headers["Location"] == f"/v1/images/{image['image_id']}"
    assert [listed["image_id"] for listed in list_for({"user_id": "alice"}).json()["images"]] == [
        image["image_id"]
    ]
    s3 = boto3.client("s3")
    stored = s3.get_object(Bucket=BUCKET, Key=f"images/{image['image_id']}")
    assert stored["Body"].read() == data
    assert stored["ContentType"] == "image/png"
    assert stored["Metadata"] == {"sha256": image["sha256"]}
    # and what staged it is gone
    assert stored_objects() == [f"images/{image['image_id']}"]
    assert pending_items() == []

    # When it is completed again (a retry), the answer is the same image
    again = complete(ticket["image_id"])
    assert again.status == 200
    assert again.json() == image


def test_complete_before_the_bytes_arrive_is_a_conflict_and_keeps_the_upload_open() -> None:
    ticket = start_ok()
    assert_error(complete(ticket["image_id"]), 409, "upload_not_received")
    assert len(pending_items()) == 1
    send(ticket, png())
    assert complete(ticket["image_id"]).status == 200


@pytest.mark.parametrize(
    ("declared", "data", "status", "code"),
    [
        ("image/png", b"not an image at all", 415, "unsupported_media_type"),
        ("image/png", JPEG, 415, "unsupported_media_type"),  # bytes of another type than declared
        ("image/png", png()[:-20], 415, "corrupt_image"),  # truncated
        ("image/png", png_bomb(), 400, "too_many_pixels"),
    ],
)
def test_refused_bytes_are_deleted_and_the_upload_stays_open(
    declared: str, data: bytes, status: int, code: str
) -> None:
    # Given an upload whose bytes fail the checks an inline upload makes
    ticket = start_ok(content_type=declared)
    send(ticket, data)

    # When it is completed, it is refused, and the refused bytes are deleted
    response = complete(ticket["image_id"])
    assert_error(response, status, code)
    assert stored_objects() == []
    assert stored_items() == []

    # Then the client may upload again with the same form, and complete
    send(ticket, png())
    assert complete(ticket["image_id"]).status == 200


def test_bytes_over_the_large_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    ticket = start_ok()
    send(ticket, png(40, 40))
    monkeypatch.setattr(contract, "MAX_LARGE_IMAGE_BYTES", 100)
    assert_error(complete(ticket["image_id"]), 413, "payload_too_large")
    assert stored_objects() == []
    assert stored_items() == []


def test_an_expired_upload_cannot_be_completed() -> None:
    ticket = start_ok()
    send(ticket, png())
    later = datetime.now(UTC) + timedelta(seconds=contract.UPLOAD_EXPIRY_SECONDS + 1)
    with pytest.raises(UploadExpiredError):
        large_upload.complete(ticket["image_id"], TENANT, now=later)
    assert stored_items() == []


def test_another_tenant_can_neither_complete_nor_see_an_upload() -> None:
    ticket = start_ok()
    send(ticket, png())
    assert_error(complete(ticket["image_id"], tenant="other-key"), 404, "image_not_found")
    assert len(pending_items()) == 1
    assert complete(ticket["image_id"]).status == 200
    assert_error(complete(ticket["image_id"], tenant="other-key"), 404, "image_not_found")


def test_a_metadata_outage_on_complete_keeps_nothing_half_published() -> None:
    # Given uploaded bytes
    ticket = start_ok()
    send(ticket, png())

    # When the metadata write (one transaction with the upload's closing) fails, the copied image is
    # removed and the upload stays open; the staged bytes stay for a retry
    with failing("TransactWriteItems"):
        assert_error(complete(ticket["image_id"]), 503, "service_unavailable")
    assert stored_objects() == [ticket["upload"]["fields"]["key"]]
    assert stored_items() == []
    assert len(pending_items()) == 1

    # Then a retry completes it
    assert complete(ticket["image_id"]).status == 200


def completed_image(monkeypatch: pytest.MonkeyPatch, data: bytes) -> dict[str, Any]:
    """A completed upload that counts as large: the inline limit is lowered below its size."""
    ticket = start_ok()
    send(ticket, data)
    image: dict[str, Any] = complete(ticket["image_id"]).json()
    monkeypatch.setattr(contract, "MAX_IMAGE_BYTES", len(data) - 1)
    return image


def test_a_large_image_is_a_redirect_to_a_presigned_get_with_the_api_headers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image = completed_image(monkeypatch, png(50, 50))

    response = get(image["image_id"], download="true")

    assert response.status == 307, response.text
    headers = response.headers
    assert headers["Cache-Control"] == "no-store"
    assert headers["ETag"] == f'"{image["sha256"]}"'
    url = urlsplit(headers["Location"])
    assert url.path.endswith(f"/images/{image['image_id']}")
    query = parse_qs(url.query)
    assert query["response-content-type"] == ["image/png"]
    assert query["response-content-disposition"] == ['attachment; filename="big.png"']
    assert query["X-Amz-Expires"] == [str(contract.DOWNLOAD_URL_EXPIRY_SECONDS)]


def test_a_large_image_with_redirect_false_is_a_json_link(monkeypatch: pytest.MonkeyPatch) -> None:
    image = completed_image(monkeypatch, png(50, 50))

    response = get(image["image_id"], redirect="false", metadata="true")

    assert response.status == 200, response.text
    link = response.json()
    assert (link["content_type"], link["size"]) == ("image/png", image["size"])
    assert f"/images/{image['image_id']}" in link["url"]
    assert response.headers["Cache-Control"] == "no-store"
    assert json.loads(response.headers[contract.METADATA_HEADER])["image_id"] == image["image_id"]
    # and the conditional GET still answers 304 without touching S3
    etag = f'"{image["sha256"]}"'
    assert API.get(f"/v1/images/{image['image_id']}", headers={"If-None-Match": etag}).status == 304


def test_an_inline_sized_image_ignores_redirect_false() -> None:
    ticket = start_ok()
    send(ticket, png())
    image = complete(ticket["image_id"]).json()
    response = get(image["image_id"], redirect="false")
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/png"


def test_a_variant_over_the_inline_limit_is_served_from_s3_too(monkeypatch: pytest.MonkeyPatch) -> None:
    image = completed_image(monkeypatch, png(60, 60))
    monkeypatch.setattr(contract, "MAX_IMAGE_BYTES", 10)  # any variant is over it

    response = get(image["image_id"], width="30")

    assert response.status == 307, response.text
    assert "/variants/" in response.headers["Location"]


# ---- pure rules ----


def test_a_pending_upload_is_open_until_its_expiration() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    intent = UploadIntent.model_validate(INTENT)
    pending = large_upload_rules.new_pending_upload(intent, tenant_id="t", now=now)
    assert pending.staging_key == f"{contract.STAGING_PREFIX}{pending.image_id}"
    assert large_upload_rules.expires_at(pending) == "2026-01-01T01:00:00.000000Z"
    large_upload_rules.check_open(pending, now + timedelta(seconds=contract.UPLOAD_EXPIRY_SECONDS - 1))
    with pytest.raises(UploadExpiredError):
        large_upload_rules.check_open(pending, now + timedelta(seconds=contract.UPLOAD_EXPIRY_SECONDS))


def test_a_completed_upload_is_stored_at_completion_under_its_image_key() -> None:
    start_time = datetime(2026, 1, 1, tzinfo=UTC)
    pending = large_upload_rules.new_pending_upload(
        UploadIntent.model_validate(INTENT), tenant_id="t", now=start_time
    )
    done = start_time + timedelta(minutes=5)
    record = large_upload_rules.completed_record(
        pending,
        size=10,
        sha256="0" * 64,
        shown=Inspection("image/png", 3, 2, "L00000fQfQfQfQfQfQfQfQfQfQfQ"),
        now=done,
    )
    assert (record.width, record.height, record.content_type) == (3, 2, "image/png")
    assert record.created_at == "2026-01-01T00:05:00.000000Z"
    assert record.object_key == f"images/{pending.image_id}"
    assert record.owner == "t#alice"
