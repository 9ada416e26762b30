"""The README's "Drive Terraform yourself" block, run verbatim against the deployed emulator stack:
right after a deploy, tflocal and plain terraform both plan no change on the deploy's own state."""

import os
import re
import subprocess
from pathlib import Path

import pytest

from devtools import paths

pytestmark = pytest.mark.emulator_only


def readme_block(heading: str) -> str:
    readme = (paths.ROOT / "README.md").read_text()
    section = readme[readme.index(f"## {heading}\n") :]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match is not None, f"no sh block under {heading}"
    return match.group(1)


def test_the_readme_commands_plan_no_change_on_the_deployed_state() -> None:
    block = readme_block("Drive Terraform yourself")
    assert "tflocal plan" in block
    assert "terraform plan" in block
    # Given a user's shell: none of the sessions' AWS or Terraform settings
    env = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "TF_", "S3_"))}
    env["PATH"] = os.pathsep.join(part for part in env["PATH"].split(os.pathsep) if ".nox" not in part)
    # When the README's commands run, as written, from the repository root
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        cwd=paths.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    # Then both plans ran, on the deploy's state, and found nothing to change
    assert result.returncode == 0, output
    assert output.count("No changes.") == 2, output
    assert "to add" not in output, output


def test_a_change_applied_by_hand_is_what_the_deploy_then_finds(tmp_path: Path) -> None:
    # Given the deployed stack and the README's environment file
    tfvars = paths.TERRAFORM / "emulator.tfvars"
    original = tfvars.read_text()
    env = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "TF_", "S3_"))}
    env["PATH"] = os.pathsep.join(part for part in env["PATH"].split(os.pathsep) if ".nox" not in part)
    by_hand = ". .build/emulator.env && cd terraform && tflocal apply -auto-approve -input=false -var-file=emulator.tfvars"
    try:
        # When a variable is changed in terraform/emulator.tfvars and applied with tflocal by hand
        tfvars.write_text(original + "\nthrottle_rate_limit = 50\n")
        applied = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", by_hand],
            cwd=paths.ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert "1 changed" in applied.stdout or "changed, 0 destroyed" in applied.stdout, applied.stdout
        # Then `./noxw -s deploy` runs the same plan on the same state and finds it already applied
        deployed = subprocess.run(
            ["./noxw", "-s", "deploy"],
            cwd=paths.ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert deployed.returncode == 0, deployed.stderr
        assert "terraform: no changes, nothing to apply" in deployed.stderr, deployed.stderr
    finally:
        tfvars.write_text(original)
        # And the stack is put back as the deploy makes it
        restored = subprocess.run(
            ["./noxw", "-s", "deploy"],
            cwd=paths.ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert restored.returncode == 0, restored.stderr
