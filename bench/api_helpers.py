"""What the API benchmarks share (bench/api_paths.py, bench/in_process.py): the parts of a floor
(the storage calls a handler cannot avoid, made directly; a request to the no-op route), a row of
load figures, images uploaded for the length of a block, and labels."""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bench.figures import Figure
from bench.noop_gateway import NoopGateway
from bench.plan import KB, MB
from bench.target import Target
from bench.timing import Load, Spread
from image_service.image_verification import Inspection
from image_service.models import ImageDescription
from image_service.records import build_record
from image_service.storage.dynamo_items import to_dynamo

UPLOAD_TARGET = 1.3  # warm upload and get: within 1.3x of the floor at p50


class BenchError(RuntimeError):
    """The service answered something other than what the benchmark asked for."""


def check(condition: bool, message: str) -> None:  # noqa: FBT001
    if not condition:
        raise BenchError(message)


def size_label(size: int) -> str:
    return f"{size // MB} MB" if size >= MB else f"{size // KB} KB"


def clients(concurrency: int) -> str:
    return f"{concurrency} client{'s' if concurrency > 1 else ''}"


@dataclass(frozen=True)
class Floor:
    """The floor of a row: its p50 in each run, and what it is made of."""

    runs: list[float]
    name: str


def load_figure(
    section: str, name: str, api: list[Load], floor: Floor | None = None, *, target: float | None = None
) -> Figure:
    """A row of p50s over runs, with p95, p99 and throughput beside it."""
    p95 = Spread([load.p95 for load in api])
    p99 = Spread([load.p99 for load in api])
    throughput = Spread([load.throughput for load in api])
    return Figure(
        section=section,
        name=name,
        unit="ms",
        value=Spread([load.p50 for load in api]),
        floor=None if floor is None or not floor.runs else Spread(floor.runs),
        floor_name="" if floor is None else floor.name,
        target=target,
        detail=f"p95 {p95.median:.1f}, p99 {p99.median:.1f} ms; {throughput.median:.0f} req/s",
        extra={"p95": p95.as_dict(), "p99": p99.as_dict(), "throughput_rps": throughput.as_dict()},
    )


def record_item(image_id: str, *, size: int, tenant_id: str, user_id: str, now: datetime) -> dict[str, Any]:
    """A metadata item exactly as the service writes one (records.build_record, then the same
    DynamoDB serialization): the list handler validates what it reads."""
    record = build_record(
        ImageDescription(user_id=user_id, image_name="bench.png"),
        image_id=image_id,
        tenant_id=tenant_id,
        shown=Inspection("image/png", 2, 2, "L00000fQfQfQfQfQfQfQfQfQfQfQ"),
        size=size,
        sha256="0" * 64,
        now=now,
    )
    return to_dynamo(record.to_item())


class DirectStorage:
    """The storage calls a handler cannot avoid, made directly; cleans up what it wrote."""

    def __init__(self, target: Target) -> None:
        check(target.bucket is not None and target.table is not None, "direct storage needs the emulator")
        self._bucket, self._table = str(target.bucket), str(target.table)
        self._s3, self._dynamodb = target.s3(), target.dynamodb()
        self._written: list[tuple[str, str | None]] = []
        self._items: list[str] = []

    def put(self, data: bytes) -> None:
        """An upload's work: the object, then one metadata item of a record's shape."""
        image_id = f"bench-floor-{uuid.uuid4()}"
        key = f"bench-floor/{image_id}"
        response = self._s3.put_object(Bucket=self._bucket, Key=key, Body=data, ContentType="image/png")
        self._written.append((key, response.get("VersionId")))
        item = record_item(
            image_id, size=len(data), tenant_id="bench-floor", user_id="bench-floor", now=datetime.now(UTC)
        )
        self._dynamodb.put_item(TableName=self._table, Item=item)
        self._items.append(image_id)

    def get(self, image_id: str) -> None:
        """A get's work: the metadata item (the tenant check), then the object's bytes."""
        self._dynamodb.get_item(TableName=self._table, Key={"image_id": {"S": image_id}}, ConsistentRead=True)
        self._s3.get_object(Bucket=self._bucket, Key=f"images/{image_id}")["Body"].read()

    def clean(self) -> None:
        for key, version in self._written:
            if version:
                self._s3.delete_object(Bucket=self._bucket, Key=key, VersionId=version)
            else:
                self._s3.delete_object(Bucket=self._bucket, Key=key)
        for image_id in self._items:
            self._dynamodb.delete_item(TableName=self._table, Key={"image_id": {"S": image_id}})
        self._written.clear()
        self._items.clear()


@contextmanager
def uploaded(target: Target, user_id: str, images: list[bytes]) -> Iterator[list[dict[str, Any]]]:
    """Images uploaded through the API for the duration of a block, deleted after."""
    created = [target.upload(user_id, data) for data in images]
    try:
        yield created
    finally:
        for image in created:
            target.delete(image["image_id"])


def repeated(call: Callable[..., object], *args: Any) -> Callable[[int], None]:
    """A load's request that is the same call every time: `call(*args)`, whatever its index."""

    def request(_index: int) -> None:
        call(*args)

    return request


def round_robin(call: Callable[[str], object], ids: list[str]) -> Callable[[int], None]:
    """A load's request `index`: `call` on the ids in turn."""

    def request(index: int) -> None:
        call(ids[index % len(ids)])

    return request


def noop_call(
    target: Target, noop: NoopGateway, *, body: bytes | None = None, size: int = 0
) -> Callable[[int], None]:
    """One request to the no-op route: POST `body`, or GET an answer of `size` bytes."""
    params = {"bytes": str(size)} if size else None
    headers = target.headers({"content-type": "application/json"} if body is not None else None)

    def call(_index: int) -> None:
        method = "GET" if body is None else "POST"
        response = target.http.request(
            method, noop.url, data=body, params=params, headers=headers, timeout=60
        )
        response.raise_for_status()

    return call
