"""The functions' own start-up and memory (bench/function_profile.py measures; this reports):

- cold start: a fresh python3.13 with only the unpacked zip and what the runtime provides on its
  path, until a handler is imported, beside the same for a bare `import boto3`, the floor every
  function pays; the top import-time contributors of one handler.
- memory: one 4 MiB upload handled in-process, peak RSS above the warmed process's baseline, as a
  multiple of the payload (S3 answered at the wire: the handler's and the SDK's own memory).
- image work: the worst cases the cost model allows (the most expensive kinds of image at the
  decode budget, verified and made into the largest variant), the function's whole resident set
  at its peak beside its memory size (contract.FUNCTION_MEMORY_MB, Terraform's lambda_memory_size:
  tests/unit/test_hostile_images.py binds the two)."""

import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable

from bench import function_profile
from bench.figures import Figure
from bench.progress import Progress
from bench.timing import Spread
from devtools import paths, runtime

COLD_START_TARGET = 1.5
MEMORY_TARGET = 3.0
IMAGE_WORK_TARGET = 0.6  # of the function's memory, at the worst case
MB = 1_000_000
# The handler whose import is broken down by package: the inline upload, which imports the most.
BREAKDOWN_HANDLER = "upload_image"
_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def import_breakdown(module: str, sys_path: list[str], top: int = 6) -> list[tuple[str, float]]:
    """Where `module`'s import spends its time: the self time of every module imported, summed by
    top-level package (ms), from one `python -X importtime` run on the cold starts' path."""
    code = f"import sys; sys.path[:0] = {sys_path!r}; import {module}"
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    by_package: defaultdict[str, float] = defaultdict(float)
    for line in result.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match:
            by_package[match.group(4).split(".")[0]] += int(match.group(1)) / 1000
    # Largest first, ties in import order (as Counter.most_common orders them)
    return sorted(by_package.items(), key=lambda item: item[1], reverse=True)[:top]


# The libraries every handler is built on, and nothing of ours: what the design costs at start-up
# (with the collector off during the imports, as the functions start). pydantic loads most of its
# machinery lazily, on the first model class, so one (deferred, as ours are) is defined.
_LIBRARIES_ALONE = """\
import gc; gc.disable()
import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
    name: str = Field(max_length=8)
"""


def timed(module: str, sys_path: list[str], runs: int, tick: Callable[[], None]) -> Spread:
    """Cold starts of one module, its runs spread over four start depths (CPython 3.11's frame-chunk
    churn makes any one depth unrepresentative: bench/function_profile.py)."""
    values = function_profile.cold_start_ms(module, sys_path, runs, stack_depths=4)
    tick()
    return Spread(values)


def cold_start_figures(runs: int, progress: Progress) -> list[Figure]:
    sys_path = function_profile.lambda_sys_path()
    modules = [f"image_service.handlers.{name}" for name in function_profile.HANDLERS]
    libraries = paths.BUILD / "profile" / "libraries_alone"
    libraries.mkdir(parents=True, exist_ok=True)
    (libraries / "bench_libraries_alone.py").write_text(_LIBRARIES_ALONE)
    tick = progress.step("cold starts", len(modules) + 2)
    floor = timed(function_profile.BASELINE_MODULE, sys_path, runs, tick)
    section = f"Cold start (fresh {runtime.LAMBDA_RUNTIME} to handler imported)"
    figures = [
        Figure(
            section,
            name.rsplit(".", 1)[-1],
            "ms",
            timed(name, sys_path, runs, tick),
            floor,
            "import boto3",
            COLD_START_TARGET,
        )
        for name in modules
    ]
    breakdown = import_breakdown(f"image_service.handlers.{BREAKDOWN_HANDLER}", sys_path)
    alone = timed("bench_libraries_alone", [*sys_path, str(libraries)], runs, tick)
    return [
        *figures,
        Figure(
            section,
            (
                "the libraries alone (boto3, Powertools Logger and resolver, one pydantic model),"
                " no code of ours"
            ),
            "ms",
            alone,
            floor,
            "import boto3",
            detail="what the chosen stack costs before any code of ours runs",
        ),
        Figure(
            section,
            f"{BREAKDOWN_HANDLER}'s import by package (self time, ms)",
            "ms",
            Spread([sum(ms for _, ms in breakdown)]),
            detail=", ".join(f"{package} {ms:.0f}" for package, ms in breakdown),
            extra={"breakdown_ms": dict(breakdown)},
        ),
    ]


def memory_figures(progress: Progress) -> list[Figure]:
    tick = progress.step("memory of a 4 MiB upload", 1)
    measured = function_profile.upload_peak_memory()
    tick()
    wire = measured["wire"]
    image = measured["image_bytes"]
    return [
        Figure(
            "Memory (one 4 MiB upload, in-process)",
            "peak RSS above the warmed baseline",
            "MB",
            Spread([wire["rss_peak_above_baseline_bytes"] / MB]),
            Spread([image / MB]),
            "the image",
            MEMORY_TARGET,
            detail=(
                f"Python allocations peak {wire['tracemalloc_peak_bytes'] / MB:.1f} MB; the event's body is "
                f"{measured['event_body_chars'] / MB:.1f} MB of base64 JSON; baseline RSS "
                f"{wire['rss_baseline_bytes'] / MB:.0f} MB"
            ),
            extra=measured,
        )
    ]


_KINDS = {
    "rgba-png": "RGBA PNG",
    "webp": "RGBA WebP (lossless)",
    "progressive-cmyk-jpeg": "progressive CMYK JPEG",
}


def image_work_figures(progress: Progress) -> list[Figure]:
    tick = progress.step("worst-case image work", 1)
    from image_service import contract  # noqa: PLC0415

    measured = function_profile.image_work_peak_memory(paths.BUILD / "profile" / "image_work")
    tick()
    memory = Spread([contract.FUNCTION_MEMORY_MB * 2**20 / MB])
    section = "Worst-case image work (in-process, beside the function's memory)"
    figures = []
    for case in measured["cases"]:
        megapixels = case["width"] * case["height"] / 1e6
        name = f"{_KINDS[case['kind']]} {case['width']}x{case['height']} ({megapixels:.1f} MP)"
        baseline = case["rss_baseline_bytes"] / MB
        for step, label in (("verify", "verified as an upload"), ("variant", "2048x2048 fill variant, PNG")):
            figures.append(
                Figure(
                    section,
                    f"{name}, {label}: peak RSS",
                    "MB",
                    Spread([case[f"{step}_rss_peak_bytes"] / MB]),
                    memory,
                    f"lambda_memory_size {contract.FUNCTION_MEMORY_MB} MB",
                    IMAGE_WORK_TARGET,
                    detail=(
                        f"{case[f'{step}_ms']:.0f} ms; baseline RSS {baseline:.0f} MB (get_image imported); "
                        f"file {case['file_bytes'] / MB:.1f} MB; decode budget "
                        f"{contract.DECODE_BUDGET_BYTES / MB:.0f} MB"
                    ),
                    extra=case,
                )
            )
    return figures
