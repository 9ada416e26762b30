"""Upload, get, list and variant requests through the API, each beside its floor.

Floor of a request through the API = the no-op function behind the same gateway with the same
payload (what any request pays: HTTP, the gateway, a Lambda invocation, the bytes in transit)
plus the storage calls the handler cannot avoid, made directly from this process. Both are
measured in the same run, at the same concurrency. The handler's own time is measured in-process
against the same direct calls (bench/in_process.py)."""

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.api_helpers import (
    UPLOAD_TARGET,
    DirectStorage,
    Floor,
    check,
    clients,
    load_figure,
    noop_call,
    record_item,
    repeated,
    round_robin,
    size_label,
    uploaded,
)
from bench.figures import Figure
from bench.function_profile import noise_png
from bench.noop_gateway import NoopGateway
from bench.plan import SIZES, Plan
from bench.progress import Progress
from bench.target import Target, upload_body
from bench.timing import Load, run_load
from tests.fixtures.images import photo

LIST_TARGET = 1.2  # a page for the largest user within 1.2x of the smallest
PAGE = 50  # the default page size (contract.DEFAULT_PAGE_SIZE)


def _post_images(target: Target, body: bytes, created: list[str]) -> Callable[[int], None]:
    def post(_index: int) -> None:
        response = target.http.post(
            f"{target.base_url}/v1/images",
            data=body,
            headers=target.headers({"content-type": "application/json"}),
            timeout=60,
        )
        response.raise_for_status()
        created.append(response.json()["image_id"])

    return post


def upload_path(target: Target, noop: NoopGateway | None, plan: Plan, progress: Progress) -> list[Figure]:
    figures = []
    direct = DirectStorage(target) if target.direct else None
    for size in SIZES:
        data = noise_png(size)
        body = upload_body("bench-upload", data, "bench.png")
        for concurrency in plan.concurrency:
            count = plan.requests[size][concurrency]
            floored = noop is not None and direct is not None
            tick = progress.step(
                f"upload {size_label(size)} x{concurrency}", count * plan.runs * (3 if floored else 1)
            )
            api_runs: list[Load] = []
            floor = Floor([], "no-op via gateway + S3 put + DynamoDB put")
            for _ in range(plan.runs):
                created: list[str] = []
                api_runs.append(
                    run_load(
                        _post_images(target, body, created),
                        requests=count,
                        concurrency=concurrency,
                        tick=tick,
                    )
                )
                for image_id in created:
                    target.delete(image_id)
                if noop is not None and direct is not None:
                    gateway = run_load(
                        noop_call(target, noop, body=body), requests=count, concurrency=concurrency, tick=tick
                    )
                    work = run_load(
                        repeated(direct.put, data),
                        requests=count,
                        concurrency=concurrency,
                        tick=tick,
                    )
                    direct.clean()
                    floor.runs.append(gateway.p50 + work.p50)
            figures.append(
                load_figure(
                    "Upload path (POST /v1/images)",
                    f"{size_label(size)}, {clients(concurrency)}, p50",
                    api_runs,
                    floor,
                    target=UPLOAD_TARGET if concurrency == 1 else None,
                )
            )
    return figures


def _get_images(
    target: Target, images: list[dict[str, Any]], params: dict[str, str] | None
) -> Callable[[int], None]:
    def get(index: int) -> None:
        image = images[index % len(images)]
        response = target.http.get(
            f"{target.base_url}/v1/images/{image['image_id']}",
            params=params,
            headers=target.headers(),
            timeout=60,
        )
        response.raise_for_status()
        check(len(response.content) == image["size"], "the image came back with another size")

    return get


def get_path(target: Target, noop: NoopGateway | None, plan: Plan, progress: Progress) -> list[Figure]:
    figures = []
    direct = DirectStorage(target) if target.direct else None
    for size in SIZES:
        with uploaded(target, "bench-get", [noise_png(size, seed=index) for index in range(4)]) as images:
            for params in (None, {"metadata": "true"}):
                what = "with metadata" if params else "inline"
                for concurrency in plan.concurrency:
                    count = plan.requests[size][concurrency]
                    floored = noop is not None and direct is not None
                    tick = progress.step(
                        f"get {what} {size_label(size)} x{concurrency}",
                        count * plan.runs * (3 if floored else 1),
                    )
                    api_runs: list[Load] = []
                    floor = Floor([], "no-op via gateway + DynamoDB get + S3 get")
                    for _ in range(plan.runs):
                        get = _get_images(target, images, params)
                        api_runs.append(run_load(get, requests=count, concurrency=concurrency, tick=tick))
                        if noop is not None and direct is not None:
                            answer = noop_call(target, noop, size=images[0]["size"])
                            gateway = run_load(answer, requests=count, concurrency=concurrency, tick=tick)
                            ids = [image["image_id"] for image in images]
                            work = run_load(
                                round_robin(direct.get, ids),
                                requests=count,
                                concurrency=concurrency,
                                tick=tick,
                            )
                            floor.runs.append(gateway.p50 + work.p50)
                    figures.append(
                        load_figure(
                            "Get path (GET /v1/images/{id})",
                            f"{what}, {size_label(size)}, {clients(concurrency)}, p50",
                            api_runs,
                            floor,
                            target=UPLOAD_TARGET if concurrency == 1 else None,
                        )
                    )
    return figures


def _tenant_id(target: Target) -> str:
    """The tenant (API key id) the gateway gives this key: read off one image's item."""
    image = target.upload("bench-probe", noise_png(100))
    try:
        item = target.dynamodb().get_item(
            TableName=str(target.table), Key={"image_id": {"S": image["image_id"]}}
        )
        return str(item["Item"]["tenant_id"]["S"])
    finally:
        target.delete(image["image_id"])


def _batch_write(dynamodb: Any, table: str, requests: list[dict[str, Any]], tick: Callable[[], None]) -> None:
    """BatchWriteItem in batches of 25, 4 at a time, retrying what comes back unprocessed."""

    def write(batch: list[dict[str, Any]]) -> None:
        unprocessed: Any = {table: batch}
        while unprocessed:
            unprocessed = dynamodb.batch_write_item(RequestItems=unprocessed).get("UnprocessedItems")
        for _ in batch:
            tick()

    batches = [requests[offset : offset + 25] for offset in range(0, len(requests), 25)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, batches))


def _seed_items(target: Target, owner: tuple[str, str], count: int, tick: Callable[[], None]) -> list[str]:
    """`count` metadata items of one (tenant, user), written straight to the table (a listing
    reads only the table; seeding 10,000 images through the API would take the whole time
    budget). Creation times are a second apart, as real uploads' would be."""
    tenant_id, user_id = owner
    start = datetime(2026, 1, 1, tzinfo=UTC)
    items = [
        record_item(
            str(uuid.uuid4()),
            size=100,
            tenant_id=tenant_id,
            user_id=user_id,
            now=start + timedelta(seconds=index),
        )
        for index in range(count)
    ]
    _batch_write(
        target.dynamodb(), str(target.table), [{"PutRequest": {"Item": item}} for item in items], tick
    )
    return [item["image_id"]["S"] for item in items]


def _delete_items(target: Target, ids: list[str]) -> None:
    requests = [{"DeleteRequest": {"Key": {"image_id": {"S": image_id}}}} for image_id in ids]
    _batch_write(target.dynamodb(), str(target.table), requests, lambda: None)


def _first_page(target: Target, user_id: str, expected: int) -> Callable[[int], None]:
    def page(_index: int) -> None:
        response = target.http.get(
            f"{target.base_url}/v1/images", params={"user_id": user_id}, headers=target.headers(), timeout=60
        )
        response.raise_for_status()
        check(response.json()["count"] == expected, "the page holds another number of images")

    return page


def _query(target: Target, owner: str) -> Callable[[int], None]:
    """The handler's Query (functions/image_service/storage/image_catalog.py), made directly."""
    dynamodb = target.dynamodb()

    def query(_index: int) -> None:
        dynamodb.query(
            TableName=str(target.table),
            IndexName="by_owner",
            KeyConditionExpression="#owner = :owner",
            ExpressionAttributeNames={"#owner": "owner"},
            ExpressionAttributeValues={":owner": {"S": owner}},
            ScanIndexForward=False,
            Limit=PAGE + 1,
        )

    return query


def list_path(target: Target, noop: NoopGateway | None, plan: Plan, progress: Progress) -> list[Figure]:
    """A first page (the default 50) for users of 10, 1,000 and 10,000 images. The handler makes
    one Query with a Limit, whose cost on DynamoDB follows the page, not the user's total; the
    same Query made directly shows what the emulator's own Query costs at each size."""
    if not target.direct or noop is None:
        return []
    tenant_id = _tenant_id(target)
    seeded: list[str] = []
    pages: dict[int, list[Load]] = {}
    queries: dict[int, list[Load]] = {}
    floors: dict[int, Floor] = {}
    try:
        for count in plan.list_sizes:
            user_id = f"bench-list-{count}-{uuid.uuid4().hex[:8]}"
            seeded += _seed_items(
                target, (tenant_id, user_id), count, progress.step(f"seed {count:,} items", count)
            )
            tick = progress.step(f"list, user of {count:,}", plan.list_requests * plan.runs * 3)
            page = _first_page(target, user_id, min(count, PAGE))
            query = _query(target, f"{tenant_id}#{user_id}")
            gateway = noop_call(target, noop)
            pages[count], queries[count] = [], []
            floors[count] = Floor([], "no-op via gateway + the same Query, direct")
            for _ in range(plan.runs):
                pages[count].append(run_load(page, requests=plan.list_requests, concurrency=1, tick=tick))
                queries[count].append(run_load(query, requests=plan.list_requests, concurrency=1, tick=tick))
                noop_load = run_load(gateway, requests=plan.list_requests, concurrency=1, tick=tick)
                floors[count].runs.append(noop_load.p50 + queries[count][-1].p50)
    finally:
        _delete_items(target, seeded)
    smallest, largest = min(pages), max(pages)
    section = "List path (GET /v1/images, first page of 50)"
    figures = [
        load_figure(section, f"user with {count:,} images, p50", loads, floors[count])
        for count, loads in pages.items()
    ]
    growth = Floor([load.p50 for load in pages[smallest]], f"user with {smallest:,} images")
    figures.append(
        load_figure(
            section,
            f"page at {largest:,} images vs {smallest:,}, p50",
            pages[largest],
            growth,
            target=LIST_TARGET,
        )
    )
    emulator = Floor([load.p50 for load in queries[smallest]], f"Query at {smallest:,} items")
    figures.append(
        load_figure(
            section, f"the emulator's Query (Limit 51) at {largest:,} items, p50", queries[largest], emulator
        )
    )
    return figures


def _variant(target: Target, url: str, widths: list[int]) -> Callable[[int], None]:
    def fetch(index: int) -> None:
        response = target.http.get(
            url, params={"width": str(widths[index % len(widths)])}, headers=target.headers(), timeout=60
        )
        response.raise_for_status()

    return fetch


def variant_path(target: Target, plan: Plan, progress: Progress) -> list[Figure]:
    """A resized variant: made on the first request (read, resize, store), served from S3 after."""
    tick = progress.step("variants", plan.variant_requests * plan.runs * 2)
    first_runs, cached_runs = [], []
    with uploaded(target, "bench-variant", [photo("JPEG", (1600, 1200))]) as [image]:
        url = f"{target.base_url}/v1/images/{image['image_id']}"
        for run in range(plan.runs):
            # Widths never asked for before (warm-up calls included), then one of them again and again.
            base = 320 + run * 2 * plan.variant_requests
            fresh = list(range(base, base + 2 * plan.variant_requests))
            first_runs.append(
                run_load(
                    _variant(target, url, fresh), requests=plan.variant_requests, concurrency=1, tick=tick
                )
            )
            cached_runs.append(
                run_load(
                    _variant(target, url, fresh[:1]), requests=plan.variant_requests, concurrency=1, tick=tick
                )
            )
    section = "Resized variants (GET ?width=, from a 1600x1200 JPEG)"
    return [
        load_figure(section, "cached request (served from S3), p50", cached_runs),
        load_figure(
            section,
            "first request (read, resize, store), p50",
            first_runs,
            Floor([load.p50 for load in cached_runs], "cached request"),
        ),
    ]
