"""What `nox -s clean` and `nox -s reset` remove.

clean: everything rebuilt on demand (zips, virtualenvs, caches, Terraform's provider copies); the
stack survives it (emulator state, Terraform state). reset: the stack itself, both halves at once,
so they never disagree."""

import shutil
from collections.abc import Iterable
from pathlib import Path

from devtools import paths

_CACHES = (".pytest_cache", ".mypy_cache", ".ruff_cache")


def derived(root: Path = paths.ROOT) -> list[Path]:
    """Build outputs, virtualenvs and caches under `root` (those that exist)."""
    build = root / paths.BUILD.relative_to(paths.ROOT)
    candidates = [
        root / ".nox",
        root / ".venv",
        *(root / name for name in _CACHES),
        root / "terraform" / ".terraform",
        build / "lambda",
        build / "bin",
        build / "profile",
        build / "bench",
        build / "fuzz",
        build / "emulator" / "venv",
        build / "terraform" / "emulator-data",
        build / "terraform" / "validate-data",
        build / "terraform" / "terraformrc",
    ]
    skipped = (root / ".git", root / ".nox", root / ".venv", build)
    caches = [
        path
        for path in root.rglob("__pycache__")
        if not any(path.is_relative_to(parent) for parent in skipped)
    ]
    return [path for path in [*candidates, *caches] if path.exists() or path.is_symlink()]


def stack_state() -> list[Path]:
    """The emulator's saved state and the Terraform state of its stack (those that exist)."""
    candidates = [
        paths.EMULATOR_STATE_DIR,
        paths.EMULATOR_ENV,
        *paths.TERRAFORM_BUILD.glob("emulator.tfstate*"),
        paths.TERRAFORM_BUILD / "emulator.tfplan",
    ]
    return [path for path in candidates if path.exists() or path.is_symlink()]


def remove(targets: Iterable[Path]) -> list[Path]:
    removed = []
    for path in targets:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed
