"""The embedded emulator's health document says which Python and CPU run its functions (the
deploy compares that with the zip before Terraform runs: devtools/deploy_checks.py)."""

import json
import platform
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from devtools import deploy_checks, lambda_package, runtime
from emulator import __main__ as emulator_main

pytestmark = pytest.mark.emulator


@pytest.fixture
def app() -> Iterator[Any]:
    from ministack import app as ministack_app

    original = ministack_app._handle_health_request
    emulator_main._describe_functions_runtime()
    yield ministack_app
    ministack_app._handle_health_request = original


def test_health_says_which_interpreter_runs_functions(app: Any) -> None:
    status, _headers, body = app._handle_health_request("/_localstack/health", "request-1")
    document = json.loads(body)
    assert status == 200
    assert "services" in document  # MiniStack's own document, extended
    assert document[deploy_checks.HEALTH_RUNTIME_KEY] == {
        "python": ".".join(map(str, sys.version_info[:3])),
        "machine": platform.machine(),
    }
    # What the deploy reads from it, and its verdict on this machine's zip
    assert deploy_checks.emulator_runtime(document) == (
        f"{sys.version_info[0]}.{sys.version_info[1]}",
        runtime.host_architecture(),
    )
    if sys.version_info[:2] == tuple(map(int, runtime.PYTHON_VERSION.split("."))):
        manifest = lambda_package.manifest_for(runtime.host_architecture() or "x86_64")
        assert "as the zip needs" in deploy_checks.check_emulator(document, manifest, "http://emulator")


def test_other_paths_are_left_alone(app: Any) -> None:
    assert app._handle_health_request("/restapis", "request-2") is None
