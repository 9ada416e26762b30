"""What the deploy checks before Terraform runs: that the emulator can run the zip it is given.

MiniStack runs Python functions with its own interpreter on the host's CPU. A zip built for
another Python (its compiled wheels, pydantic_core and Pillow, target one ABI) or for another
architecture deploys without complaint and then answers 502 to every request; these checks turn
that into one clear message before anything is applied."""

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from devtools import runtime
from devtools.lambda_package import Manifest

# What emulator/__main__.py adds to the health document: the interpreter that runs the functions.
HEALTH_RUNTIME_KEY = "functions_runtime"

_VAR_ARGUMENT = re.compile(r"^(?:-var=)?lambda_architecture=(?P<value>.*)$")
_TFVARS_LINE = re.compile(r'^\s*lambda_architecture\s*=\s*"(?P<value>[^"]*)"\s*(?:#.*)?$', re.MULTILINE)


class DeployCheckError(RuntimeError):
    """The emulator cannot run the zip: deploying would give a stack that answers 502."""


def requested_architecture(var_files: Sequence[Path], terraform_args: Sequence[str]) -> str:
    """`lambda_architecture` as Terraform will see it: the default, then each -var-file, then -var
    arguments, the later winning."""
    architecture = runtime.DEFAULT_ARCHITECTURE
    for var_file in var_files:
        if var_file.exists() and (match := _TFVARS_LINE.search(var_file.read_text())):
            architecture = match["value"]
    arguments = list(terraform_args)
    for index, argument in enumerate(arguments):
        value = argument
        if argument == "-var" and index + 1 < len(arguments):
            value = arguments[index + 1]
        if match := _VAR_ARGUMENT.match(value):
            architecture = match["value"].strip("'\"")
    return architecture


def check_architecture(architecture: str, executes: str | None, where: str) -> None:
    """Refuse a zip for an architecture the emulator cannot execute (it runs the host's only)."""
    if architecture not in runtime.ARCHITECTURES:
        raise DeployCheckError(
            f"lambda_architecture={architecture!r} is not one of {', '.join(runtime.ARCHITECTURES)}"
        )
    if executes is not None and architecture != executes:
        raise DeployCheckError(
            f"lambda_architecture={architecture}, but {where} executes {executes} code only: functions"
            f" built for {architecture} cannot run there. Deploy {architecture} to AWS; on the emulator"
            f" use lambda_architecture={executes}"
        )


def emulator_runtime(health: Mapping[str, object]) -> tuple[str, str] | None:
    """(Python major.minor, Lambda architecture) the emulator runs functions with, when it says."""
    described = health.get(HEALTH_RUNTIME_KEY)
    if not isinstance(described, Mapping):
        return None
    python, machine = str(described.get("python", "")), str(described.get("machine", ""))
    return ".".join(python.split(".")[:2]), runtime.architecture_of_machine(machine) or machine


def check_emulator(health: Mapping[str, object], manifest: Manifest | None, endpoint: str) -> str:
    """Raise when the emulator on `endpoint` cannot run the zip `manifest` describes; otherwise
    say what was checked."""
    if manifest is None:
        raise DeployCheckError(
            "the Lambda zip has no build manifest: rebuild it with `./noxw -s build -- --force`"
        )
    if manifest["python_version"] != runtime.PYTHON_VERSION:
        raise DeployCheckError(
            f"the Lambda zip was built for Python {manifest['python_version']}, the functions run"
            f" {runtime.LAMBDA_RUNTIME}: rebuild it with `./noxw -s build -- --force`"
        )
    described = emulator_runtime(health)
    if described is None:
        # LocalStack runs each runtime in its own container; nothing of ours to compare with.
        return f"the emulator on {endpoint} does not say which Python runs its functions: not checked"
    python, architecture = described
    if python != manifest["python_version"]:
        raise DeployCheckError(
            f"the emulator on {endpoint} runs Lambda functions with Python {python}, but the zip is"
            f" built for {manifest['runtime']} ({manifest['abi']} wheels): its compiled modules would not"
            f" load and every request would answer 502. Restart the emulator on Python"
            f" {manifest['python_version']}: `./noxw -s down`, then `./noxw -s deploy`"
        )
    check_architecture(manifest["architecture"], architecture, f"the emulator on {endpoint}")
    return f"the emulator runs functions with Python {python} on {architecture}, as the zip needs"
