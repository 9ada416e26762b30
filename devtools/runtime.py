"""The Lambda runtime the functions are built for, defined once.

Lambda's ``python3.13`` runs on Amazon Linux 2023 (glibc 2.34), so the zip takes manylinux_2_28
wheels as well as manylinux2014 ones. The toolchain follows the runtime: nox sessions and the
embedded emulator (which runs functions with its own interpreter) use this Python version, and
``tests/contract/test_runtime.py`` checks that the Terraform, pyproject.toml and
docker-compose.yml state the same one.

This module is imported by ``devtools/find_python.py``, which any Python 3 may run: keep it to
the standard library and to syntax Python 3.8 reads."""

from __future__ import annotations

import platform
from dataclasses import dataclass

PYTHON_VERSION = "3.13"
LAMBDA_RUNTIME = "python" + PYTHON_VERSION
ABI = "cp" + PYTHON_VERSION.replace(".", "")


@dataclass(frozen=True)
class Architecture:
    """One of Lambda's instruction set architectures, as each tool names it."""

    lambda_name: str  # aws_lambda_function.architectures
    machine: str  # platform.machine() on Linux, and the wheel tags' suffix
    elf_machine: int  # e_machine of the ELF header of its shared objects

    @property
    def wheel_platforms(self) -> tuple[str, ...]:
        """pip --platform tags the runtime loads, newest first (pip also takes older manylinux tags)."""
        return (f"manylinux_2_28_{self.machine}", f"manylinux2014_{self.machine}")


ARCHITECTURES = {
    "x86_64": Architecture(lambda_name="x86_64", machine="x86_64", elf_machine=0x3E),
    "arm64": Architecture(lambda_name="arm64", machine="aarch64", elf_machine=0xB7),
}
# terraform/variables.tf's lambda_architecture default (tests/contract/test_runtime.py compares).
DEFAULT_ARCHITECTURE = "x86_64"

_MACHINE_ALIASES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}


def architecture_of_machine(machine: str) -> str | None:
    """The Lambda architecture a `platform.machine()` value executes natively, if Lambda has it."""
    return _MACHINE_ALIASES.get(machine.lower())


def host_architecture() -> str | None:
    return architecture_of_machine(platform.machine())
