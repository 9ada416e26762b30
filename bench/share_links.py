"""A share-link GET (GET /v1/shared/{token}, no API key) beside its floor.

Floor = the no-op function behind the same gateway on a keyless route (`/public`), answering as
many bytes (the same base64 path), plus the S3 read of the image's bytes made directly: what the
route cannot avoid. The rest is the link's own work: decoding and verifying the token, the
image's record, the signing key (cached by each function instance). Same sizes and concurrency
levels as the get rows (bench/api_paths.py)."""

from collections.abc import Callable
from typing import Any

from bench.api_paths import UPLOAD_TARGET, Floor, check, clients, load_figure, size_label, uploaded
from bench.figures import Figure
from bench.noop_gateway import NoopGateway
from bench.plan import SIZES, Plan
from bench.progress import Progress
from bench.target import Target
from bench.timing import Load, run_load
from devtools.function_profile import noise_png

SECTION = "Share links (GET /v1/shared/{token}, no API key)"
LINK_SECONDS = 3600  # outlives any run


def make_links(target: Target, images: list[dict[str, Any]]) -> list[str]:
    """A share link to each image's original, made with the API key as an owner makes one."""
    urls = []
    for image in images:
        response = target.http.post(
            f"{target.base_url}/v1/images/{image['image_id']}/links",
            json={"expires_in": LINK_SECONDS},
            headers=target.headers(),
            timeout=60,
        )
        response.raise_for_status()
        urls.append(str(response.json()["url"]))
    return urls


def _get_links(target: Target, urls: list[str], sizes: list[int]) -> Callable[[int], None]:
    # No x-api-key: the route is keyless. An Accept header, as a browser's <img> sends one.
    headers = {"accept": "image/*"}

    def get(index: int) -> None:
        response = target.http.get(urls[index % len(urls)], headers=headers, timeout=60)
        response.raise_for_status()
        check(
            len(response.content) == sizes[index % len(sizes)], "the shared image came back with another size"
        )

    return get


def _keyed_gets(target: Target, ids: list[str]) -> Callable[[int], None]:
    """GET /v1/images/{id} of the same images with the API key: the keyed route's own cost."""

    def get(index: int) -> None:
        response = target.http.get(
            f"{target.base_url}/v1/images/{ids[index % len(ids)]}",
            headers=target.headers({"accept": "image/*"}),
            timeout=60,
        )
        response.raise_for_status()

    return get


def _public_noop(target: Target, noop: NoopGateway, size: int) -> Callable[[int], None]:
    params = {"bytes": str(size)}

    def call(_index: int) -> None:
        response = target.http.get(noop.public_url, params=params, headers={"accept": "image/*"}, timeout=60)
        response.raise_for_status()

    return call


def _s3_read(target: Target, ids: list[str]) -> Callable[[int], None]:
    s3, bucket = target.s3(), str(target.bucket)

    def read(index: int) -> None:
        s3.get_object(Bucket=bucket, Key=f"images/{ids[index % len(ids)]}")["Body"].read()

    return read


def share_link_path(target: Target, noop: NoopGateway | None, plan: Plan, progress: Progress) -> list[Figure]:
    figures = []
    floored = noop is not None and bool(noop.public_url) and target.direct
    for size in SIZES:
        with uploaded(target, "bench-shared", [noise_png(size, seed=index) for index in range(4)]) as images:
            urls = make_links(target, images)
            sizes = [int(image["size"]) for image in images]
            ids = [str(image["image_id"]) for image in images]
            for concurrency in plan.concurrency:
                count = plan.requests[size][concurrency]
                tick = progress.step(
                    f"share link {size_label(size)} x{concurrency}", count * plan.runs * (3 if floored else 1)
                )
                api_runs: list[Load] = []
                floor = Floor([], "no-op via gateway, no key + S3 get")
                for _ in range(plan.runs):
                    shared = _get_links(target, urls, sizes)
                    api_runs.append(run_load(shared, requests=count, concurrency=concurrency, tick=tick))
                    if floored and noop is not None:
                        gateway = run_load(
                            _public_noop(target, noop, sizes[0]),
                            requests=count,
                            concurrency=concurrency,
                            tick=tick,
                        )
                        read = run_load(
                            _s3_read(target, ids), requests=count, concurrency=concurrency, tick=tick
                        )
                        floor.runs.append(gateway.p50 + read.p50)
                figures.append(
                    load_figure(
                        SECTION,
                        f"original, {size_label(size)}, {clients(concurrency)}, p50",
                        api_runs,
                        floor if floored else None,
                        target=UPLOAD_TARGET if concurrency == 1 else None,
                    )
                )
            # What a link adds to the keyed GET of the same bytes (which reads the image's record
            # too): the token's check and the signing-key state's read.
            count = plan.requests[size][1]
            tick = progress.step(f"share link vs keyed get {size_label(size)}", count * plan.runs * 2)
            shared_runs, keyed_runs = [], []
            for _ in range(plan.runs):
                shared_runs.append(
                    run_load(_get_links(target, urls, sizes), requests=count, concurrency=1, tick=tick)
                )
                keyed_runs.append(
                    run_load(_keyed_gets(target, ids), requests=count, concurrency=1, tick=tick)
                )
            figures.append(
                load_figure(
                    SECTION,
                    f"original, {size_label(size)}, 1 client, beside the keyed GET, p50",
                    shared_runs,
                    Floor([load.p50 for load in keyed_runs], "GET /v1/images/{id} with the key, same images"),
                )
            )
    return figures
