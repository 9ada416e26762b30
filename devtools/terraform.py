"""Running Terraform against the emulator: provider mirror, credentials, state location, outputs."""

import json
import os
import shutil
import subprocess
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


def environment() -> dict[str, str]:
    """Variables for terraform/tflocal runs against the emulator."""
    env = {
        **aws_environment(),
        # Path-style S3: *.localhost.localstack.cloud needs DNS that offline machines lack.
        "S3_HOSTNAME": "localhost",
        "TF_DATA_DIR": str(paths.TERRAFORM_BUILD / "emulator-data"),
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


def outputs() -> dict[str, object]:
    """Outputs of the emulator deployment (sensitive ones included), or {} when nothing is deployed."""
    if not paths.EMULATOR_STATE.exists() or not (paths.TERRAFORM_BUILD / "emulator-data").exists():
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


def emulator_variables(package: Path) -> list[str]:
    """The variables of every emulator apply: its tfvars, the zip, and a bucket that a destroy
    may empty (throwaway stacks only)."""
    return [
        f"-var-file={EMULATOR_VARS}",
        f"-var=function_package={package}",
        "-var=force_destroy_bucket=true",
    ]
