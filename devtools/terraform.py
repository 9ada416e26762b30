"""Running Terraform against the emulator: provider mirror, credentials, state location, outputs."""

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from devtools import paths
from devtools.emulator_process import aws_environment

# Checked in order when TF_PROVIDER_MIRROR is not set; a mirror is used only if it holds hashicorp/aws.
_KNOWN_MIRRORS = ("/opt/tf-plugins", "~/.terraform.d/mirror")
_AWS_PROVIDER = Path("registry.terraform.io/hashicorp/aws")


def provider_mirror() -> Path | None:
    """A filesystem mirror of the hashicorp/aws provider, for machines that can't reach the registry."""
    configured = os.environ.get("TF_PROVIDER_MIRROR")
    candidates = [configured] if configured else list(_KNOWN_MIRRORS)
    for candidate in candidates:
        mirror = Path(candidate).expanduser()
        if (mirror / _AWS_PROVIDER).is_dir():
            return mirror
    if configured:
        raise RuntimeError(f"TF_PROVIDER_MIRROR={configured} holds no {_AWS_PROVIDER}")
    return None


def cli_config(destination: Path | None = None) -> Path | None:
    """A CLI config installing hashicorp/* from the mirror and anything else from the registry,
    written to `destination` (default .build/terraform/terraformrc)."""
    mirror = provider_mirror()
    if mirror is None:
        return None
    config = destination or paths.TERRAFORM_BUILD / "terraformrc"
    config.parent.mkdir(parents=True, exist_ok=True)
    hashicorp = '["registry.terraform.io/hashicorp/*"]'
    config.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = {hashicorp}\n  }}\n'
        f"  direct {{\n    exclude = {hashicorp}\n  }}\n"
        "}\n"
    )
    return config


EMULATOR_DATA = paths.TERRAFORM_BUILD / "emulator-data"
# What a finished `terraform init` leaves in the data directory: backend settings, modules, providers.
_INITIALIZED = ("terraform.tfstate", "modules/modules.json", "providers")
_INIT_STAMP = EMULATOR_DATA / "init.sha256"


def environment() -> dict[str, str]:
    """Variables for terraform/tflocal runs against the emulator."""
    env = {
        **aws_environment(),
        # Path-style S3: *.localhost.localstack.cloud needs DNS that offline machines lack.
        "S3_HOSTNAME": "localhost",
        "TF_DATA_DIR": str(EMULATOR_DATA),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
    }
    config = cli_config()
    if config is not None:
        env["TF_CLI_CONFIG_FILE"] = str(config)
    elif not Path(os.environ.get("TF_CLI_CONFIG_FILE", "~/.terraformrc")).expanduser().exists():
        # A TF_CLI_CONFIG_FILE naming a missing file only produces warnings; drop it.
        env["TF_CLI_CONFIG_FILE"] = ""
    return env


def require_terraform() -> str:
    binary = shutil.which("terraform")
    if binary is None:
        raise RuntimeError(
            "terraform is not on PATH: install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install)"
        )
    return binary


def _init_digest(init_args: Sequence[str]) -> str:
    """Everything `terraform init` reads: its arguments, the binary, the CLI config (provider
    mirror), the configuration (module calls, provider requirements, backend) and the lock file."""
    digest = hashlib.sha256(json.dumps(list(init_args)).encode())
    binary = Path(require_terraform())
    digest.update(f"{binary}:{binary.stat().st_size}:{binary.stat().st_mtime_ns}".encode())
    config = cli_config()
    digest.update(config.read_bytes() if config is not None else b"no mirror")
    # tflocal's provider override exists only while tflocal runs; init does not depend on it.
    sources = [path for path in paths.TERRAFORM.rglob("*.tf") if not path.name.endswith("_override.tf")]
    for source in sorted([*sources, paths.TERRAFORM / ".terraform.lock.hcl"]):
        if source.exists():
            digest.update(str(source.relative_to(paths.TERRAFORM)).encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()


def is_initialized(init_args: Sequence[str]) -> bool:
    """True when `terraform init` with these arguments already ran on the same inputs."""
    if not all((EMULATOR_DATA / part).exists() for part in _INITIALIZED):
        return False
    return _INIT_STAMP.exists() and _INIT_STAMP.read_text() == _init_digest(init_args)


def mark_initialized(init_args: Sequence[str]) -> None:
    """Record a successful `terraform init` (after it, since init writes the lock file)."""
    _INIT_STAMP.write_text(_init_digest(init_args))


def state_is_empty() -> bool:
    """True when the emulator state records no resource (never deployed, or destroyed)."""
    try:
        state = json.loads(paths.EMULATOR_STATE.read_text())
    except FileNotFoundError:
        return True
    except ValueError:
        return False  # unreadable: let Terraform plan against it and say what is wrong
    return not state.get("resources")


def outputs() -> dict[str, object]:
    """Outputs of the emulator deployment (sensitive ones included), or {} when nothing is deployed."""
    if not paths.EMULATOR_STATE.exists() or not EMULATOR_DATA.exists():
        return {}
    result = subprocess.run(
        [require_terraform(), f"-chdir={paths.TERRAFORM}", "output", "-json"],
        env={**os.environ, **environment()},
        capture_output=True,
        text=True,
        check=True,
    )
    return {name: value["value"] for name, value in json.loads(result.stdout or "{}").items()}


# The emulator stack's own variables: two keys, i.e. two tenants (terraform/emulator.tfvars).
EMULATOR_VARS = "emulator.tfvars"


def emulator_variables() -> list[str]:
    """The variables of every emulator apply: its tfvars and a bucket that a destroy may empty
    (throwaway stacks only). The zip is the one Terraform names for lambda_architecture."""
    return [f"-var-file={EMULATOR_VARS}", "-var=force_destroy_bucket=true"]


def var_files(terraform_args: Sequence[str]) -> list[Path]:
    """The -var-file arguments of a command line, as paths (relative ones are under terraform/)."""
    files = []
    for argument in terraform_args:
        if argument.startswith("-var-file="):
            files.append(paths.TERRAFORM / argument.removeprefix("-var-file="))
    return files
