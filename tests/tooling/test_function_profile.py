"""The benchmark measurements return sane values on tiny cases (they time nothing here: a benchmark
reports, it never fails a test)."""

import io
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image

from bench import function_profile
from devtools import paths

SITE_PACKAGES = str(Path(pytest.__file__).resolve().parent.parent)
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def test_every_routes_handler_is_profiled_and_every_handler_has_a_route() -> None:
    # Given the functions the spec routes to: Terraform fills each integration uri's
    # ${<handler>_uri} placeholder with the function of that handler module
    spec = yaml.safe_load(paths.OPENAPI.read_text())
    routed = {
        operation["x-amazon-apigateway-integration"]["uri"].removeprefix("${").removesuffix("_uri}")
        for path_item in spec["paths"].values()
        for method, operation in path_item.items()
        if method in HTTP_METHODS and operation["x-amazon-apigateway-integration"]["type"] == "aws_proxy"
    }

    # Then the handlers the benchmarks profile, derived from functions/image_service/handlers/,
    # are exactly those: a new route's handler is measured without anyone editing a list
    assert len(routed) >= 7
    assert set(function_profile.HANDLERS) == routed


def test_cold_start_times_one_fresh_process_per_run() -> None:
    # Given the sources and this venv's packages on the child's sys.path
    sys_path = [str(paths.FUNCTIONS), SITE_PACKAGES]

    # When a handler and the baseline are imported, two runs each
    handler = function_profile.cold_start_ms(
        "image_service.handlers.delete_image", sys_path, runs=2, stack_depths=2
    )
    import_only = function_profile.cold_start_ms("boto3", sys_path, runs=2, since="import", warmup=0)
    cpu = function_profile.cold_start_ms("boto3", sys_path, runs=1, clock="cpu", warmup=0)

    # Then each run is one positive time
    assert len(handler) == len(import_only) == 2
    assert all(0 < ms < 60_000 for ms in handler + import_only + cpu)


def test_cold_start_reports_a_module_the_path_lacks() -> None:
    with pytest.raises(RuntimeError, match="image_service"):
        function_profile.cold_start_ms("image_service.handlers.get_image", [], runs=1, warmup=0)


def test_lambda_sys_path_holds_the_code_and_boto3() -> None:
    code, sdk = function_profile.lambda_sys_path()
    assert (Path(code) / "image_service").is_dir()
    assert (Path(sdk) / "boto3").is_dir()


def test_noise_png_is_a_valid_png_of_at_most_the_target() -> None:
    data = function_profile.noise_png(70_000)
    assert 60_000 < len(data) <= 70_000
    with Image.open(io.BytesIO(data)) as image:
        image.verify()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self")
def test_upload_peak_memory_of_a_small_upload() -> None:
    # When one 64 KiB upload is measured, at the wire and with moto
    measured = function_profile.upload_peak_memory(64 * 1024)

    # Then every figure is there, and the handler held at least the decoded image at its peak
    image_bytes = measured["image_bytes"]
    assert 60_000 < image_bytes <= 64 * 1024
    assert measured["event_body_chars"] > image_bytes * 4 / 3
    for storage in ("wire", "moto"):
        figures = measured[storage]
        assert figures["rss_peak_bytes"] >= figures["rss_baseline_bytes"] > 0
        assert (
            figures["rss_peak_above_baseline_bytes"]
            == figures["rss_peak_bytes"] - figures["rss_baseline_bytes"]
        )
        assert figures["tracemalloc_peak_bytes"] >= image_bytes
        assert figures["tracemalloc_multiple"] == figures["tracemalloc_peak_bytes"] / image_bytes
    # moto keeps the stored bytes; the wire keeps nothing of them
    assert (
        measured["moto"]["tracemalloc_retained_bytes"]
        >= image_bytes
        > measured["wire"]["tracemalloc_retained_bytes"]
    )
