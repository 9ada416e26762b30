"""Running Terraform against the emulator: provider mirror, credentials, state location, outputs."""

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from devtools import paths
from devtools.emulator_process import aws_environment

# The colour codes of Terraform's output (CI sets -no-color; a terminal run has them).
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def uncoloured(line: str) -> str:
    """A line of Terraform's output without its colour codes."""
    return _COLOUR.sub("", line)


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
    """Variables for terraform/tflocal runs against the emulator (the sessions', non-interactive)."""
    return {**shell_environment(), "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"}


def shell_environment() -> dict[str, str]:
    """What Terraform needs to work on the emulator stack's state: its endpoint and credentials,
    the data directory that `nox -s deploy` initialised (backend = .build/terraform/emulator.tfstate),
    the provider mirror on offline machines. A shell that sources `.build/emulator.env` has exactly
    these, so `tflocal plan` there sees what the deploy sees."""
    emulator = aws_environment()
    env = {
        **emulator,
        # Path-style S3: *.localhost.localstack.cloud needs DNS that offline machines lack. tflocal
        # writes an S3 endpoint on this host with path-style addressing; plain terraform (the AWS
        # provider reads AWS_ENDPOINT_URL*) addresses buckets as hosts unless the endpoint is an IP
        # address, and <bucket>.localhost resolves nowhere offline.
        "S3_HOSTNAME": "localhost",
        "AWS_ENDPOINT_URL_S3": _loopback_ip(emulator["AWS_ENDPOINT_URL"]),
        "TF_DATA_DIR": str(EMULATOR_DATA),
        "CHECKPOINT_DISABLE": "1",
    }
    config = cli_config()
    if config is not None:
        env["TF_CLI_CONFIG_FILE"] = str(config)
    elif not Path(os.environ.get("TF_CLI_CONFIG_FILE", "~/.terraformrc")).expanduser().exists():
        # A TF_CLI_CONFIG_FILE naming a missing file only produces warnings; drop it.
        env["TF_CLI_CONFIG_FILE"] = ""
    return env


def _loopback_ip(url: str) -> str:
    parts = urlsplit(url)
    if parts.hostname != "localhost":
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace("localhost", "127.0.0.1", 1)))


def write_shell_environment(tflocal: Path) -> Path:
    """`.build/emulator.env`: `shell_environment()` as exports, and `tflocal` (the deploy's own)
    on PATH through `.build/bin`. Sourcing it is the one step before driving Terraform by hand."""
    paths.BUILD_BIN.mkdir(parents=True, exist_ok=True)
    link = paths.BUILD_BIN / "tflocal"
    link.unlink(missing_ok=True)
    link.symlink_to(tflocal)
    lines = [
        "# Written by `nox -s deploy`: source it (`. .build/emulator.env`) to drive the emulator",
        "# stack's Terraform yourself, on the same state and settings as the deploy. Not for AWS:",
        "# it points every AWS SDK and Terraform at the emulator.",
        *(f"export {name}={shlex.quote(value)}" for name, value in sorted(shell_environment().items())),
        (
            f'case ":$PATH:" in *":{paths.BUILD_BIN}:"*) ;; '
            f'*) export PATH={shlex.quote(str(paths.BUILD_BIN))}:"$PATH" ;; esac'
        ),
    ]
    paths.EMULATOR_ENV.write_text("\n".join(lines) + "\n")
    return paths.EMULATOR_ENV


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
    """Record a successful `terraform init` (after it: the stamp means init passed on these inputs)."""
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


# The emulator stack's own variables: two keys, i.e. two tenants, and a bucket a destroy may empty
# (terraform/emulator.tfvars). The zip is the one Terraform names for lambda_architecture.
EMULATOR_VARS = "emulator.tfvars"


def emulator_variables() -> list[str]:
    """The arguments of every emulator plan and apply: the one documented for doing it by hand."""
    return [f"-var-file={EMULATOR_VARS}"]


def var_files(terraform_args: Sequence[str]) -> list[Path]:
    """The -var-file arguments of a command line, as paths (relative ones are under terraform/)."""
    files = []
    for argument in terraform_args:
        if argument.startswith("-var-file="):
            files.append(paths.TERRAFORM / argument.removeprefix("-var-file="))
    return files
