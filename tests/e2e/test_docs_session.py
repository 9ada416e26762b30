"""`nox -s docs` as a process manager or a terminal stops it: SIGTERM or Ctrl-C to nox stops the
Swagger UI server too, and its port is free once nox has exited (so the next `docs` can start).

It runs the session on the emulator stack's Terraform state, so not against a stack on AWS."""

import os
import signal
import subprocess
from pathlib import Path

import pytest

from devtools import paths
from tests.fixtures.ports import can_bind, ctrl_c_as_in_a_terminal, free_port, listening, wait_until_listening

pytestmark = pytest.mark.emulator_only


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_stopping_nox_stops_the_docs_server_and_frees_its_port(stop: signal.Signals, tmp_path: Path) -> None:
    # Given `./noxw -s docs` serving on a free port (the stack's own 8080 may be in use)
    port = free_port()
    log = tmp_path / "docs.log"
    with log.open("wb") as sink:
        nox = subprocess.Popen(
            ["./noxw", "-s", "docs", "--", "--origin", f"http://localhost:{port}"],
            cwd=paths.ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=os.environ,
            preexec_fn=ctrl_c_as_in_a_terminal,  # noqa: PLW1509  the child is exec'd right after
        )
    try:
        wait_until_listening(nox, port, "nox -s docs")

        # When nox alone is signalled (`kill PID`; a terminal's Ctrl-C would signal both processes)
        nox.send_signal(stop)
        nox.wait(timeout=120)
    finally:
        if nox.poll() is None:
            nox.kill()
            nox.wait()

    # Then the server stopped with it: once nox has exited, nothing holds the port
    output = log.read_text()
    assert f"Swagger UI stopped; port {port} is free." in output, output
    assert not listening(port)
    assert can_bind(port)
