"""A missing prerequisite is said in one line, with what to install, before anything starts."""

import os
import subprocess
from pathlib import Path

from devtools import paths
from tests.fixtures.ports import free_port, listening


def _path_without(program: str, shims: Path) -> str:
    """PATH as it is, except that `program` is found nowhere on it (every other program of its
    folder stays reachable through links in `shims`)."""
    shims.mkdir()
    kept = []
    for folder in os.environ["PATH"].split(os.pathsep):
        directory = Path(folder)
        if not (directory / program).exists():
            kept.append(folder)
            continue
        for entry in directory.iterdir():
            link = shims / entry.name
            if entry.name != program and not link.exists():
                link.symlink_to(entry)
    return os.pathsep.join([str(shims), *kept])


def test_deploy_without_terraform_says_so_in_one_line_and_starts_nothing(tmp_path: Path) -> None:
    # Given a machine where `terraform` is not on PATH, and a port no emulator answers on
    port = free_port()
    env = {
        **os.environ,
        "PATH": _path_without("terraform", tmp_path / "bin"),
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "CI": "true",
    }
    # When the README's first command runs
    result = subprocess.run(
        ["./noxw", "-s", "deploy"],
        cwd=paths.ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # Then it fails with one line saying what to install, no traceback...
    assert result.returncode != 0
    said = [line for line in result.stderr.splitlines() if "terraform is not on PATH" in line]
    assert len(said) == 1, result.stderr
    assert "install Terraform >= 1.5" in said[0]
    assert "https://developer.hashicorp.com/terraform/install" in said[0]
    assert "Traceback" not in result.stderr
    # ...before the emulator was started or the zip built
    assert not listening(port)
    assert "preparing the emulator environment" not in result.stderr
    assert "healthy on" not in result.stderr
    assert "installing deploy" not in result.stderr
    assert "up to date:" not in result.stderr  # the zip step
    assert "built:" not in result.stderr


def test_tests_with_arguments_says_which_session_takes_them_and_runs_nothing(tmp_path: Path) -> None:
    # Given a port no emulator answers on
    port = free_port()
    env = {**os.environ, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "CI": "true"}
    # When someone asks the README's test command for one test file
    result = subprocess.run(
        ["./noxw", "-s", "tests", "--", "tests/unit/test_paging.py", "-k", "cursor"],
        cwd=paths.ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # Then it fails at once, naming the sessions that run a part with those arguments
    assert result.returncode != 0
    assert "`./noxw -s unit -- tests/unit/test_paging.py -k cursor` (no emulator)" in result.stderr
    assert "`./noxw -s e2e -- tests/unit/test_paging.py -k cursor`" in result.stderr
    # ...having run no test and started nothing
    assert "pytest" not in result.stderr
    assert not listening(port)
