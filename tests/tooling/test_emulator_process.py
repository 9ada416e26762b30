"""Whether the emulator `up` started is running, as `down`, `up` and `status` ask it: an emulator
that exited counts as stopped even while the process that started it (not this one) has not
waited for it yet, as when `nox -s tests` deploys and its pytest then runs `./noxw -s down`."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools import emulator_process, paths

# A parent that starts a child, prints its pid and then never waits for it: once the child exits
# it is a zombie whose parent is not the test process (which therefore cannot reap it).
_NEGLECTFUL_PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
print(child.pid, flush=True)
sys.stdin.readline()   # the test says when the child may exit
child.stdin.close()
time.sleep(600)
"""


@pytest.fixture
def pid_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The emulator's files in a temporary directory: `stop()` also removes the scratch dir, which
    must never be the one a running emulator of this checkout uses."""
    monkeypatch.setattr(paths, "EMULATOR_DIR", tmp_path)
    monkeypatch.setattr(paths, "EMULATOR_PID", tmp_path / "emulator.pid")
    return paths.EMULATOR_PID


@pytest.fixture
def neglectful_parent() -> Iterator[subprocess.Popen[str]]:
    parent = subprocess.Popen(
        [sys.executable, "-c", _NEGLECTFUL_PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    yield parent
    parent.kill()
    parent.wait()


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_a_running_emulator_is_running(pid_file: Path, neglectful_parent: subprocess.Popen[str]) -> None:
    assert neglectful_parent.stdout is not None
    child = int(neglectful_parent.stdout.readline())
    pid_file.write_text(str(child))
    assert emulator_process.running_pid() == child


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process state from /proc (Linux)")
def test_an_exited_emulator_its_starter_has_not_reaped_is_stopped(
    pid_file: Path, neglectful_parent: subprocess.Popen[str]
) -> None:
    # Given an emulator pid whose process exited, its parent (not us) not having waited for it
    assert neglectful_parent.stdin is not None
    assert neglectful_parent.stdout is not None
    child = int(neglectful_parent.stdout.readline())
    pid_file.write_text(str(child))
    neglectful_parent.stdin.write("exit\n")
    neglectful_parent.stdin.flush()
    deadline = time.monotonic() + 10
    while _state(child) != "Z" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _state(child) == "Z"
    os.kill(child, 0)  # signal 0 still reaches a zombie: that alone is no proof of life
    # Then it is not running, and `down` has nothing to wait for (not its whole stop timeout)
    assert emulator_process.running_pid() is None
    assert emulator_process.stop() is False
    assert not pid_file.exists()
    assert emulator_process.scratch_dir().is_relative_to(pid_file.parent)


def test_a_pid_that_no_longer_exists_is_stopped(pid_file: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    pid_file.write_text(str(gone.pid))
    assert emulator_process.running_pid() is None
