"""Find the Python the Lambda runtime uses (devtools/runtime.py), wherever it is installed.

Looks at PYTHON=, then pythonX.Y on PATH, then the usual install places of pyenv, uv, Homebrew
and python.org. `./noxw` runs this with whatever `python3` there is (any 3.x), and noxfile.py
imports it: one search for both. As a script it prints the interpreter's path, or one line saying
what to install and exits 1."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.runtime import PYTHON_VERSION

NOT_FOUND = (
    f"Python {PYTHON_VERSION} not found (looked at PYTHON=, PATH, pyenv, uv, Homebrew): install it,"
    f" e.g. `pyenv install {PYTHON_VERSION}` or `uv python install {PYTHON_VERSION}`,"
    f" or set PYTHON=/path/to/python{PYTHON_VERSION}"
)


def _version_of(interpreter: str) -> str | None:
    try:
        result = subprocess.run(
            [interpreter, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _pyenv_roots() -> list[Path]:
    roots = [os.environ.get("PYENV_ROOT", ""), "~/.pyenv"]
    if shutil.which("pyenv"):
        with contextlib.suppress(OSError):
            pyenv = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False)
            roots.insert(0, pyenv.stdout.strip())
    return [Path(root).expanduser() for root in roots if root]


def candidates(version: str = PYTHON_VERSION) -> list[str]:
    """Interpreters to try, in order (not yet checked to run or to be `version`)."""
    name = f"python{version}"
    found: list[str] = []
    configured = os.environ.get("PYTHON")
    if configured:
        found.append(shutil.which(configured) or configured)
    on_path = shutil.which(name)
    if on_path:
        found.append(on_path)
    patterns = [str(root / "versions" / f"{version}.*" / "bin" / name) for root in _pyenv_roots()]
    patterns += [
        str(Path("~/.local/share/uv/python").expanduser() / f"cpython-{version}.*" / "bin" / name),
        f"/opt/homebrew/bin/{name}",
        f"/usr/local/bin/{name}",
        f"/usr/bin/{name}",
        f"/Library/Frameworks/Python.framework/Versions/{version}/bin/{name}",
    ]
    for pattern in patterns:
        # Newest patch release first (3.13.10 after 3.13.9).
        matches = glob.glob(pattern)  # noqa: PTH207  a pattern with wildcards in several parts
        matches.sort(
            key=lambda path: [
                int(part) if part.isdigit() else 0 for part in path.replace("-", ".").split(".")
            ]
        )
        found += reversed(matches)
    return list(dict.fromkeys(found))


def find(version: str = PYTHON_VERSION) -> str | None:
    """The first candidate that runs and is `version`. PYTHON=, when set, must be it."""
    configured = os.environ.get("PYTHON")
    for interpreter in candidates(version):
        if _version_of(interpreter) == version:
            return interpreter
        if configured and interpreter == (shutil.which(configured) or configured):
            return None  # an explicit choice that is not the runtime's version: don't guess another
    return None


def main() -> int:
    interpreter = find()
    if interpreter is None:
        configured = os.environ.get("PYTHON")
        if configured:
            print(
                f"PYTHON={configured} is not Python {PYTHON_VERSION}, the Lambda runtime's: {NOT_FOUND}",
                file=sys.stderr,
            )
        else:
            print(NOT_FOUND, file=sys.stderr)
        return 1
    print(interpreter)
    return 0


if __name__ == "__main__":
    sys.exit(main())
