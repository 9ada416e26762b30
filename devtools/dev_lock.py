"""The dev tools' lock: uv.lock pins every dependency group of pyproject.toml, resolved together,
with the hashes of every file; each session installs its groups from it, and nothing else.

`uv export --locked` writes a group's pins as a pip requirements file (`--hash` on every line)
and fails when pyproject.toml asks for something the lock does not hold: a stale lock stops every
session with the command that refreshes it. Standard library only (uv is a binary)."""

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from devtools import paths

LOCK = paths.ROOT / "uv.lock"
# `./noxw -s lock` runs `uv lock`: the lock keeps its pins where pyproject.toml still allows them.
REFRESH = "./noxw -s lock"


class LockError(RuntimeError):
    """uv.lock cannot give these groups: it is stale, or uv is missing."""


def uv() -> str:
    """The uv that ./noxw installs beside nox (pyproject.toml's `nox` group), else one on PATH."""
    beside = Path(sys.executable).with_name("uv")
    if beside.is_file():
        return str(beside)
    found = shutil.which("uv")
    if found is None:
        raise LockError("uv is not installed: ./noxw installs it (pyproject.toml's `nox` group)")
    return found


def environment(python: str | None = None) -> dict[str, str]:
    """uv resolves for the Lambda runtime's Python (requires-python), with the interpreter the
    sessions use, and never downloads one."""
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env["UV_PYTHON"] = python or os.environ.get("PYTHON") or sys.executable
    return env


def _run(arguments: Sequence[str], project: Path, python: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [uv(), *arguments, "--project", str(project)],
        env=environment(python),
        capture_output=True,
        text=True,
        check=False,
    )


def export(groups: Sequence[str], *, project: Path = paths.ROOT, python: str | None = None) -> str:
    """The pinned, hashed requirements of `groups` together (pip's requirements format)."""
    result = _run(
        [
            "export",
            "--locked",
            "--offline",
            "--quiet",
            "--no-emit-project",
            "--no-header",
            "--format",
            "requirements.txt",
            *(f"--only-group={group}" for group in groups),
        ],
        project,
        python,
    )
    if result.returncode != 0:
        raise LockError(_explain(result.stderr, project))
    return result.stdout


def check(*, project: Path = paths.ROOT, python: str | None = None) -> None:
    """Raise LockError unless uv.lock holds what every group of pyproject.toml asks for."""
    result = _run(["lock", "--check", "--offline", "--quiet"], project, python)
    if result.returncode != 0:
        raise LockError(_explain(result.stderr, project))


def _explain(stderr: str, project: Path) -> str:
    message = stderr.strip()
    if "needs to be updated" in message or "Unable to find lockfile" in message:
        return (
            f"{project / LOCK.name} is not in step with {project / 'pyproject.toml'}: run `{REFRESH}`"
            f" and commit uv.lock (uv: {message.splitlines()[0]})"
        )
    return f"uv could not read {project / LOCK.name}: {message}"


def lock(arguments: Sequence[str] = (), *, python: str | None = None) -> None:
    """`uv lock`: resolve every group again (only what changed moves; `--upgrade` moves all)."""
    subprocess.run(
        [uv(), "lock", "--project", str(paths.ROOT), *arguments], env=environment(python), check=True
    )
