"""`nox -s inspect`: what the emulator holds (buckets, objects, tables, items, functions, APIs) as tables.

Usage: python -m devtools.inspect_stack [buckets|objects|tables|items|functions|apis|all ...]
                                        [--bucket NAME] [--table NAME] [--limit N]

Runs in the session's virtualenv (boto3, rich); noxfile.py never imports it. boto3 finds the
endpoint and credentials in the environment (AWS_ENDPOINT_URL on emulators), as the functions do.
Row builders are separate from the calls that fetch their input, so they can be tested on plain data."""

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_s3 import S3Client

# What each selector shows: every bucket, the deployed bucket's objects, every table, the deployed
# table's items, every function, and the REST APIs with their keys and usage plans.
SECTIONS = ("buckets", "objects", "tables", "items", "functions", "apis")
DEFAULT_LIMIT = 50
MAX_CELL = 28  # characters of an item attribute (other than the key) shown before "…"
# Item attributes shown first (after the table's key), in this order; the rest follow alphabetically.
PREFERRED_ATTRIBUTES = ("image_id", "user_id", "image_name", "content_type", "size", "created_at")
MISSING = "-"

Row = tuple[str, ...]


class _PlainDeserializer(TypeDeserializer):
    """DynamoDB values as Python ones, binaries as plain bytes (only their length is shown)."""

    def _deserialize_b(self, value: bytes) -> bytes:
        return value


_deserializer = _PlainDeserializer()


@dataclass(frozen=True)
class Section:
    """One table to print: rows already rendered as text, and how many rows the limit left out."""

    title: str
    columns: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    more: int = 0
    note: str = ""
    whole: frozenset[str] = frozenset()  # columns never wrapped (ids one copies)


# --- formatting ---------------------------------------------------------------------------------


def timestamp(value: datetime | str | None) -> str:
    """A datetime (or ISO string) as `YYYY-MM-DD HH:MM:SS` UTC; anything unparsable as given."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("+0000", "+00:00"))
        except ValueError:
            return str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def human_size(size: int) -> str:
    """Bytes as B, KiB, MiB or GiB with one decimal."""
    amount = float(size)
    for unit in ("B", "KiB", "MiB"):
        if amount < 1024:
            return f"{size} B" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GiB"


def truncate(text: str, width: int = MAX_CELL) -> str:
    """One line of at most `width` characters, ending in "…" when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def cell(value: object, width: int = MAX_CELL) -> str:
    """A deserialized DynamoDB value as table text: numbers exact, sets and documents compact."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, bytes | bytearray):
        text = f"<{len(value)} bytes>"
    elif isinstance(value, set | frozenset):
        text = "{" + ", ".join(sorted(cell(item, width) for item in value)) + "}"
    elif isinstance(value, list | dict):
        text = json.dumps(value, default=str, separators=(",", ":"))
    else:
        text = str(value)
    return truncate(text, width)


def mask(secret: str | None) -> str:
    """A secret with all but its last 4 characters hidden."""
    if not secret:
        return MISSING
    return "****" + secret[-4:] if len(secret) > 4 else "****"


# --- S3 -----------------------------------------------------------------------------------------


def bucket_rows(buckets: Iterable[Mapping[str, Any]]) -> list[Row]:
    """Rows of ListBuckets' `Buckets`: name, region, created."""
    return [
        (bucket["Name"], bucket.get("BucketRegion", MISSING), timestamp(bucket.get("CreationDate")))
        for bucket in buckets
    ]


def object_row(entry: Mapping[str, Any]) -> Row:
    """A ListObjectsV2 `Contents` entry: key, size in bytes, last modified, storage class."""
    return (
        entry["Key"],
        f"{entry.get('Size', 0):,}",
        timestamp(entry.get("LastModified")),
        entry.get("StorageClass", MISSING),
    )


def bucket_section(s3: "S3Client") -> Section:
    """Every bucket on the endpoint."""
    rows = bucket_rows(s3.list_buckets().get("Buckets", []))
    return Section("S3 buckets", ("bucket", "region", "created (UTC)"), rows, whole=frozenset({"bucket"}))


def object_section(s3: "S3Client", bucket: str, limit: int) -> Section:
    """The first `limit` objects of a bucket in key order; the rest are only counted."""
    rows: list[Row] = []
    total = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            total += 1
            if len(rows) < limit:
                rows.append(object_row(entry))
    columns = ("key", "size (bytes)", "last modified (UTC)", "storage class")
    return Section(f"objects in s3://{bucket}", columns, rows, more=total - len(rows))


# --- DynamoDB -----------------------------------------------------------------------------------


def key_schema(schema: Iterable[Mapping[str, Any]]) -> str:
    """A KeySchema as `hash, range` attribute names."""
    ordered = sorted(schema, key=lambda part: part["KeyType"] != "HASH")
    return ", ".join(f"{part['AttributeName']} ({part['KeyType'].lower()})" for part in ordered)


def table_row(table: Mapping[str, Any]) -> Row:
    """A DescribeTable `Table`: name, status, item count, key schema, indexes."""
    indexes = [
        f"{index['IndexName']} [{kind}: {key_schema(index['KeySchema'])}]"
        for kind, listed in (
            ("GSI", table.get("GlobalSecondaryIndexes", [])),
            ("LSI", table.get("LocalSecondaryIndexes", [])),
        )
        for index in listed
    ]
    return (
        table["TableName"],
        table.get("TableStatus", MISSING),
        str(table.get("ItemCount", MISSING)),
        key_schema(table.get("KeySchema", [])),
        "; ".join(indexes) or MISSING,
    )


def table_section(dynamodb: "DynamoDBClient") -> Section:
    """Every table on the endpoint, described."""
    rows = [
        table_row(dynamodb.describe_table(TableName=name)["Table"])
        for page in dynamodb.get_paginator("list_tables").paginate()
        for name in page.get("TableNames", [])
    ]
    columns = ("table", "status", "items (approx.)", "key", "indexes")
    return Section("DynamoDB tables", columns, rows, whole=frozenset({"table"}))


def item_columns(items: Sequence[Mapping[str, Any]], key_names: Sequence[str] = ()) -> tuple[str, ...]:
    """Every attribute the items have: key first, then PREFERRED_ATTRIBUTES, then the rest by name."""
    present = {name for item in items for name in item}
    leading = [name for name in (*key_names, *PREFERRED_ATTRIBUTES) if name in present]
    ordered = list(dict.fromkeys(leading))
    return (*ordered, *sorted(present - set(ordered)))


def item_row(item: Mapping[str, Any], columns: Sequence[str], whole: Iterable[str] = ()) -> Row:
    """One deserialized item as text cells, blank where it lacks an attribute; `whole` ones uncut."""
    uncut = set(whole)
    return tuple(cell(item.get(name), sys.maxsize if name in uncut else MAX_CELL) for name in columns)


def deserialize(item: Mapping[str, Any]) -> dict[str, Any]:
    """A low-level DynamoDB item (`{"S": ...}` values) as plain Python values."""
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def item_section(dynamodb: "DynamoDBClient", table: str, limit: int) -> Section:
    """The first `limit` items a Scan returns; the rest are only counted."""
    schema = dynamodb.describe_table(TableName=table)["Table"].get("KeySchema", [])
    key_names = [part["AttributeName"] for part in sorted(schema, key=lambda part: part["KeyType"] != "HASH")]
    items: list[dict[str, Any]] = []
    total = 0
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        total += page.get("Count", len(page.get("Items", [])))
        items.extend(deserialize(item) for item in page.get("Items", [])[: limit - len(items)])
    columns = item_columns(items, key_names) or tuple(key_names)
    rows = [item_row(item, columns, key_names) for item in items]
    title = f"items in {table} (Scan order)"
    return Section(title, columns, rows, more=total - len(rows), whole=frozenset(key_names))


# --- Lambda -------------------------------------------------------------------------------------


def function_row(function: Mapping[str, Any]) -> Row:
    """A ListFunctions entry: name, runtime, handler, memory, timeout, code size, last modified."""
    return (
        function["FunctionName"],
        function.get("Runtime", function.get("PackageType", MISSING)),
        function.get("Handler", MISSING),
        f"{function.get('MemorySize', 0)} MB",
        f"{function.get('Timeout', 0)} s",
        human_size(int(function.get("CodeSize", 0))),
        timestamp(function.get("LastModified")),
    )


def function_section(lambda_client: "LambdaClient") -> Section:
    """Every Lambda function on the endpoint, by name."""
    functions = [
        function
        for page in lambda_client.get_paginator("list_functions").paginate()
        for function in page.get("Functions", [])
    ]
    columns = ("function", "runtime", "handler", "memory", "timeout", "code size", "last modified (UTC)")
    rows = sorted(function_row(function) for function in functions)
    return Section("Lambda functions", columns, rows, whole=frozenset({"function"}))


# --- API Gateway --------------------------------------------------------------------------------


def stage_rows(api: Mapping[str, Any], stages: Sequence[Mapping[str, Any]]) -> list[Row]:
    """One row per stage of a REST API (one with no stage when it has none)."""
    if not stages:
        return [(api["id"], api.get("name", MISSING), MISSING, MISSING, timestamp(api.get("createdDate")))]
    return [
        (
            api["id"],
            api.get("name", MISSING),
            stage["stageName"],
            stage.get("deploymentId", MISSING),
            timestamp(stage.get("createdDate") or api.get("createdDate")),
        )
        for stage in sorted(stages, key=lambda stage: str(stage["stageName"]))
    ]


def api_key_row(key: Mapping[str, Any]) -> Row:
    """A GetApiKeys entry with its value masked."""
    return (
        key["id"],
        key.get("name", MISSING),
        str(key.get("enabled", False)).lower(),
        mask(key.get("value")),
    )


def throttle_text(throttle: Mapping[str, Any] | None) -> str:
    """A usage plan's throttle as `N req/s, burst M`."""
    if not throttle:
        return MISSING
    rate = throttle.get("rateLimit")
    rate_text = f"{rate:g} req/s" if isinstance(rate, int | float) else "no rate"
    return f"{rate_text}, burst {throttle['burstLimit']}" if "burstLimit" in throttle else rate_text


def quota_text(quota: Mapping[str, Any] | None) -> str:
    """A usage plan's quota as `N/PERIOD`."""
    if not quota or "limit" not in quota:
        return MISSING
    return f"{quota['limit']}/{quota.get('period', '?')}"


def usage_plan_row(plan: Mapping[str, Any], key_count: int) -> Row:
    """A GetUsagePlans entry: name, `api/stage` list, throttle, quota, number of keys."""
    stages = ", ".join(f"{stage['apiId']}/{stage['stage']}" for stage in plan.get("apiStages", []))
    return (
        plan.get("name", plan["id"]),
        stages or MISSING,
        throttle_text(plan.get("throttle")),
        quota_text(plan.get("quota")),
        str(key_count),
    )


def api_sections(apigateway: "APIGatewayClient") -> list[Section]:
    """REST APIs with their stages, API keys (masked) and usage plans."""
    api_rows: list[Row] = []
    for page in apigateway.get_paginator("get_rest_apis").paginate():
        for api in page.get("items", []):
            stages = apigateway.get_stages(restApiId=api["id"]).get("item", [])
            api_rows.extend(stage_rows(api, stages))
    key_rows = [
        api_key_row(key)
        for page in apigateway.get_paginator("get_api_keys").paginate(includeValues=True)
        for key in page.get("items", [])
    ]
    plan_rows: list[Row] = []
    for plans_page in apigateway.get_paginator("get_usage_plans").paginate():
        for plan in plans_page.get("items", []):
            keys = apigateway.get_paginator("get_usage_plan_keys").paginate(usagePlanId=plan["id"])
            plan_rows.append(usage_plan_row(plan, sum(len(keys_page.get("items", [])) for keys_page in keys)))
    return [
        Section(
            "REST APIs and stages",
            ("api id", "name", "stage", "deployment", "created (UTC)"),
            api_rows,
            whole=frozenset({"api id"}),
        ),
        Section("API keys", ("key id", "name", "enabled", "value"), key_rows, whole=frozenset({"key id"})),
        Section("usage plans", ("plan", "stages", "throttle", "quota", "keys"), plan_rows),
    ]


# --- output -------------------------------------------------------------------------------------


def render(section: Section) -> Table:
    """A rich table; its caption says what the limit left out."""
    captions = [section.note] if section.note else []
    if section.more > 0:
        captions.append(f"{len(section.rows)} shown, {section.more} more (raise --limit)")
    elif not section.rows:
        captions.append("none")
    table = Table(
        title=section.title,
        title_justify="left",
        caption=" · ".join(captions) or None,
        caption_justify="left",
        min_width=len(section.title),
    )
    for index, column in enumerate(section.columns):
        if column in section.whole:
            widest = max((len(row[index]) for row in section.rows), default=0)
            table.add_column(column, no_wrap=True, min_width=max(widest, len(column)))
        else:
            table.add_column(column, overflow="fold")
    for row in section.rows:
        table.add_row(*row)
    return table


def build(name: str, args: argparse.Namespace) -> Iterator[Section]:
    """The sections one selector shows, each fetched only when the previous one is printed."""
    if name == "buckets":
        yield bucket_section(boto3.client("s3"))
    elif name == "objects":
        if args.bucket:
            yield object_section(boto3.client("s3"), args.bucket, args.limit)
        else:
            yield Section("objects", ("key",), note="no bucket deployed: pass --bucket NAME")
    elif name == "tables":
        yield table_section(boto3.client("dynamodb"))
    elif name == "items":
        if args.table:
            yield item_section(boto3.client("dynamodb"), args.table, args.limit)
        else:
            yield Section("items", ("item",), note="no table deployed: pass --table NAME")
    elif name == "functions":
        yield function_section(boto3.client("lambda"))
    else:
        yield from api_sections(boto3.client("apigateway"))


def section_name(text: str) -> str:
    if text not in (*SECTIONS, "all"):
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(SECTIONS)}, all")
    return text


def positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="nox -s inspect --", description="Buckets, tables, functions and APIs on the endpoint."
    )
    parser.add_argument(
        "sections",
        nargs="*",
        type=section_name,
        metavar="SECTION",
        help=f"what to show, one or more of: {', '.join(SECTIONS)}, or all (the default)",
    )
    parser.add_argument("--bucket", help="bucket whose objects to list (default: the deployed one)")
    parser.add_argument("--table", help="table whose items to scan (default: the deployed one)")
    parser.add_argument(
        "--limit",
        type=positive,
        default=DEFAULT_LIMIT,
        help=f"rows of objects and items (default {DEFAULT_LIMIT})",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = SECTIONS if not args.sections or "all" in args.sections else tuple(dict.fromkeys(args.sections))
    # Piped into a file or a pager, tables take the width they need instead of 80 columns.
    console = Console(width=None if sys.stdout.isatty() or "COLUMNS" in os.environ else 250)
    failed = False
    for name in chosen:
        try:
            for section in build(name, args):
                console.print(render(section))
                console.print()
        except (ClientError, BotoCoreError) as err:
            console.print(Text(f"{name}: {err}", style="bold red"))
            console.print()
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
