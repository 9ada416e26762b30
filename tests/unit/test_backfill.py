"""The one-off backfill of dimensions and placeholders (moto): old records get them from their
bytes, a second run changes nothing, unreadable images are reported, not fatal."""

import base64
import json
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import boto3
import pytest

from image_service.backfill import backfill
from image_service.handlers import upload_image
from image_service.models import ImageDescription, ImageRecord
from image_service.records import object_key_for, owner_key, timestamp
from image_service.storage.dynamo_items import to_dynamo
from image_service.storage.image_store import get_image_store
from tests.fixtures.api_events import TENANT, api_event
from tests.fixtures.handler_calls import invoke, json_body
from tests.fixtures.images import JPEG, heic, photo, png, tagged
from tests.fixtures.moto_aws import BUCKET, INDEX, TABLE, UPLOADS_TABLE, clear_process_caches, stored_items

pytestmark = pytest.mark.usefixtures("aws")


def _old_image(image_id: str, data: bytes, content_type: str) -> None:
    """An image as versions before dimensions stored it: bytes, and an item without them."""
    description = ImageDescription(user_id="alice", image_name="old")
    record = ImageRecord(
        image_id=image_id,
        user_id=description.user_id,
        image_name=description.image_name,
        content_type=content_type,
        size=len(data),
        sha256="0" * 64,
        created_at=timestamp(datetime(2026, 1, 1, tzinfo=UTC)),
        tenant_id=TENANT,
        owner=owner_key(TENANT, "alice"),
        object_key=object_key_for(image_id),
    )
    item = record.to_item()
    for name in ("width", "height", "placeholder"):
        item.pop(name, None)
    boto3.client("s3").put_object(Bucket=BUCKET, Key=record.object_key, Body=data)
    boto3.client("dynamodb").put_item(TableName=TABLE, Item=to_dynamo(item))


def _items() -> dict[str, dict[str, Any]]:
    return {item["image_id"]["S"]: item for item in stored_items()}


IDS = [f"00000000-0000-4000-8000-00000000000{index}" for index in range(6)]


def test_old_images_are_filled_once_and_a_second_run_changes_nothing() -> None:
    # Given images stored before (one on its side, one HEIC, one with data appended, as older
    # uploads allowed) and one uploaded now
    _old_image(IDS[0], tagged("JPEG", orientation=6), "image/jpeg")
    _old_image(IDS[1], heic((40, 30)), "image/heic")
    _old_image(IDS[2], png(5, 3) + b"<html></html>", "image/png")
    body = {"user_id": "alice", "image_name": "new", "file": base64.b64encode(JPEG).decode()}
    new = json_body(
        invoke(
            upload_image.lambda_handler,
            api_event("POST", "/v1/images", resource="/v1/images", body=json.dumps(body)),
        )
    )
    before_new = _items()[new["image_id"]]
    # When the backfill runs
    report = backfill(page_size=2)
    # Then the old ones have their upright size and a placeholder; the new one is untouched
    assert sorted(report.filled) == IDS[:3]
    items = _items()
    assert (items[IDS[0]]["width"], items[IDS[0]]["height"]) == ({"N": "32"}, {"N": "48"})
    assert (items[IDS[1]]["width"], items[IDS[1]]["height"]) == ({"N": "40"}, {"N": "30"})
    assert (items[IDS[2]]["width"], items[IDS[2]]["height"]) == ({"N": "5"}, {"N": "3"})
    assert all(len(items[image_id]["placeholder"]["S"]) == 28 for image_id in IDS[:3])
    assert items[new["image_id"]] == before_new
    # and a second run finds nothing to do and changes nothing
    again = backfill()
    assert (again.filled, again.raced, again.unreadable) == ([], [], {})
    assert _items() == items


def test_the_values_are_what_an_upload_computes() -> None:
    data = photo("JPEG", (300, 200))
    _old_image(IDS[0], data, "image/jpeg")
    backfill()
    body = {"user_id": "alice", "image_name": "same", "file": base64.b64encode(data).decode()}
    uploaded = json_body(
        invoke(
            upload_image.lambda_handler,
            api_event("POST", "/v1/images", resource="/v1/images", body=json.dumps(body)),
        )
    )
    filled = _items()[IDS[0]]
    assert (int(filled["width"]["N"]), int(filled["height"]["N"]), filled["placeholder"]["S"]) == (
        uploaded["width"],
        uploaded["height"],
        uploaded["placeholder"],
    )


def test_unreadable_images_are_reported_and_left_as_they_are() -> None:
    _old_image(IDS[0], b"GIF89a not really", "image/gif")
    _old_image(IDS[1], JPEG, "image/jpeg")
    boto3.client("s3").delete_object(Bucket=BUCKET, Key=object_key_for(IDS[1]))  # bytes lost
    _old_image(IDS[2], JPEG, "image/jpeg")
    report = backfill()
    assert report.filled == [IDS[2]]
    assert report.unreadable == {IDS[0]: "corrupt_image", IDS[1]: "image_not_found"}
    assert "width" not in _items()[IDS[0]]
    assert report.summary() == "1 filled, 0 filled or deleted meanwhile, 2 unreadable"


def test_a_record_filled_by_another_run_meanwhile_is_not_written_again() -> None:
    _old_image(IDS[0], JPEG, "image/jpeg")
    store = get_image_store()
    original_fill = store.catalog.fill

    def concurrent_fill(record: ImageRecord, values: dict[str, Any], *, unless: str) -> bool:
        # another run fills it first, with its own values
        assert original_fill(record, {**values, "placeholder": "theirs"}, unless=unless)
        return original_fill(record, values, unless=unless)

    with mock.patch.object(store.catalog, "fill", side_effect=concurrent_fill):
        report = backfill(store)
    assert report.raced == [IDS[0]]
    assert _items()[IDS[0]]["placeholder"] == {"S": "theirs"}


def test_devtools_entry_point_runs_the_backfill(capsys: pytest.CaptureFixture[str]) -> None:
    from devtools import backfill as entry

    _old_image(IDS[0], JPEG, "image/jpeg")
    clear_process_caches()
    assert (
        entry.main(["--bucket", BUCKET, "--table", TABLE, "--index", INDEX, "--uploads-table", UPLOADS_TABLE])
        == 0
    )
    assert "backfill: 1 filled, 0 filled or deleted meanwhile, 0 unreadable" in capsys.readouterr().out
    assert "width" in _items()[IDS[0]]
