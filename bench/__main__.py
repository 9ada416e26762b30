"""`python -m bench`: measure the deployed stack (or any endpoint) and write bench/results/.

Usage: python -m bench [--quick] [--base-url URL --api-key KEY] [--no-deploy] [--out DIR]
Without --base-url it measures the stack `nox -s deploy` made on the emulator, floors included.
With another endpoint only the API figures are measured: the floors need the emulator."""

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    api_paths,
    artifact,
    deploy_times,
    formats,
    function_figures,
    in_process,
    noop_gateway,
    share_links,
)
from bench.figures import Figure, machine, write
from bench.plan import DEFAULT, QUICK, Plan
from bench.progress import Progress
from bench.target import Target
from devtools import paths, runtime, stack

RESULTS = paths.ROOT / "bench" / "results"


def measure(
    target: Target, uploads_table: str, plan: Plan, progress: Progress, *, deploy: bool
) -> list[Figure]:
    """Every figure of the run, each beside its floor, in the order the report lists them."""
    figures: list[Figure] = []
    if target.endpoint is not None:
        with noop_gateway.noop_gateway(target.endpoint, target.api_key) as noop:
            figures += api_paths.upload_path(target, noop, plan, progress)
            figures += api_paths.get_path(target, noop, plan, progress)
            figures += share_links.share_link_path(target, noop, plan, progress)
            figures += api_paths.list_path(target, noop, plan, progress)
    else:
        figures += api_paths.upload_path(target, None, plan, progress)
        figures += api_paths.get_path(target, None, plan, progress)
        figures += share_links.share_link_path(target, None, plan, progress)
    figures += in_process.handlers_in_process(target, uploads_table, plan, progress)
    figures += share_links.signature_check(plan, progress)
    figures += api_paths.variant_path(target, plan, progress)
    figures += function_figures.cold_start_figures(plan.cold_start_runs, progress)
    figures += function_figures.memory_figures(progress)
    figures += function_figures.image_work_figures(progress)
    upload_floor = next(
        (figure.floor for figure in figures if figure.name.startswith("upload_image 100 KB")), None
    )
    figures += formats.format_figures(plan.runs, progress, upload_floor=upload_floor)
    zip_path = paths.lambda_zip(runtime.DEFAULT_ARCHITECTURE)
    if zip_path.exists():
        figures += artifact.artifact_figures(zip_path)
    if plan.deploy and target.endpoint is not None and deploy:
        figures += deploy_times.deploy_figures(plan.runs, progress)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter runs (under a minute)")
    parser.add_argument("--base-url", help="measure this API instead of the emulator stack")
    parser.add_argument("--api-key", help="its API key")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"results folder (default {RESULTS})")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (logs only)")
    parser.add_argument("--no-deploy", action="store_true", help="skip the deploy times (about 90 s)")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else DEFAULT
    started = time.monotonic()
    host = machine()  # the load average before this run adds its own

    deployed = stack.load()
    if args.base_url:
        if not args.api_key:
            parser.error("--base-url needs --api-key")
        target = Target(args.base_url.rstrip("/"), args.api_key, endpoint=None)
        uploads_table = ""
    else:
        if deployed is None:
            parser.error("nothing is deployed on the emulator: run `nox -s deploy` first, or pass --base-url")
        from devtools.emulator_process import endpoint  # noqa: PLC0415

        target = Target(
            deployed.base_url,
            deployed.api_key,
            endpoint=endpoint(),
            bucket=deployed.bucket_name,
            table=deployed.table_name,
        )
        uploads_table = deployed.uploads_table_name

    with Progress(enabled=not args.no_progress) as progress:
        figures = measure(target, uploads_table, plan, progress, deploy=not args.no_deploy)

    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": host,
        "target": "the emulator stack (MiniStack)" if target.endpoint else target.base_url,
        "mode": plan.mode,
        "runs": plan.runs,
        "elapsed_s": time.monotonic() - started,
    }
    md_path, json_path = write(figures, meta, args.out)
    print(md_path.read_text())
    print(f"results: {md_path} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
