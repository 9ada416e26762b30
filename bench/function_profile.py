"""Measurements of the Lambda code itself, for benchmarks (they report; they never pass or fail):

- cold_start_ms: wall time from a fresh interpreter's start until a module (a handler, or `boto3`
  as the baseline the runtime pays anyway) is imported, one new process per run.
- upload_peak_memory: what one inline upload (POST /v1/images) costs in memory above the baseline of
  a warmed process, as peak RSS and as traced Python allocations.
- image_work_peak_memory: the worst cases the image cost model allows (contract.py): an image of
  the most expensive kinds at the decode budget, verified as an upload and made into the largest
  variant, with the function's whole resident set at its peak beside its memory size.

Usage: python -m bench.function_profile cold-start [--runs N] [--path DIR ...] [MODULE ...]
       python -m bench.function_profile memory [--bytes N]
       python -m bench.function_profile image-work

Standard library only at import. upload_peak_memory runs its measurement in a child of the current
interpreter, which needs the `bench` group (moto, the `lambda` group)."""

import argparse
import base64
import contextlib
import ctypes
import gc
import importlib.util
import json
import os
import pkgutil
import random
import re
import shutil
import statistics
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any, Literal

from devtools import lambda_package, paths
from devtools import runtime as runtime_info


def handler_names() -> tuple[str, ...]:
    """Every function's handler: the modules of functions/image_service/handlers/, one per
    operation (tests/tooling/test_function_profile.py checks each route of the spec has one)."""
    handlers = paths.FUNCTIONS / "image_service" / "handlers"
    return tuple(sorted(module.name for module in pkgutil.iter_modules([str(handlers)])))


HANDLERS = handler_names()
BASELINE_MODULE = "boto3"
INLINE_UPLOAD_BYTES = 4 * 1024 * 1024  # contract.MAX_IMAGE_BYTES
_IDAT_BYTES = 64 * 1024

# The child: its own sys.path only (-I -S: no site-packages, no PYTHONPATH, no user site), then one
# import, as the runtime's importlib.import_module, from argv[3] calls deeper; it prints
# CLOCK_MONOTONIC (system-wide on Linux, so comparable with the parent's) and its own CPU time,
# before and after the import.
_IMPORT_CHILD = """\
import importlib, json, sys, time
sys.path[:0] = json.loads(sys.argv[2])
def deeper(calls):
    if calls:
        return deeper(calls - 1)
    started, started_cpu = time.monotonic_ns(), time.process_time_ns()
    importlib.import_module(sys.argv[1])
    return started, time.monotonic_ns(), started_cpu, time.process_time_ns()
print(*deeper(int(sys.argv[3])))
"""


def lambda_sys_path() -> list[str]:
    """What the python3.13 runtime puts on sys.path, from this checkout: the unpacked zip
    (.build/lambda/<architecture>/staging, written by `nox -s build`; functions/ when there is none), then the
    packages the runtime provides (boto3 and its dependencies: lambda_package.RUNTIME_PROVIDED),
    linked from where this interpreter finds boto3 into .build/profile/runtime, so that no other
    package of this environment is importable or scanned (pydantic looks for plugins in every
    distribution on sys.path)."""
    staging = paths.LAMBDA_BUILD / runtime_info.DEFAULT_ARCHITECTURE / "staging"
    code = staging if (staging / "image_service").is_dir() else paths.FUNCTIONS
    spec = importlib.util.find_spec(BASELINE_MODULE)
    if spec is None or spec.origin is None:
        raise RuntimeError("boto3 is not importable here; run from a session with the `sdk` group")
    site_packages = Path(spec.origin).parent.parent
    runtime = paths.BUILD / "profile" / "runtime"
    if runtime.exists():
        shutil.rmtree(runtime)  # links into whichever environment called last
    runtime.mkdir(parents=True)
    for name in (*lambda_package.RUNTIME_PROVIDED, "python_dateutil"):
        for source in site_packages.glob(f"{name}*"):
            (runtime / source.name).symlink_to(source)
    return [str(code), str(runtime)]


def cold_start_ms(
    handler_module: str,
    sys_path: list[str],
    runs: int,
    *,
    since: Literal["process", "import"] = "process",
    clock: Literal["wall", "cpu"] = "wall",
    stack_depths: int = 1,
    python: str = sys.executable,
    warmup: int = 1,
) -> list[float]:
    """Milliseconds from a fresh process's start to `handler_module` imported, one new process per
    run (after `warmup` discarded runs, which also write any missing bytecode). The child sees only
    the standard library and `sys_path` (`python -I -S`). `since="import"` times the import
    statement alone, without the interpreter's own start. `clock="cpu"` counts the child's CPU
    time instead of wall time: steadier on a busy machine, blind to waiting on the disk. The
    baseline a handler is compared with is the same call for "boto3".

    `stack_depths=N` starts run i's import i mod N calls deeper. CPython 3.11 keeps frames in
    16 KiB chunks and frees a chunk as soon as the call that needed it returns, so a loop calling
    across a chunk boundary maps and unmaps memory on every call (cpython#142183, fixed in 3.13).
    How often an import does that depends on the depth it starts from, by tens of milliseconds,
    and the Lambda runtime imports a handler a few calls deeper than this child does; over several
    depths the median stops hinging on one of them."""
    if runs < 1 or stack_depths < 1:
        raise ValueError("runs and stack_depths must be at least 1")
    for _ in range(warmup):
        _import_once(handler_module, sys_path, depth=0, since=since, clock=clock, python=python)
    return [
        _import_once(
            handler_module, sys_path, depth=run % stack_depths, since=since, clock=clock, python=python
        )
        for run in range(runs)
    ]


def _import_once(
    module: str,
    sys_path: list[str],
    *,
    depth: int,
    since: Literal["process", "import"],
    clock: Literal["wall", "cpu"],
    python: str,
) -> float:
    spawned = time.monotonic_ns()
    result = subprocess.run(
        [python, "-I", "-S", "-c", _IMPORT_CHILD, module, json.dumps(sys_path), str(depth)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"importing {module} failed:\n{result.stderr.strip()}")
    started, done, started_cpu, done_cpu = (int(value) for value in result.stdout.split())
    if clock == "cpu":
        return (done_cpu - (0 if since == "process" else started_cpu)) / 1e6
    return (done - (spawned if since == "process" else started)) / 1e6


def cold_start_report(
    modules: list[str],
    sys_path: list[str],
    runs: int,
    *,
    since: Literal["process", "import"] = "process",
    clock: Literal["wall", "cpu"] = "wall",
    stack_depths: int = 1,
) -> dict[str, dict[str, float]]:
    """Median cold start per module and its ratio to the boto3 baseline's, measured alike (see
    cold_start_ms). The modules take turns run by run, so a machine getting busier shifts them
    all alike, and run i starts i mod `stack_depths` calls deeper for every module."""
    names = [BASELINE_MODULE, *modules]
    python = sys.executable
    for name in names:  # bytecode written, files in the page cache
        _import_once(name, sys_path, depth=0, since=since, clock=clock, python=python)
    times: dict[str, list[float]] = {name: [] for name in names}
    for run in range(runs):
        for name in names:
            depth = run % stack_depths
            times[name].append(
                _import_once(name, sys_path, depth=depth, since=since, clock=clock, python=python)
            )
    baseline = statistics.median(times[BASELINE_MODULE])
    return {
        name: {"median_ms": statistics.median(runs_ms), "ratio": statistics.median(runs_ms) / baseline}
        for name, runs_ms in times.items()
    }


def upload_peak_memory(payload_bytes: int = INLINE_UPLOAD_BYTES) -> dict[str, Any]:
    """Memory of one POST /v1/images carrying a PNG of about `payload_bytes`. In a fresh process per
    storage, the upload handler is imported and warmed with a tiny upload (lazy imports, clients,
    validators), the event is built as API Gateway delivers it (base64 JSON body, binary media
    types */*), and only then is the baseline taken. Returns `image_bytes`, `event_body_chars`, and
    per storage (bytes, and `*_multiple`s of the image size):

    - "wire": S3's PutObject is answered at the wire: botocore serializes and checksums the body and
      its bytes are read in 64 KiB pieces as a socket would, but nothing keeps them. What the
      handler and the SDK allocate themselves, as in a Lambda.
    - "moto": S3 is moto, which keeps copies of its own (`tracemalloc_retained_bytes`).

    In each: `rss_*` is the resident set (VmRSS) at the baseline and its peak (VmHWM, reset at the
    baseline) during the first such request: native allocations included. `tracemalloc_*` is the
    peak of Python allocations above the start of a second, identical request, and what it left
    allocated. Linux only (/proc/self)."""
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("AWS_")},
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "IMAGES_BUCKET": "profile-images",
        "IMAGES_TABLE": "profile-images",
        "IMAGES_BY_OWNER_INDEX": "by_owner",
        "UPLOADS_TABLE": "profile-uploads",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(paths.FUNCTIONS), str(paths.ROOT)]),
    }
    measured: dict[str, Any] = {}
    for storage in ("wire", "moto"):
        code = (
            "from bench.function_profile import _upload_memory_child; "
            f"_upload_memory_child({payload_bytes}, {storage!r})"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=paths.ROOT, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"the upload memory measurement failed:\n{result.stderr.strip()}")
        child = json.loads(result.stdout.strip().splitlines()[-1])
        measured["image_bytes"] = child.pop("image_bytes")
        measured["event_body_chars"] = child.pop("event_body_chars")
        measured[storage] = child
    return measured


def noise_png(target_bytes: int, seed: int = 0) -> bytes:
    """A valid RGB PNG of random pixels (incompressible, stored uncompressed) of at most
    `target_bytes` (and at least one row), as close to it as whole rows allow. Its image data
    comes in 64 KiB IDAT chunks, as encoders write it (Pillow: 64 KiB, libpng: 8 KiB)."""
    width = 256 if target_bytes < 1024 * 1024 else 1024
    row = 1 + 3 * width  # filter byte, then the pixels

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    def png(height: int) -> bytes:
        raw = bytearray(random.Random(seed).randbytes(row * height))  # noqa: S311 (pixels, not secrets)
        raw[::row] = bytes(height)  # filter type 0 on every row
        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        data = zlib.compress(raw, 0)
        idat = (chunk(b"IDAT", data[at : at + _IDAT_BYTES]) for at in range(0, len(data), _IDAT_BYTES))
        return b"".join((b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header), *idat, chunk(b"IEND", b"")))

    height = max(1, target_bytes // row)
    image = png(height)
    while height > 1 and len(image) > target_bytes:
        height = max(1, height - 1 - (len(image) - target_bytes) // row)
        image = png(height)
    return image


def _memory_status() -> tuple[int, int]:
    """(VmRSS, VmHWM) of this process: resident bytes now, and at their peak."""
    status = Path("/proc/self/status").read_text()

    def kilobytes(name: str) -> int:
        found = re.search(rf"^{name}:\s+(\d+) kB", status, re.MULTILINE)
        if found is None:
            raise RuntimeError(f"no {name} in /proc/self/status (Linux only)")
        return int(found[1]) * 1024

    return kilobytes("VmRSS"), kilobytes("VmHWM")


def _settle_rss() -> None:
    """Make the resident set the live memory, and its peak that, before a measured request."""
    gc.collect()
    # glibc keeps freed heap memory (here: what building the event used) resident for reuse, where
    # a request's allocations would not show in the RSS; give it back first.
    with contextlib.suppress(OSError, AttributeError):  # not glibc: the baseline may hide some reuse
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    # Linux >= 4.0: "5" resets VmHWM to the current RSS, so the next peak is the request's own.
    Path("/proc/self/clear_refs").write_text("5")


def _upload_event(api_event: Any, image: bytes) -> dict[str, Any]:
    """POST /v1/images with this image, as API Gateway delivers it (tests/fixtures/api_events.py)."""
    body = json.dumps(
        {"user_id": "profile", "image_name": "noise.png", "file": base64.b64encode(image).decode()}
    )
    event: dict[str, Any] = api_event(
        "POST", "/v1/images", resource="/v1/images", body=body, api_key_id="profile-key"
    )
    return event


class _Unread:
    """A response body with nothing in it (S3's PutObject answers with headers only)."""

    def stream(self, **_kwargs: Any) -> Any:
        return iter(())

    def read(self, *_args: Any) -> bytes:
        return b""


def _answer_put_at_the_wire(request: Any, **_kwargs: Any) -> Any:
    # Imported here: only the measuring child needs botocore.
    from botocore.awsrequest import AWSResponse  # noqa: PLC0415
    from botocore.compat import HTTPHeaders  # noqa: PLC0415

    body = request.body
    if hasattr(body, "read"):
        while body.read(64 * 1024):
            pass
    return AWSResponse(request.url, 200, HTTPHeaders.from_dict({"ETag": '"profile"'}), _Unread())


def _upload_memory_child(payload_bytes: int, storage: Literal["wire", "moto"]) -> None:
    """What upload_peak_memory measures, in a fresh process; prints one JSON line."""
    # Imported here: the parent (noxfile, benchmarks) needs none of these.
    import tracemalloc  # noqa: PLC0415

    import boto3  # noqa: PLC0415
    from moto import mock_aws  # noqa: PLC0415

    from tests.fixtures.api_events import LambdaContext, api_event  # noqa: PLC0415
    from tests.fixtures.moto_tables import create_images_table  # noqa: PLC0415

    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=os.environ["IMAGES_BUCKET"])
        create_images_table(
            boto3.client("dynamodb"), os.environ["IMAGES_TABLE"], os.environ["IMAGES_BY_OWNER_INDEX"]
        )
        from image_service.handlers import upload_image  # noqa: PLC0415
        from image_service.storage import clients  # noqa: PLC0415

        def upload(event: dict[str, Any]) -> None:
            response = upload_image.lambda_handler(event, LambdaContext())  # type: ignore[arg-type]
            if response["statusCode"] != 201:
                raise RuntimeError(f"upload answered {response['statusCode']}: {response['body']}")

        if storage == "wire":
            clients.s3().meta.events.register_first("before-send.s3.PutObject", _answer_put_at_the_wire)
        upload(_upload_event(api_event, noise_png(1024)))  # warm: lazy imports, clients, first validators
        image = noise_png(payload_bytes)
        image_bytes = len(image)
        event = _upload_event(api_event, image)
        del image

        _settle_rss()
        rss_baseline, _ = _memory_status()
        upload(event)
        _, rss_peak = _memory_status()

        gc.collect()
        tracemalloc.start()
        start, _ = tracemalloc.get_traced_memory()
        upload(event)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    print(
        json.dumps(
            {
                "image_bytes": image_bytes,
                "event_body_chars": len(event["body"]),
                "rss_baseline_bytes": rss_baseline,
                "rss_peak_bytes": rss_peak,
                "rss_peak_above_baseline_bytes": rss_peak - rss_baseline,
                "rss_multiple": (rss_peak - rss_baseline) / image_bytes,
                "tracemalloc_peak_bytes": peak - start,
                "tracemalloc_retained_bytes": current - start,
                "tracemalloc_multiple": (peak - start) / image_bytes,
            }
        )
    )


# The worst cases of image work: the most expensive kinds of image, each as large as the decode
# budget lets it be (the first test of the cost model is that these pass verification), and the
# variant that costs most (2048x2048, a fill: the largest output and working copy).
WORST_CASES = ("rgba-png", "webp", "progressive-cmyk-jpeg")
_WORST_VARIANT = {"width": "2048", "height": "2048", "fit": "fill", "format": "png"}


def worst_case_image(kind: str, path: Path) -> dict[str, Any]:
    """Write the largest image of `kind` the cost model accepts (within 2% of the decode budget)
    to `path`; its size and dimensions. Pillow encodes it (a gradient: a compressible picture,
    so that the 50 MiB cap of a large upload is not the limit)."""
    from PIL import Image  # noqa: PLC0415

    from image_service import contract  # noqa: PLC0415

    budget = contract.DECODE_BUDGET_BYTES * 0.98
    options: dict[str, Any]
    if kind == "rgba-png":
        side, mode, options = int((budget / 4) ** 0.5), "RGBA", {"format": "PNG", "compress_level": 1}
    elif kind == "webp":
        side, mode, options = (
            int((budget / 17) ** 0.5),
            "RGBA",
            {"format": "WEBP", "lossless": True, "method": 0},
        )
    else:  # 4:4:4:4 progressive: 8 bytes of coefficients a pixel, and the decode at 1/8
        side, mode = int((budget / 8.07) ** 0.5), "CMYK"
        options = {"format": "JPEG", "progressive": True, "quality": 90}
    gradient = Image.linear_gradient("L").resize((side, side))
    image = Image.merge(mode, [gradient, gradient.transpose(Image.Transpose.ROTATE_90)] * (len(mode) // 2))
    image.save(path, **options)
    return {"kind": kind, "width": side, "height": side, "file_bytes": path.stat().st_size}


def image_work_peak_memory(work_dir: Path) -> dict[str, Any]:
    """Peak resident memory of the worst cases (WORST_CASES), each in a fresh process that imported
    get_image (the function that makes variants) and warmed Pillow: the baseline RSS, then the
    peak (VmHWM) while verifying the image as an upload does (mapped from /tmp, as a large upload
    is), then while making the worst variant of it, with their times."""
    work_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("AWS_")},
        "AWS_DEFAULT_REGION": "us-east-1",
        "IMAGES_BUCKET": "profile-images",
        "IMAGES_TABLE": "profile-images",
        "UPLOADS_TABLE": "profile-uploads",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(paths.FUNCTIONS), str(paths.ROOT)]),
    }
    results = []
    for kind in WORST_CASES:
        path = work_dir / f"worst-{kind}"
        image = worst_case_image(kind, path)
        code = f"from bench.function_profile import _image_work_child; _image_work_child({str(path)!r})"
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=paths.ROOT, check=False
        )
        path.unlink()
        if result.returncode != 0:
            raise RuntimeError(f"the image work measurement failed:\n{result.stderr.strip()}")
        results.append({**image, **json.loads(result.stdout.strip().splitlines()[-1])})
    return {"cases": results}


def _image_work_child(path: str) -> None:
    """What image_work_peak_memory measures, in a fresh process; prints one JSON line."""
    from image_service.handlers import get_image  # noqa: F401, PLC0415  (what the function imports)
    from image_service.image_verification import detect_content_type  # noqa: PLC0415
    from image_service.variants import parse_spec, render  # noqa: PLC0415
    from tests.fixtures.images import photo  # noqa: PLC0415

    for fmt in ("JPEG", "PNG", "WEBP", "GIF"):  # warm: plugins, codecs, lazy imports
        spec = parse_spec(_WORST_VARIANT, "image/png")
        render(photo(fmt, (64, 48)), spec)  # type: ignore[arg-type]
    spec = parse_spec(_WORST_VARIANT, "image/png")
    measured: dict[str, Any] = {}
    with Path(path).open("rb") as source:
        _settle_rss()
        measured["rss_baseline_bytes"], _ = _memory_status()
        started = time.perf_counter()
        measured["content_type"] = detect_content_type(source)
        measured["verify_ms"] = (time.perf_counter() - started) * 1000
        _, measured["verify_rss_peak_bytes"] = _memory_status()
        _settle_rss()
        started = time.perf_counter()
        variant = render(source, spec)  # type: ignore[arg-type]
        measured["variant_ms"] = (time.perf_counter() - started) * 1000
        _, measured["variant_rss_peak_bytes"] = _memory_status()
    measured["variant_bytes"] = len(variant)
    print(json.dumps(measured))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.function_profile", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    cold = commands.add_parser("cold-start", help="median import time per handler vs boto3")
    cold.add_argument("modules", nargs="*", help="modules to import (default: every handler)")
    cold.add_argument("--runs", type=int, default=15)
    cold.add_argument("--path", action="append", help="sys.path entries (default: the unpacked zip, boto3)")
    cold.add_argument("--since", choices=("process", "import"), default="process")
    cold.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    cold.add_argument("--stack-depths", type=int, default=1, help="spread runs over this many start depths")
    memory = commands.add_parser("memory", help="peak memory of one inline upload")
    memory.add_argument("--bytes", type=int, default=INLINE_UPLOAD_BYTES)
    commands.add_parser("image-work", help="peak memory of the worst image work the cost model allows")
    args = parser.parse_args(argv)
    if args.command == "memory":
        print(json.dumps(upload_peak_memory(args.bytes), indent=2))
        return
    if args.command == "image-work":
        print(json.dumps(image_work_peak_memory(paths.BUILD / "profile" / "image_work"), indent=2))
        return
    modules = args.modules or [f"image_service.handlers.{name}" for name in HANDLERS]
    report = cold_start_report(
        modules,
        args.path or lambda_sys_path(),
        args.runs,
        since=args.since,
        clock=args.clock,
        stack_depths=args.stack_depths,
    )
    for module, row in report.items():
        print(f"{module:45} {row['median_ms']:8.1f} ms  {row['ratio']:5.2f}x")


if __name__ == "__main__":
    main()
