"""The document Swagger UI shows: the contract, pointed at the deployed stack, without gateway internals."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from devtools import api_docs, paths
from tests.fixtures.ports import can_bind, free_port, listening, start_module, wait_until_listening

BASE_URL = "http://localhost:4566/restapis/abc123/api/_user_request_"


def test_the_deployed_stack_is_the_first_server() -> None:
    spec = api_docs.document(BASE_URL + "/")
    assert spec["servers"][0]["url"] == BASE_URL
    original = yaml.safe_load(paths.OPENAPI.read_text())
    assert spec["servers"][1:] == original["servers"]
    assert spec["paths"].keys() == original["paths"].keys()


def test_gateway_extensions_and_template_placeholders_are_left_out() -> None:
    text = json.dumps(api_docs.document(BASE_URL))
    assert "x-amazon-apigateway" not in text
    assert "${" not in text


def test_the_site_holds_only_local_assets(tmp_path: Path) -> None:
    site = api_docs.build_site(BASE_URL, tmp_path, api_key="k" * 20)
    index = (site / "index.html").read_text()
    assert "http" not in index  # every asset is a relative path on this server
    for asset in api_docs.ASSETS:
        assert (site / asset).stat().st_size > 0
    initializer = (site / "swagger-initializer.js").read_text()
    assert "validatorUrl: null" in initializer
    assert "preauthorizeApiKey('api_key', \"" + "k" * 20 + '")' in initializer
    assert json.loads((site / "openapi.json").read_text())["servers"][0]["url"] == BASE_URL


def start_docs_server(port: int, output: Path) -> subprocess.Popen[bytes]:
    """`python -m devtools.api_docs` as the docs session runs it, on `port`, its output in a file."""
    return start_module(
        "devtools.api_docs",
        "--server-url",
        BASE_URL,
        "--origin",
        f"http://localhost:{port}",
        "--api-key",
        "k" * 20,
        port=port,
        output=output,
        what="the docs server",
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_the_docs_server_stops_on_sigterm_and_ctrl_c_and_frees_its_port(
    stop: signal.Signals, tmp_path: Path
) -> None:
    # Given the docs server answering on a port
    port = free_port()
    output = tmp_path / "docs.log"
    process = start_docs_server(port, output)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json") as response:
            assert json.loads(response.read())["servers"][0]["url"] == BASE_URL

        # When it is sent the signal
        process.send_signal(stop)
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    # Then it exits cleanly, having closed its socket: the port can be taken again at once
    assert code == 0, output.read_text()
    assert f"Swagger UI stopped; port {port} is free." in output.read_text()
    assert not listening(port)
    assert can_bind(port)


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> bool:
    """Polls `condition` until it holds or `seconds` pass; whether it held."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie nobody reaped yet has exited: it holds no port)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_the_docs_server_stops_when_the_process_that_started_it_dies(tmp_path: Path) -> None:
    # Given the docs server started by a parent process (as nox starts it), its pid in a file
    port = free_port()
    log, pid_file = tmp_path / "docs.log", tmp_path / "docs.pid"
    launcher = tmp_path / "launcher.py"
    launcher.write_text(
        "import pathlib, subprocess, sys, time\n"
        "log, pid_file, *command = sys.argv[1:]\n"
        "child = subprocess.Popen(command, stdout=open(log, 'wb'), stderr=subprocess.STDOUT)\n"
        "pathlib.Path(pid_file).write_text(str(child.pid))\n"
        "time.sleep(3600)\n"
    )
    command = [sys.executable, "-m", "devtools.api_docs", "--server-url", BASE_URL]
    parent = subprocess.Popen(
        [
            sys.executable,
            str(launcher),
            str(log),
            str(pid_file),
            *command,
            "--origin",
            f"http://localhost:{port}",
        ],
        cwd=paths.ROOT,
    )
    try:
        wait_until_listening(parent, port, "the launcher's docs server")
        server_pid = int(pid_file.read_text())

        # When the parent is killed outright (no chance to stop its child)
        parent.kill()
        parent.wait()

        # Then the orphaned server notices, stops and frees the port
        assert wait_for(lambda: not alive(server_pid)), "the orphaned docs server is still running"
        assert f"Swagger UI stopped; port {port} is free." in log.read_text()
        assert not listening(port)
        assert can_bind(port)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if pid_file.exists() and alive(int(pid_file.read_text())):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
