"""Deploy times on the emulator: a cold deploy (every resource created from an empty state) and a
no-op re-deploy (`nox -s deploy` with nothing changed, as a developer runs it).

The cold deploy applies the same Terraform as a second stack (its own name prefix, state and data
directory) and destroys it afterwards, so the stack under measurement is never touched."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.figures import Figure
from bench.progress import Progress
from bench.timing import Spread
from devtools import paths, terraform

COLD_DIR = paths.BUILD / "bench" / "cold-deploy"
COLD_PREFIX = "bench-cold"
LOG = paths.BUILD / "bench" / "deploy.log"
# terraform-local, from this virtualenv (on PATH inside `nox -s bench`)
TFLOCAL = shutil.which("tflocal") or str(Path(sys.executable).with_name("tflocal"))


def _run(command: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds `command` took; its output goes to the log, and a failure raises."""
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with LOG.open("a") as log:
        log.write(f"\n$ {' '.join(command)}\n")
        log.flush()
        started = time.monotonic()
        subprocess.run(command, cwd=paths.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
    return time.monotonic() - started


def _cold_environment() -> dict[str, str]:
    return {**os.environ, **terraform.environment(), "TF_DATA_DIR": str(COLD_DIR / "data")}


def cold_deploy() -> tuple[float, float]:
    """(init seconds, apply seconds) of the whole stack into an empty state; destroyed after."""
    if COLD_DIR.exists():
        shutil.rmtree(COLD_DIR)
    COLD_DIR.mkdir(parents=True)
    env = _cold_environment()
    chdir = f"-chdir={paths.TERRAFORM}"
    variables = [*terraform.emulator_variables(), f"-var=name_prefix={COLD_PREFIX}"]
    init = _run(
        [TFLOCAL, chdir, "init", "-input=false", f"-backend-config=path={COLD_DIR / 'terraform.tfstate'}"],
        env,
    )
    try:
        apply = _run([TFLOCAL, chdir, "apply", "-input=false", "-auto-approve", *variables], env)
    finally:
        _run([TFLOCAL, chdir, "destroy", "-input=false", "-auto-approve", *variables], env)
    return init, apply


def noop_redeploy() -> float:
    """`./noxw -s deploy` on the deployed stack, nothing changed: what a developer waits for."""
    return _run([str(paths.ROOT / "noxw"), "-s", "deploy"])


def deploy_figures(runs: int, progress: Progress) -> list[Figure]:
    tick = progress.step("deploy: no-op, then cold", runs + 1)
    noop = []
    for _ in range(runs):
        noop.append(noop_redeploy())
        tick()
    init, apply = cold_deploy()
    tick()
    section = "Deploy (emulator)"
    return [
        Figure(section, "no-op re-deploy (`nox -s deploy`, nothing changed)", "s", Spread(noop), budget=10),
        Figure(
            section,
            "cold deploy (terraform apply, every resource, empty state)",
            "s",
            Spread([apply]),
            budget=60,
            detail=(
                f"terraform init before it: {init:.1f} s; a second stack, destroyed after. 55 s of it"
                " is the AWS provider's fixed wait on aws_s3_bucket_lifecycle_configuration (10 s,"
                " then 10 matching reads 5 s apart: waitLifecycleConfigEquals), the same on AWS"
            ),
        ),
    ]
