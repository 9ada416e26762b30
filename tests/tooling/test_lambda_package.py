"""The Lambda zips `nox -s tests` builds: each holds machine code for its architecture only.

A wheel for the wrong CPU installs without complaint (pip is told the platform, it does not check
the files) and fails only when Lambda imports it; this reads every shared object's ELF header."""

import json
import zipfile
from typing import Literal

import pytest

from devtools import lambda_package, paths, runtime

ELF_MAGIC = b"\x7fELF"


def shared_objects(architecture: str) -> dict[str, int]:
    """Every ELF file in the zip, by name, with its e_machine."""
    zip_path = paths.lambda_zip(architecture)
    if not zip_path.is_file():
        pytest.fail(f"{zip_path} is missing: `nox -s build -- --architecture {architecture}` writes it")
    machines = {}
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            with archive.open(name) as member:
                header = member.read(20)
            if header[:4] == ELF_MAGIC:
                # e_machine: 2 bytes at offset 18, in the byte order e_ident[5] names (1 = little).
                order: Literal["little", "big"] = "little" if header[5] == 1 else "big"
                machines[name] = int.from_bytes(header[18:20], order)
    return machines


@pytest.mark.parametrize("architecture", sorted(runtime.ARCHITECTURES))
def test_zip_holds_only_its_architectures_machine_code(architecture: str) -> None:
    expected = runtime.ARCHITECTURES[architecture].elf_machine
    machines = shared_objects(architecture)
    # pydantic_core, Pillow (and its bundled libraries) and pybase64 are compiled.
    assert any("pydantic_core" in name for name in machines)
    assert any(name.startswith("PIL/") for name in machines)
    wrong = {name: hex(machine) for name, machine in machines.items() if machine != expected}
    assert not wrong, f"{architecture} zip holds other machine code: {wrong}"


@pytest.mark.parametrize("architecture", sorted(runtime.ARCHITECTURES))
def test_zip_is_built_for_the_runtimes_python(architecture: str) -> None:
    with zipfile.ZipFile(paths.lambda_zip(architecture)) as archive:
        names = archive.namelist()
    extensions = [name for name in names if name.endswith(".so") and "cpython-" in name]
    assert extensions
    tag = f"cpython-{runtime.ABI.removeprefix('cp')}-"
    assert all(tag in name for name in extensions), [name for name in extensions if tag not in name]
    # The bytecode is the runtime's too (compiled by the same interpreter version).
    assert any(name.endswith(f".{runtime.ABI.replace('cp', 'cpython-')}.pyc") for name in names)
    assert not any(name.startswith(("boto3/", "botocore/")) for name in names), "boto3 is the runtime's"
    manifest = json.loads(paths.lambda_manifest(architecture).read_text())
    assert manifest == lambda_package.manifest_for(architecture)
