"""The service modules called directly (no handler, no event): one use case each, under moto."""

import base64
import json
from datetime import UTC, datetime

import boto3
import pytest

from image_service import deletion, inline_upload, large_upload, listing, metadata_edit, serving
from image_service.errors import ImageNotFoundError, PreconditionFailedError
from image_service.settings import get_settings
from tests.fixtures.images import png

TENANT = "service-tenant"


def upload_body(**fields: object) -> bytes:
    body = {"user_id": "alice", "image_name": "a.png", "file": base64.b64encode(png(3, 2)).decode(), **fields}
    return json.dumps(body).encode()


def upload(**fields: object) -> str:
    stored = inline_upload.upload(
        inline_upload.RequestBody(upload_body(**fields)), tenant_id=TENANT, idempotency_key=None, context=None
    )
    return stored.image_id


def bucket_keys() -> list[str]:
    response = boto3.client("s3").list_objects_v2(Bucket=get_settings().images_bucket)
    return sorted(item["Key"] for item in response.get("Contents", []))


def test_the_request_body_is_handed_over_once() -> None:
    body = inline_upload.RequestBody(b"{}")
    assert body.peek() == b"{}"
    assert body.take() == b"{}"
    assert body.peek() == b""  # let go: the caller's reference no longer keeps it


def test_an_inline_upload_stores_bytes_then_metadata_and_empties_the_body(aws: None) -> None:
    body = inline_upload.RequestBody(upload_body(tags=["x"]))
    stored = inline_upload.upload(body, tenant_id=TENANT, idempotency_key=None, context=None)
    assert body.peek() == b""
    assert (stored.content_type, stored.size, stored.tags) == ("image/png", len(png(3, 2)), ["x"])
    assert bucket_keys() == [f"images/{stored.image_id}"]


def test_reading_serves_the_bytes_and_revalidates_without_reading_them(aws: None) -> None:
    image_id = upload()
    reading = serving.read(image_id, TENANT, query={}, with_metadata=True, download=True, if_none_match=None)
    assert reading.served is not None
    assert reading.served.data == png(3, 2)
    assert reading.disposition == 'attachment; filename="a.png"'
    assert reading.metadata is not None
    assert json.loads(reading.metadata)["image_id"] == image_id
    again = serving.read(
        image_id, TENANT, query={}, with_metadata=True, download=True, if_none_match=reading.etag
    )
    assert again.served is None
    assert again.etag == reading.etag


def test_a_variant_is_made_once_and_stored(aws: None) -> None:
    image_id = upload()
    reading = serving.read(
        image_id,
        TENANT,
        query={"width": "2", "format": "webp"},
        with_metadata=False,
        download=False,
        if_none_match=None,
    )
    assert reading.served is not None
    assert reading.served.content_type == "image/webp"
    assert f"variants/{image_id}/2xauto-contain.webp" in bucket_keys()


def test_listing_pages_one_users_images(aws: None) -> None:
    first, second = upload(), upload()
    upload(user_id="bob")
    page = listing.list_page(TENANT, "alice", limit=1, cursor=None, tag=None)
    assert [image.image_id for image in page.images] == [second]
    assert page.next_cursor
    rest = listing.list_page(TENANT, "alice", limit=1, cursor=page.next_cursor, tag=None)
    assert [image.image_id for image in rest.images] == [first]
    assert rest.next_cursor is None


def test_an_edit_answers_the_new_etag_and_honours_if_match(aws: None) -> None:
    image_id = upload()
    edited = metadata_edit.edit(image_id, TENANT, b'{"description": "d"}', if_match=None)
    assert (edited.record.description, edited.fields) == ("d", ["description"])
    with pytest.raises(PreconditionFailedError):
        metadata_edit.edit(image_id, TENANT, b'{"tags": []}', if_match='"not-it"')
    again = metadata_edit.edit(image_id, TENANT, b'{"tags": ["t"]}', if_match=edited.etag)
    assert again.record.tags == ["t"]


def test_a_delete_removes_metadata_bytes_and_variants(aws: None) -> None:
    image_id = upload()
    serving.read(
        image_id, TENANT, query={"width": "1"}, with_metadata=False, download=False, if_none_match=None
    )
    assert deletion.delete(image_id, TENANT).image_id == image_id
    assert bucket_keys() == []
    with pytest.raises(ImageNotFoundError):
        deletion.delete(image_id, TENANT)


def test_a_large_upload_starts_with_a_ticket_and_completes_from_the_staged_bytes(aws: None) -> None:
    from image_service.models import UploadIntent

    intent = UploadIntent(user_id="alice", image_name="big.png", content_type="image/png")
    ticket = large_upload.start(intent, tenant_id=TENANT, now=datetime.now(UTC))
    assert ticket.complete_path == f"/v1/images/{ticket.image_id}/complete"
    staging_key = ticket.upload.fields["key"]
    boto3.client("s3").put_object(Bucket=get_settings().images_bucket, Key=staging_key, Body=png(4, 4))
    record = large_upload.complete(ticket.image_id, TENANT, now=datetime.now(UTC))
    assert (record.image_id, record.size) == (ticket.image_id, len(png(4, 4)))
    assert bucket_keys() == [f"images/{ticket.image_id}"]  # the staged bytes went once published
    # A completion after one that succeeded answers with the same image.
    assert large_upload.complete(ticket.image_id, TENANT, now=datetime.now(UTC)) == record
