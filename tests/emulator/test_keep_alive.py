"""The embedded emulator leaves idle keep-alive connections for their clients to close.

A server that closes an idle connection just as a client sends a request down it can run the
request and lose its answer; the SDK then sends the call again, and a create call fails with
"already exists" (emulator/__main__.py). The AWS provider's Go client drops idle connections after
90 s, so the server must keep them longer. Waiting out MiniStack's own 75 s in a test would cost
minutes, so this runs MiniStack's real `main` through `python -m emulator` with the HTTP server
replaced by one that records the Config it is given and returns."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from emulator import __main__ as emulator_main
from tests.fixtures.ports import free_port

pytestmark = pytest.mark.emulator

ROOT = Path(__file__).resolve().parents[2]
GO_SDK_IDLE_CONNECTION_TIMEOUT_S = 90  # aws-sdk-go-v2 DefaultHTTPTransportIdleConnTimeout

_RECORD_CONFIG = """
import hypercorn.asyncio, runpy

async def record(app, config, *args, **kwargs):
    print("keep_alive_timeout", config.keep_alive_timeout, flush=True)

hypercorn.asyncio.serve = record
runpy.run_module("emulator", run_name="__main__")
"""


def test_the_server_outlasts_the_go_sdks_idle_connections(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GATEWAY_PORT": str(free_port()),
        "BIND_HOST": "127.0.0.1",
        "TMPDIR": str(tmp_path),  # MiniStack's pid file
    }
    run = subprocess.run(
        [sys.executable, "-c", _RECORD_CONFIG],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    served = [line.split()[1] for line in run.stdout.splitlines() if line.startswith("keep_alive_timeout ")]
    assert served == [str(emulator_main.IDLE_CONNECTION_TIMEOUT_S)]
    assert emulator_main.IDLE_CONNECTION_TIMEOUT_S > GO_SDK_IDLE_CONNECTION_TIMEOUT_S
