"""`nox -s inspect`: the rows its tables show, from moto S3/DynamoDB and from recorded API answers."""

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import boto3
import pytest

from devtools import inspect_stack
from devtools.inspect_stack import (
    MAX_CELL,
    PREFERRED_ATTRIBUTES,
    Section,
    api_key_row,
    bucket_section,
    cell,
    function_row,
    item_section,
    mask,
    object_section,
    render,
    stage_rows,
    table_section,
    timestamp,
    usage_plan_row,
)
from tests.fixtures.moto_aws import BUCKET, IDEMPOTENCY_TABLE, SIGNING_KEYS_TABLE, TABLE, UPLOADS_TABLE

TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
LONG_ID = "0123456789abcdef0123456789abcdef-0123456789"  # longer than MAX_CELL: a key is never cut


def put_image_item(image_id: str, **extra: dict[str, Any]) -> None:
    item: dict[str, Any] = {
        "image_id": {"S": image_id},
        "user_id": {"S": "alice"},
        "created_at": {"S": f"2026-01-0{len(image_id) % 9 + 1}T10:00:00.000000Z"},
        **extra,
    }
    boto3.client("dynamodb").put_item(TableName=TABLE, Item=item)


def test_objects_are_listed_in_key_order_up_to_the_limit_and_the_rest_counted(aws: None) -> None:
    # Given three objects of known sizes
    s3 = boto3.client("s3")
    s3.put_object(Bucket=BUCKET, Key="images/b", Body=b"x" * 1500, ContentType="image/png")
    s3.put_object(Bucket=BUCKET, Key="images/a", Body=b"abc")
    s3.put_object(Bucket=BUCKET, Key="images/c", Body=b"")

    # When the objects section is built with room for two
    section = object_section(s3, BUCKET, limit=2)

    # Then the first two keys are shown with exact sizes, and one more is counted
    assert section.columns == ("key", "size (bytes)", "last modified (UTC)", "storage class")
    assert [row[:2] for row in section.rows] == [("images/a", "3"), ("images/b", "1,500")]
    assert all(TIME.match(row[2]) for row in section.rows)
    assert {row[3] for row in section.rows} == {"STANDARD"}
    assert section.more == 1
    assert BUCKET in section.title


def test_an_empty_bucket_has_no_rows_and_nothing_more(aws: None) -> None:
    section = object_section(boto3.client("s3"), BUCKET, limit=50)
    assert (section.rows, section.more) == ([], 0)


def test_the_bucket_list_names_the_bucket(aws: None) -> None:
    rows = bucket_section(boto3.client("s3")).rows
    assert [row[0] for row in rows] == [BUCKET]
    assert TIME.match(rows[0][2])


def test_tables_show_key_schema_and_indexes(aws: None) -> None:
    # Given a table with a composite key, a global and a local index
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(
        TableName="inspect-unit",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "owner", "created_at")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_owner",
                "KeySchema": [
                    {"AttributeName": "owner", "KeyType": "HASH"},
                    {"AttributeName": "created_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by_time",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "created_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    dynamodb.put_item(TableName="inspect-unit", Item={"pk": {"S": "a"}, "sk": {"S": "b"}})

    # When the tables section is built
    rows = {row[0]: row for row in table_section(dynamodb).rows}

    # Then both tables are listed, each with its key and indexes
    assert set(rows) == {TABLE, IDEMPOTENCY_TABLE, UPLOADS_TABLE, SIGNING_KEYS_TABLE, "inspect-unit"}
    assert rows["inspect-unit"] == (
        "inspect-unit",
        "ACTIVE",
        "1",
        "pk (hash), sk (range)",
        "by_owner [GSI: owner (hash), created_at (range)]; by_time [LSI: pk (hash), created_at (range)]",
    )


def test_items_put_the_key_and_image_fields_first_and_the_rest_by_name(aws: None) -> None:
    # Given items with the image attributes, a long description, a list and a set, and one sparse item
    put_image_item(
        LONG_ID,
        image_name={"S": "cat.png"},
        content_type={"S": "image/png"},
        size={"N": "1234"},
        description={"S": "a very long description " * 5},
        tags={"L": [{"S": "pets"}, {"S": "cats"}]},
        labels={"SS": ["b", "a"]},
        thumbnail={"B": b"\x89PNG"},
    )
    put_image_item("sparse")

    # When the items section is built
    section = item_section(boto3.client("dynamodb"), TABLE, limit=50)

    # Then the columns are key, the preferred image fields, then the rest alphabetically
    assert section.columns == (*PREFERRED_ATTRIBUTES, "description", "labels", "tags", "thumbnail")
    rows = {row[0]: dict(zip(section.columns, row, strict=True)) for row in section.rows}
    full = rows[LONG_ID]
    assert full["image_id"] == LONG_ID  # the key is never truncated
    assert (full["user_id"], full["image_name"], full["content_type"], full["size"]) == (
        "alice",
        "cat.png",
        "image/png",
        "1234",
    )
    assert full["description"].endswith("…")
    assert len(full["description"]) == MAX_CELL
    assert full["tags"] == '["pets","cats"]'
    assert full["labels"] == "{a, b}"
    assert full["thumbnail"] == "<4 bytes>"
    # And a missing attribute is a blank cell
    assert rows["sparse"]["image_name"] == ""
    assert section.whole == frozenset({"image_id"})
    assert section.more == 0


def test_items_beyond_the_limit_are_counted_not_shown(aws: None) -> None:
    for number in range(5):
        put_image_item(f"image-{number}")

    section = item_section(boto3.client("dynamodb"), TABLE, limit=2)

    assert len(section.rows) == 2
    assert section.more == 3
    assert "2 shown, 3 more" in str(render(section).caption)


def test_an_empty_table_shows_its_key_column(aws: None) -> None:
    section = item_section(boto3.client("dynamodb"), TABLE, limit=5)
    assert (section.columns, section.rows, section.more) == (("image_id",), [], 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (True, "true"),
        (Decimal("12.50"), "12.50"),
        (b"\x00\x01\x02", "<3 bytes>"),
        ({Decimal(2), Decimal(10)}, "{10, 2}"),
        ({"a": [1, "b"]}, '{"a":[1,"b"]}'),
        ("line one\nline two", "line one line two"),
    ],
)
def test_cells_render_every_dynamodb_type_on_one_line(value: object, expected: str) -> None:
    assert cell(value) == expected


def test_timestamps_are_shown_in_utc() -> None:
    assert timestamp("2026-11-24T22:01:16.451+0000") == "2026-11-24 22:01:16"
    assert timestamp(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02 03:04:05"
    assert timestamp(None) == "-"


def test_function_rows_show_sizes_and_limits() -> None:
    row = function_row(
        {
            "FunctionName": "image-service-get-image",
            "Runtime": "python3.11",
            "Handler": "image_service.handlers.get_image.lambda_handler",
            "MemorySize": 512,
            "Timeout": 15,
            "CodeSize": 5_852_049,
            "LastModified": "2026-11-24T22:01:16.451+0000",
        }
    )
    assert row == (
        "image-service-get-image",
        "python3.11",
        "image_service.handlers.get_image.lambda_handler",
        "512 MB",
        "15 s",
        "5.6 MiB",
        "2026-11-24 22:01:16",
    )


def test_api_keys_show_only_the_last_four_characters() -> None:
    row = api_key_row(
        {"id": "k1", "name": "default", "enabled": True, "value": "5fcd2f150ea54da4b71351f4a02825ea"}
    )
    assert row == ("k1", "default", "true", "****25ea")
    assert "5fcd" not in "".join(row)
    assert mask(None) == "-"
    assert mask("abc") == "****"


def test_usage_plans_show_stages_throttle_quota_and_key_count() -> None:
    plan = {
        "id": "p1",
        "name": "image-service-default",
        "apiStages": [{"apiId": "a1", "stage": "api"}],
        "throttle": {"burstLimit": 200, "rateLimit": 100.0},
        "quota": {"limit": 10000, "period": "DAY", "offset": 0},
    }
    assert usage_plan_row(plan, key_count=2) == (
        "image-service-default",
        "a1/api",
        "100 req/s, burst 200",
        "10000/DAY",
        "2",
    )
    assert usage_plan_row({"id": "p2", "throttle": {}, "quota": {}}, 0) == ("p2", "-", "-", "-", "0")


def test_each_stage_of_an_api_is_a_row_and_an_api_without_stages_still_shows() -> None:
    api = {"id": "a1", "name": "image-service", "createdDate": datetime(2026, 1, 1, tzinfo=UTC)}
    stages: list[dict[str, Any]] = [
        {"stageName": "v2", "deploymentId": "d2", "createdDate": datetime(2026, 1, 3, tzinfo=UTC)},
        {"stageName": "api", "deploymentId": "d1"},
    ]
    assert stage_rows(api, stages) == [
        ("a1", "image-service", "api", "d1", "2026-01-01 00:00:00"),
        ("a1", "image-service", "v2", "d2", "2026-01-03 00:00:00"),
    ]
    assert stage_rows(api, []) == [("a1", "image-service", "-", "-", "2026-01-01 00:00:00")]


def test_render_says_none_for_an_empty_section_and_keeps_ids_unwrapped() -> None:
    empty = render(Section("objects", ("key",)))
    assert empty.caption == "none"
    table = render(Section("items", ("image_id", "size"), [(LONG_ID, "1")], whole=frozenset({"image_id"})))
    assert table.columns[0].no_wrap
    assert not table.columns[1].no_wrap


def test_sections_are_chosen_by_name_and_all_is_the_default() -> None:
    assert inspect_stack.parse_args([]).sections == []
    args = inspect_stack.parse_args(["objects", "--limit", "3", "--bucket", "one", "--bucket", "two"])
    assert (args.sections, args.limit, args.bucket) == (["objects"], 3, "two")
    assert inspect_stack.parse_args(["buckets", "tables"]).sections == ["buckets", "tables"]
    with pytest.raises(SystemExit):
        inspect_stack.parse_args(["--limit", "0"])


def test_an_unknown_section_is_refused_naming_every_valid_one(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        inspect_stack.parse_args(["bucket"])
    assert (
        "'bucket' is not one of buckets, objects, tables, items, functions, apis, all"
        in capsys.readouterr().err
    )


def test_the_help_lists_every_section(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        inspect_stack.parse_args(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "buckets, objects, tables, items, functions, apis, or all" in help_text


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "250")
    assert inspect_stack.main(argv) == 0
    return capsys.readouterr().out


def test_buckets_and_tables_sections_show_only_those(
    aws: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an object in the bucket and an item in the table
    boto3.client("s3").put_object(Bucket=BUCKET, Key="images/only-in-objects", Body=b"x")
    put_image_item("only-in-items")

    # When `inspect -- buckets tables` runs with the deployed names
    out = run_main(["buckets", "tables", "--bucket", BUCKET, "--table", TABLE], capsys, monkeypatch)

    # Then it lists the buckets and the tables, and neither objects nor items nor the rest
    assert "S3 buckets" in out
    assert "DynamoDB tables" in out
    for table in (TABLE, UPLOADS_TABLE, IDEMPOTENCY_TABLE):
        assert table in out
    assert "only-in-objects" not in out
    assert "only-in-items" not in out
    assert "Lambda functions" not in out


def test_every_section_shows_once_by_default(
    aws: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    boto3.client("s3").put_object(Bucket=BUCKET, Key="images/k1", Body=b"x")
    out = run_main(["--bucket", BUCKET, "--table", TABLE], capsys, monkeypatch)
    for title in ("S3 buckets", f"objects in s3://{BUCKET}", "DynamoDB tables", f"items in {TABLE}"):
        assert out.count(title) == 1, title
    assert "Lambda functions" in out
    assert "REST APIs and stages" in out
    assert "images/k1" in out
