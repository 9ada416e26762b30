"""The Lambda artifact: the image_service package plus its dependencies, for python3.11 x86_64.

The zip is deterministic (sorted entries, fixed timestamps), so Terraform's source hash changes
only when the contents do, and it is rebuilt only when its inputs change."""

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from devtools import paths
from devtools.dependency_groups import requirements

# What the python3.11 Lambda runtime already provides; never shipped.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def lambda_requirements() -> list[str]:
    """The `lambda` dependency group of pyproject.toml."""
    return requirements("lambda")


def _sources() -> list[Path]:
    return sorted(
        path
        for path in (paths.FUNCTIONS / "image_service").rglob("*")
        if path.is_file() and path.suffix == ".py" and "__pycache__" not in path.parts
    )


def inputs_digest() -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(lambda_requirements()).encode())
    digest.update(Path(__file__).read_bytes())
    for source in _sources():
        digest.update(str(source.relative_to(paths.FUNCTIONS)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def install_dependencies(python: str, target: Path) -> None:
    """pip-install the lambda group as cp311 manylinux x86_64 wheels, whatever this machine is."""
    if target.exists():
        shutil.rmtree(target)
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(target),
            "--no-compile",
            "--platform",
            "manylinux2014_x86_64",
            "--implementation",
            "cp",
            "--python-version",
            "3.11",
            "--abi",
            "cp311",
            "--only-binary=:all:",
            *lambda_requirements(),
        ],
        check=True,
    )
    for name in RUNTIME_PROVIDED:
        for leftover in target.glob(f"{name}*"):
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()


def _write_zip(staging: Path, zip_path: Path) -> None:
    tmp = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(staging.rglob("*")):
            if path.is_dir():
                continue
            info = zipfile.ZipInfo(str(path.relative_to(staging)), date_time=_FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    tmp.replace(zip_path)


def build(python: str = sys.executable, *, force: bool = False) -> tuple[Path, bool]:
    """Build the zip if its inputs changed; returns (path, rebuilt)."""
    digest = inputs_digest()
    stamp = paths.LAMBDA_BUILD / "inputs.sha256"
    if not force and paths.LAMBDA_ZIP.exists() and stamp.exists() and stamp.read_text() == digest:
        return paths.LAMBDA_ZIP, False

    paths.LAMBDA_BUILD.mkdir(parents=True, exist_ok=True)
    deps = paths.LAMBDA_BUILD / "deps"
    deps_stamp = paths.LAMBDA_BUILD / "deps.sha256"
    deps_digest = hashlib.sha256(json.dumps(lambda_requirements()).encode()).hexdigest()
    if force or not deps_stamp.exists() or deps_stamp.read_text() != deps_digest:
        install_dependencies(python, deps)
        deps_stamp.write_text(deps_digest)

    staging = paths.LAMBDA_BUILD / "staging"
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(deps, staging)
    shutil.copytree(
        paths.FUNCTIONS / "image_service",
        staging / "image_service",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    # The code directory is read-only on Lambda: ship 3.11 bytecode so cold starts skip compiling.
    # unchecked-hash pycs stay valid whatever the file timestamps after unzipping.
    subprocess.run(
        [
            python,
            "-m",
            "compileall",
            "-q",
            "-f",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            str(staging),
        ],
        check=True,
    )
    _write_zip(staging, paths.LAMBDA_ZIP)
    stamp.write_text(digest)
    return paths.LAMBDA_ZIP, True
