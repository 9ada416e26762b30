"""The handlers' own time: upload_image and get_image called in this process (no gateway, no
Lambda runtime) against the emulator's S3 and DynamoDB, beside the same storage calls made
directly. What is left is the handler's overhead: parsing, validation, hashing, encoding, logging."""

import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.api_helpers import UPLOAD_TARGET, DirectStorage, check, repeated, round_robin, size_label
from bench.figures import Figure
from bench.function_profile import noise_png
from bench.plan import SIZES, Plan
from bench.progress import Progress
from bench.target import Target, upload_body
from bench.timing import Load, Spread, run_load
from tests.fixtures.api_events import LambdaContext, api_event
from tests.fixtures.images import photo

ROOT = Path(__file__).resolve().parent.parent
TENANT = "bench-in-process"
_CONTEXT = LambdaContext()


@contextmanager
def _handlers(target: Target, uploads_table: str) -> Iterator[tuple[ModuleType, ModuleType]]:
    """The two handler modules, configured as Terraform configures the functions. Their logs go
    to /dev/null (the Logger keeps the stream it was created with), written all the same."""
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": str(target.endpoint),
            "IMAGES_BUCKET": str(target.bucket),
            "IMAGES_TABLE": str(target.table),
            "UPLOADS_TABLE": uploads_table,
            "POWERTOOLS_SERVICE_NAME": "image-service-bench",
        }
    )
    functions = str(ROOT / "functions")
    if functions not in sys.path:
        sys.path.insert(0, functions)
    with Path(os.devnull).open("w") as sink, redirect_stdout(sink):
        from image_service.handlers import get_image, upload_image  # noqa: PLC0415

        yield upload_image, get_image


def _upload(handler: ModuleType, event: dict[str, Any], created: list[str]) -> Callable[[int], None]:
    def upload(_index: int) -> None:
        response = handler.lambda_handler(event, _CONTEXT)
        check(response["statusCode"] == 201, f"upload answered {response['statusCode']}: {response['body']}")
        created.append(json.loads(response["body"])["image_id"])

    return upload


def _remove_last(store: Callable[[], Any], image_ids: list[str]) -> None:
    """Remove the last of `image_ids` through the image store, as a delete does."""
    store().remove(image_ids.pop(), TENANT)


def _get(handler: ModuleType, image_ids: list[str]) -> Callable[[int], None]:
    events = [
        api_event(
            "GET",
            f"/v1/images/{image_id}",
            resource="/v1/images/{image_id}",
            path_parameters={"image_id": image_id},
            api_key_id=TENANT,
        )
        for image_id in image_ids
    ]

    def get(index: int) -> None:
        response = handler.lambda_handler(events[index % len(events)], _CONTEXT)
        check(response["statusCode"] == 200, f"get answered {response['statusCode']}")

    return get


class CallCounter:
    """The AWS calls the handlers' clients make (botocore's before-call event), by service and
    operation: the request counts that price a request (docs/capacity.md)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        from image_service.storage import clients  # noqa: PLC0415

        for client in (clients.s3(), clients.dynamodb()):
            client.meta.events.register("before-call", self._count)

    def _count(self, model: Any, **_kwargs: Any) -> None:
        self.calls[f"{model.service_model.service_id} {model.name}"] += 1

    def during(self, call: Callable[[], Any]) -> str:
        """What one call of `call` asked of AWS, e.g. 'S3 PutObject 1, DynamoDB PutItem 1'."""
        self.calls.clear()
        call()
        return ", ".join(f"{name} {count}" for name, count in self.calls.items())


def _p50s(loads: list[Load]) -> Spread:
    return Spread([load.p50 for load in loads])


def handlers_in_process(target: Target, uploads_table: str, plan: Plan, progress: Progress) -> list[Figure]:
    if not target.direct:
        return []
    direct = DirectStorage(target)
    figures = []
    with _handlers(target, uploads_table) as (upload_image, get_image):
        from image_service.storage.image_store import get_image_store  # noqa: PLC0415

        counter = CallCounter()
        for size in SIZES:
            data = noise_png(size)
            body = upload_body("bench-in-process", data, "bench.png")
            event = api_event("POST", "/v1/images", resource="/v1/images", body=body, api_key_id=TENANT)
            count = plan.requests[size][1]
            tick = progress.step(f"in-process {size_label(size)}", count * plan.runs * 4)
            uploads, gets, puts, reads = [], [], [], []
            for _ in range(plan.runs):
                created: list[str] = []
                uploads.append(
                    run_load(_upload(upload_image, event, created), requests=count, concurrency=1, tick=tick)
                )
                puts.append(run_load(repeated(direct.put, data), requests=count, concurrency=1, tick=tick))
                direct.clean()
                gets.append(run_load(_get(get_image, created), requests=count, concurrency=1, tick=tick))
                reads.append(
                    run_load(
                        round_robin(direct.get, created),
                        requests=count,
                        concurrency=1,
                        tick=tick,
                    )
                )
                upload_calls = counter.during(partial(_upload(upload_image, event, created), 0))
                get_calls = counter.during(partial(_get(get_image, created), 0))
                delete_calls = counter.during(partial(_remove_last, get_image_store, created))
                for image_id in created:
                    get_image_store().remove(image_id, TENANT)
            section = "Handlers in-process (no gateway)"
            figures += [
                Figure(
                    section,
                    f"upload_image {size_label(size)}, p50",
                    "ms",
                    _p50s(uploads),
                    _p50s(puts),
                    "S3 put + DynamoDB put",
                    UPLOAD_TARGET,
                    detail=f"AWS calls: {upload_calls}",
                ),
                Figure(
                    section,
                    f"get_image {size_label(size)}, p50",
                    "ms",
                    _p50s(gets),
                    _p50s(reads),
                    "DynamoDB get + S3 get",
                    UPLOAD_TARGET,
                    detail=f"AWS calls: {get_calls}; a delete: {delete_calls}",
                ),
            ]
        figures += _verification(upload_image, direct, plan, progress)
    return figures


# The upload's verification (image_verification.detect_content_type: layout, cost, decode at 1/8) of a
# 4 MiB photo may add this much to the in-process upload of it (issue 12).
VERIFICATION_TARGET = 1.25
_PHOTO_SIZE = (4250, 3190)  # a photo-like JPEG (quality 90) just under 4 MiB


def _verification(
    upload_image: ModuleType, direct: DirectStorage, plan: Plan, progress: Progress
) -> list[Figure]:
    """A 4 MiB photo uploaded in-process, beside the same upload less its verification (the
    verification timed alone, on the same bytes) and beside the storage calls made directly."""
    import time  # noqa: PLC0415

    from image_service import contract  # noqa: PLC0415
    from image_service.image_verification import detect_content_type  # noqa: PLC0415

    data = photo("JPEG", _PHOTO_SIZE)
    check(len(data) <= contract.MAX_IMAGE_BYTES, f"the photo is {len(data)} bytes, over the inline limit")
    body = upload_body("bench-in-process", data, "photo.jpg")
    event = api_event("POST", "/v1/images", resource="/v1/images", body=body, api_key_id=TENANT)
    count = plan.requests[max(SIZES)][1]
    tick = progress.step("in-process 4 MiB photo", count * plan.runs * 3)

    def verify(_index: int) -> None:
        detect_content_type(data)

    uploads, verifications, puts = [], [], []
    for _ in range(plan.runs):
        created: list[str] = []
        uploads.append(
            run_load(_upload(upload_image, event, created), requests=count, concurrency=1, tick=tick)
        )
        verifications.append(run_load(verify, requests=count, concurrency=1, tick=tick))
        puts.append(run_load(lambda _i: direct.put(data), requests=count, concurrency=1, tick=tick))
        direct.clean()
        from image_service.storage.image_store import get_image_store  # noqa: PLC0415

        for image_id in created:
            get_image_store().remove(image_id, TENANT)
    upload, verification = _p50s(uploads), _p50s(verifications)
    without = Spread([u - v for u, v in zip(upload.values, verification.values, strict=True)])
    started = time.perf_counter()
    detect_content_type(data)
    section = "Upload verification (4 MiB JPEG photo, in-process)"
    return [
        Figure(
            section,
            f"upload_image, {len(data) / 1e6:.2f} MB photo {_PHOTO_SIZE[0]}x{_PHOTO_SIZE[1]}, p50",
            "ms",
            upload,
            without,
            "the same upload less its verification",
            VERIFICATION_TARGET,
            detail=(
                f"verification alone p50 {verification.median:.1f} ms (layout, cost, JPEG decoded at 1/8); "
                f"S3 put + DynamoDB put direct p50 {_p50s(puts).median:.1f} ms"
            ),
            extra={"verification_ms": verification.values, "storage_floor_ms": _p50s(puts).values},
        ),
        Figure(
            section,
            "the upload beside its storage floor, p50",
            "ms",
            upload,
            _p50s(puts),
            "S3 put + DynamoDB put",
            UPLOAD_TARGET,
            detail=f"one more verification, timed alone: {(time.perf_counter() - started) * 1000:.1f} ms",
        ),
    ]
