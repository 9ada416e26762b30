"""Share links (GET /v1/shared/{token}, no API key) measured two ways.

Through the gateway (`share_link_path`): a share-link GET beside its floor, the no-op function
behind the same gateway on a keyless route (`/public`), answering as many bytes (the same base64
path), plus the S3 read of the image's bytes made directly: what the route cannot avoid. The rest
is the link's own work: decoding and verifying the token, the image's record, the signing-key
state (the key material is cached by each function instance). Same sizes and concurrency levels as
the get rows (bench/api_paths.py), and beside the keyed GET of the same images.

In-process (`signature_check`): what the keyless route spends on a token before any AWS call
(parse it strictly, recompute its HMAC-SHA256, compare in constant time), beside the bare
HMAC-SHA256 of the same bytes, measured in this process."""

import hashlib
import hmac
import secrets
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.api_helpers import UPLOAD_TARGET, Floor, check, clients, load_figure, size_label, uploaded
from bench.figures import Figure
from bench.function_profile import noise_png
from bench.noop_gateway import NoopGateway
from bench.plan import SIZES, Plan
from bench.progress import Progress
from bench.target import Target
from bench.timing import Load, Spread, run_load

SECTION = "Share links (GET /v1/shared/{token}, no API key)"
LINK_SECONDS = 3600  # outlives any run
ROOT = Path(__file__).resolve().parent.parent
# Calls per timed run: enough that a run lasts tens of milliseconds, well above the timer's grain.
_CALLS = 20_000


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


def _per_call_us(call: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls * 1e6


def signature_check(plan: Plan, progress: Progress) -> list[Figure]:
    """The token check of GET /v1/shared/{token} (link_tokens.parse + verify), per token."""
    functions = str(ROOT / "functions")
    if functions not in sys.path:
        sys.path.insert(0, functions)
    from image_service import link_tokens  # noqa: PLC0415

    key, tenant = secrets.token_bytes(link_tokens.KEY_BYTES), "bench0tenant"
    claims = link_tokens.LinkClaims(
        image_id=str(uuid.uuid4()), preset="thumb", expires_at=2_000_000_000, key_version=1, generation=0
    )
    token = link_tokens.encode(claims, tenant_id=tenant, key=key)
    parsed = link_tokens.parse(token)
    message = parsed.signed

    def check() -> None:
        if not link_tokens.verify(link_tokens.parse(token), tenant_id=tenant, key=key):
            raise RuntimeError("the benchmark's own token did not verify")

    def bare_mac() -> None:
        hmac.new(key, message, hashlib.sha256).digest()

    tick = progress.step("share-link signature check", plan.runs * 2)
    checks, macs = [], []
    for _ in range(plan.runs):
        checks.append(_per_call_us(check, _CALLS))
        tick()
        macs.append(_per_call_us(bare_mac, _CALLS))
        tick()
    return [
        Figure(
            "Share links in-process",
            "signature check per token (parse, HMAC-SHA256, compare_digest)",
            "µs",
            Spread(checks),
            Spread(macs),
            "HMAC-SHA256 of the same bytes alone",
            detail=f"token {len(token)} characters; {_CALLS:,} calls per run",
        )
    ]
