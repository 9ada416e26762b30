"""The Lambda artifact: the image_service package plus its dependencies, for the runtime and one
architecture (devtools/runtime.py).

The zip is deterministic (sorted entries, fixed timestamps), so Terraform's source hash changes
only when the contents do, and it is rebuilt only when its inputs change. Beside it, a manifest
says what it was built for; the deploy compares that with the emulator before Terraform runs."""

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import TypedDict

from devtools import paths, runtime

# What the python3.13 Lambda runtime already provides; never shipped.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class Manifest(TypedDict):
    runtime: str
    python_version: str
    abi: str
    architecture: str


class PackageError(RuntimeError):
    """The zip cannot be built as asked (unknown architecture, wrong build interpreter)."""


def manifest_for(architecture: str) -> Manifest:
    return Manifest(
        runtime=runtime.LAMBDA_RUNTIME,
        python_version=runtime.PYTHON_VERSION,
        abi=runtime.ABI,
        architecture=architecture,
    )


def read_manifest(architecture: str) -> Manifest | None:
    try:
        document = json.loads(paths.lambda_manifest(architecture).read_text())
    except (FileNotFoundError, ValueError):
        return None
    return Manifest(
        runtime=str(document.get("runtime", "")),
        python_version=str(document.get("python_version", "")),
        abi=str(document.get("abi", "")),
        architecture=str(document.get("architecture", "")),
    )


def _sources() -> list[Path]:
    return sorted(
        path
        for path in (paths.FUNCTIONS / "image_service").rglob("*")
        if path.is_file() and path.suffix == ".py" and "__pycache__" not in path.parts
    )


def inputs_digest(architecture: str, requirements: str) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([requirements, manifest_for(architecture)]).encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(Path(runtime.__file__).read_bytes())
    for source in _sources():
        digest.update(str(source.relative_to(paths.FUNCTIONS)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _architecture(name: str) -> runtime.Architecture:
    try:
        return runtime.ARCHITECTURES[name]
    except KeyError:
        raise PackageError(
            f"unknown Lambda architecture {name!r}: choose one of {', '.join(runtime.ARCHITECTURES)}"
        ) from None


def install_dependencies(python: str, target: Path, architecture: str, requirements: str) -> None:
    """pip-install `requirements` (the lambda group as uv.lock pins it: a requirements file with
    hashes) as the runtime's wheels for `architecture`, whatever this machine is."""
    platform_args = [
        argument for tag in _architecture(architecture).wheel_platforms for argument in ("--platform", tag)
    ]
    if target.exists():
        shutil.rmtree(target)
    requirements_file = target.with_name("requirements.txt")
    requirements_file.write_text(requirements)
    pins = [line.split()[0] for line in requirements.splitlines() if line[:1].isalnum()]
    print(f"installing the lambda group for {runtime.ABI} {architecture} from uv.lock: {' '.join(pins)}")
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
            *platform_args,
            "--implementation",
            "cp",
            "--python-version",
            runtime.PYTHON_VERSION,
            "--abi",
            runtime.ABI,
            "--only-binary=:all:",
            "--require-hashes",
            "-r",
            str(requirements_file),
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


def _python_version(python: str) -> str:
    result = subprocess.run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def build(
    python: str,
    requirements: str,
    *,
    architecture: str = runtime.DEFAULT_ARCHITECTURE,
    force: bool = False,
) -> tuple[Path, bool]:
    """Build the zip for `architecture` with `requirements` (the lambda group as uv.lock pins it)
    if its inputs changed; returns (path, rebuilt)."""
    _architecture(architecture)
    zip_path = paths.lambda_zip(architecture)
    digest = inputs_digest(architecture, requirements)
    work = paths.LAMBDA_BUILD / architecture
    stamp = work / "inputs.sha256"
    if not force and zip_path.exists() and stamp.exists() and stamp.read_text() == digest:
        return zip_path, False
    # The bytecode shipped is compiled by this interpreter: it must be the runtime's version.
    if (version := _python_version(python)) != runtime.PYTHON_VERSION:
        raise PackageError(
            f"the zip is for {runtime.LAMBDA_RUNTIME} but would be built with Python {version} ({python}):"
            f" run the build with Python {runtime.PYTHON_VERSION} (./noxw finds it)"
        )

    work.mkdir(parents=True, exist_ok=True)
    deps = work / "deps"
    deps_stamp = work / "deps.sha256"
    deps_digest = hashlib.sha256(json.dumps([requirements, manifest_for(architecture)]).encode()).hexdigest()
    if force or not deps_stamp.exists() or deps_stamp.read_text() != deps_digest:
        install_dependencies(python, deps, architecture, requirements)
        deps_stamp.write_text(deps_digest)

    staging = work / "staging"
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(deps, staging)
    shutil.copytree(
        paths.FUNCTIONS / "image_service",
        staging / "image_service",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    # The code directory is read-only on Lambda: ship the runtime's bytecode so cold starts skip
    # compiling. unchecked-hash pycs stay valid whatever the file timestamps after unzipping.
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
    _write_zip(staging, zip_path)
    paths.lambda_manifest(architecture).write_text(json.dumps(manifest_for(architecture), indent=2) + "\n")
    stamp.write_text(digest)
    return zip_path, True
