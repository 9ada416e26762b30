"""Every workflow of the project: `nox -l` lists them. Deploy-like sessions run only when named."""

import argparse
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import NoReturn

import nox
from nox.project import dependency_groups

sys.path.insert(0, str(Path(__file__).parent))

from devtools import (
    cleaning,
    deploy_checks,
    dev_lock,
    emulator_process,
    find_python,
    lambda_package,
    lost_answers,
    paths,
    runtime,
    stack,
    terraform,
)

# nox.project.dependency_groups (PEP 735, include-group resolved) is in nox 2025.02.09 and later.
nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "typecheck", "security", "tests"]

# Every session runs on the Lambda runtime's Python, wherever it is installed (PATH, PYTHON=, pyenv,
# uv): the embedded emulator runs the functions with the interpreter of the session that starts it.
_RUNTIME_PYTHON = find_python.find()
if _RUNTIME_PYTHON is None:
    print(f"nox: {find_python.NOT_FOUND}", file=sys.stderr)
PYTHON = _RUNTIME_PYTHON or runtime.PYTHON_VERSION
PYPROJECT = nox.project.load_toml(paths.PYPROJECT)


def locked(session: nox.Session, *groups: str) -> str:
    """The pinned, hashed requirements of `groups` from uv.lock; a stale lock fails the session."""
    try:
        return dev_lock.export(groups, python=_RUNTIME_PYTHON)
    except dev_lock.LockError as err:
        session.error(str(err))


def install_groups(session: nox.Session, *groups: str) -> None:
    """Install dependency groups into the session venv from uv.lock (every file's hash checked),
    skipping pip when the locked requirements did not change."""
    pinned = locked(session, *groups)
    digest = hashlib.sha256(pinned.encode()).hexdigest()[:16]
    venv = Path(session.virtualenv.location)
    stamp = venv / f".groups-{digest}"
    if stamp.exists():
        return
    requirements_file = venv / f"requirements-{digest}.txt"
    requirements_file.write_text(pinned)
    wanted = list(dict.fromkeys(dependency_groups(PYPROJECT, *groups)))
    session.log(
        f"installing {', '.join(groups)} from uv.lock ({len(wanted)} requirements; first run only):"
        f" {' '.join(wanted)}"
    )
    started = time.monotonic()
    session.install("--require-hashes", "-r", str(requirements_file))
    session.log(f"installed {', '.join(groups)} in {time.monotonic() - started:.0f} s")
    stamp.touch()


def session_python(session: nox.Session) -> str:
    return str(Path(session.bin) / "python")


def start_emulator(session: nox.Session) -> None:
    """Use the emulator answering on the endpoint, or start the embedded one."""
    if emulator_process.health() is not None:
        session.log(f"emulator already answering on {emulator_process.endpoint()}; using it")
        return
    session.log("preparing the emulator environment (MiniStack is installed on the first run only)")
    python = emulator_process.ensure_venv(session_python(session), locked(session, "emulator"))
    started = time.monotonic()
    try:
        pid = emulator_process.start(python)
    except RuntimeError as err:
        session.error(f"{err}\n{emulator_process.log_tail()}")
    elapsed = time.monotonic() - started
    session.log(f"emulator (pid {pid}) healthy on {emulator_process.endpoint()} in {elapsed:.1f} s")
    session.log(f"emulator logs: {paths.EMULATOR_LOG}")


def build_package(
    session: nox.Session, architecture: str = runtime.DEFAULT_ARCHITECTURE, *, force: bool = False
) -> Path:
    try:
        zip_path, rebuilt = lambda_package.build(
            session_python(session),
            locked(session, "lambda"),
            architecture=architecture,
            force=force,
        )
    except lambda_package.PackageError as err:
        session.error(str(err))
    size = zip_path.stat().st_size / 1e6
    session.log(
        f"{'built' if rebuilt else 'up to date'}: {zip_path}"
        f" ({runtime.LAMBDA_RUNTIME} {architecture}, {size:.2f} MB)"
    )
    return zip_path


# Terraform's full output of every deploy (the plan alone prints the whole OpenAPI body); the
# session prints a summary and the path of this file.
TERRAFORM_LOG = paths.TERRAFORM_BUILD / "deploy.log"
_SUMMARY = re.compile(r"^(Plan:|Apply complete!|No changes\.|Destroy complete!|Error:|Terraform has been)")


def run_tflocal(session: nox.Session, *args: str) -> tuple[int, list[str]]:
    """`tflocal -chdir=terraform ARGS`, its output appended to TERRAFORM_LOG, its summary logged.

    Returns the exit code and the output lines, whatever the exit code."""
    terraform.require_terraform()
    command = [str(Path(session.bin) / "tflocal"), f"-chdir={paths.TERRAFORM}", *args]
    session.log(shlex.join(["tflocal", *command[1:]]) + f"  (full output: {TERRAFORM_LOG})")
    TERRAFORM_LOG.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **terraform.environment()}
    with TERRAFORM_LOG.open("a") as log:
        log.write(f"\n$ {shlex.join(command)}\n")
        log.flush()
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        lines: list[str] = []
        for line in process.stdout or ():
            log.write(line)
            lines.append(line)
            plain = terraform.uncoloured(line).strip()
            if _SUMMARY.match(plain):
                session.log(f"terraform: {plain}")
        returncode = process.wait()
    return returncode, lines


def terraform_failed(session: nox.Session, command: str, returncode: int, lines: list[str]) -> NoReturn:
    tail = "".join(lines[-40:])
    session.error(
        f"terraform {command} failed with exit code {returncode}:\n{tail}\nfull output: {TERRAFORM_LOG}"
    )


def tflocal(session: nox.Session, *args: str) -> int:
    """`run_tflocal`, failing the session on any exit code but 0 (and 2 for `plan -detailed-exitcode`)."""
    returncode, lines = run_tflocal(session, *args)
    allowed = {0, 2} if "-detailed-exitcode" in args else {0}
    if returncode not in allowed:
        terraform_failed(session, args[0], returncode, lines)
    return returncode


def tflocal_plan(session: nox.Session, plan_file: Path, *args: str) -> bool:
    """`tflocal plan -detailed-exitcode -out=plan_file`; True when the plan has something to apply."""
    returncode = tflocal(session, "plan", "-input=false", "-detailed-exitcode", f"-out={plan_file}", *args)
    return returncode == 2


def init_emulator_backend(session: nox.Session) -> None:
    """`terraform init`, unless it already ran on the same configuration, lock file and mirror."""
    # -lockfile=readonly: the providers are checked against the committed lock, never written to it
    args = (
        "-input=false",
        "-reconfigure",
        "-lockfile=readonly",
        f"-backend-config=path={paths.EMULATOR_STATE}",
    )
    if terraform.is_initialized(args):
        session.log("terraform init: up to date")
        return
    tflocal(session, "init", *args)
    terraform.mark_initialized(args)


def apply_stack(session: nox.Session, *terraform_args: str) -> None:
    """`up` + `build` + tflocal init/apply: the one code path that deploys to the emulator.

    `terraform_args` go to the command that plans (`apply` on an empty state, `plan` otherwise)."""
    variables = terraform.emulator_variables()
    architecture = deploy_checks.requested_architecture(
        terraform.var_files([*variables, *terraform_args]), terraform_args
    )
    try:
        terraform.require_terraform()
        if emulator_process.health() is None:
            # The embedded emulator runs functions on this machine's CPU: refuse before starting it.
            deploy_checks.check_architecture(architecture, runtime.host_architecture(), "this machine")
    except (RuntimeError, deploy_checks.DeployCheckError) as err:
        session.error(str(err))
    install_groups(session, "deploy")
    # The zip first: a build that cannot be made (wrong interpreter) fails before anything starts.
    build_package(session, architecture)
    # A stack made from nothing: an embedded emulator this deploy starts with no saved state.
    from_nothing = emulator_process.health() is None and not emulator_process.has_saved_state()
    start_emulator(session)
    try:
        session.log(
            deploy_checks.check_emulator(
                emulator_process.health() or {},
                lambda_package.read_manifest(architecture),
                emulator_process.endpoint(),
            )
        )
    except deploy_checks.DeployCheckError as err:
        session.error(str(err))
    paths.TERRAFORM_BUILD.mkdir(parents=True, exist_ok=True)
    if terraform.provider_mirror() is not None:
        session.log(f"terraform providers from the mirror {terraform.provider_mirror()}")
    init_emulator_backend(session)
    terraform.write_shell_environment(Path(session.bin) / "tflocal")
    if terraform.state_is_empty():
        # Nothing to compare against: apply at once (a saved plan would cost one more provider start).
        apply = ("apply", "-input=false", "-auto-approve", *variables, *terraform_args)
        returncode, lines = run_tflocal(session, *apply)
        lost = lost_answers.conflicting_creates(lines) if returncode != 0 and from_nothing else []
        if returncode != 0 and not lost:
            terraform_failed(session, "apply", returncode, lines)
        if lost:
            # Only this apply made anything, so nothing is lost by starting over (devtools/lost_answers.py).
            session.warn(
                "terraform: the AWS provider's SDK sent a create again after losing its answer, and met "
                f"what the first try had made ({', '.join(lost)}); starting over from an empty stack, once"
            )
            emulator_process.stop()
            cleaning.remove(cleaning.stack_state())
            start_emulator(session)
            terraform.write_shell_environment(Path(session.bin) / "tflocal")
            tflocal(session, *apply)
        return
    # Plan, and apply only a plan with changes: an apply with none still starts and configures the
    # AWS provider once more (about 2 s) before saying so.
    plan_file = paths.TERRAFORM_BUILD / "emulator.tfplan"
    if tflocal_plan(session, plan_file, *variables, *terraform_args):
        tflocal(session, "apply", "-input=false", str(plan_file))
    else:
        session.log("terraform: no changes, nothing to apply")
    plan_file.unlink(missing_ok=True)


def deployed_stack(session: nox.Session) -> stack.Stack:
    deployed = stack.load()
    if deployed is None:
        session.error("nothing is deployed on the emulator: run `nox -s deploy` first")
    return deployed


@nox.session(python=PYTHON)
def build(session: nox.Session) -> None:
    """Zip functions + dependencies for Lambda python3.13 on change (`-- --architecture arm64`, `--force`)."""
    parser = argparse.ArgumentParser(prog="nox -s build --")
    parser.add_argument(
        "--architecture", choices=sorted(runtime.ARCHITECTURES), default=runtime.DEFAULT_ARCHITECTURE
    )
    parser.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    options = parser.parse_args(session.posargs)
    build_package(session, options.architecture, force=options.force)


@nox.session(python=PYTHON, default=False)
def up(session: nox.Session) -> None:
    """Start the embedded emulator in the background (no-op when one answers on the endpoint)."""
    start_emulator(session)


@nox.session(python=False, default=False)
def down(session: nox.Session) -> None:
    """Stop the embedded emulator that `up` started; it saves its state, which `up` loads again."""
    if emulator_process.stop():
        session.log("emulator stopped")
    else:
        session.log("no emulator started by `up` is running")


@nox.session(python=PYTHON, default=False)
def deploy(session: nox.Session) -> None:
    """Deploy the stack on the emulator (up + build + tflocal apply) and print its URL and key."""
    started = time.monotonic()
    apply_stack(session, *session.posargs)
    deployed = deployed_stack(session)
    session.log(f"deployed in {time.monotonic() - started:.1f} s")
    print(f"\nBASE_URL={deployed.base_url}\nAPI_KEY={deployed.api_key}\n")
    print(f'Try:  curl -s -H "x-api-key: {deployed.api_key}" "{deployed.base_url}/v1/images?user_id=alice"')


@nox.session(python=PYTHON, default=False)
def destroy(session: nox.Session) -> None:
    """Tear the emulator stack down (terraform destroy)."""
    install_groups(session, "deploy")
    if emulator_process.health() is None:
        session.error(f"no emulator answers on {emulator_process.endpoint()}; nothing to destroy")
    init_emulator_backend(session)
    tflocal(
        session,
        "destroy",
        "-input=false",
        "-auto-approve",
        *terraform.emulator_variables(),
        *session.posargs,
    )


@nox.session(python=PYTHON, default=False)
def seed(session: nox.Session) -> None:
    """Upload the sample images in seed/ through the deployed API (re-runs add nothing)."""
    install_groups(session, "seed")
    deployed = deployed_stack(session)
    args = list(session.posargs)
    if "--base-url" not in args and "--api-id" not in args:
        args += ["--base-url", deployed.base_url]
    if "--api-key" not in args:
        args += ["--api-key", deployed.api_key]
    session.run("python", "seed/seed_images.py", *args)


@nox.session(python=PYTHON, default=False)
def docs(session: nox.Session) -> None:
    """Swagger UI for openapi/api.yaml on http://localhost:8080 (the API's CORS origin), calling the stack."""
    import signal  # noqa: PLC0415 - only this session handles a signal

    install_groups(session, "docs")
    deployed = deployed_stack(session)

    # SIGTERM to nox (`kill`, a process manager) is handled as Ctrl-C: nox then stops the server
    # before it exits (by default it would die and leave the server holding the port).
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        session.run(
            "python",
            "-m",
            "devtools.api_docs",
            "--server-url",
            deployed.base_url,
            "--origin",
            deployed.cors_allow_origin,
            "--api-key",
            deployed.api_key,
            *session.posargs,
        )
    finally:
        signal.signal(signal.SIGTERM, previous)


@nox.session(python=PYTHON, default=False)
def gallery(session: nox.Session) -> None:
    """A page on http://localhost:8081 showing a user's images through share links and presets."""
    import signal  # noqa: PLC0415 - only the serving sessions handle a signal

    deployed = deployed_stack(session)
    # The key stays with the page's server (devtools/gallery.py); the browser gets links only.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # as `docs` does
    try:
        session.run(
            "python",
            "-m",
            "devtools.gallery",
            "--server-url",
            deployed.base_url,
            "--api-key",
            deployed.api_key,
            "--presets",
            ",".join(deployed.image_presets),
            *session.posargs,
        )
    finally:
        signal.signal(signal.SIGTERM, previous)


@nox.session(python=PYTHON, default=False)
def fuzz(session: nox.Session) -> None:
    """Schemathesis, every check, against openapi/api.yaml and the deployed stack (fixed seed)."""
    install_groups(session, "fuzz")
    deployed = deployed_stack(session)
    other_key = deployed.api_keys.get("second")
    if not other_key:
        session.error("no second API key in the stack (terraform/emulator.tfvars); fuzzing needs two tenants")
    work = paths.BUILD / "fuzz"
    work.mkdir(parents=True, exist_ok=True)
    # The keys as a Web Fuzzing Commons auth file, the one way to give schemathesis two identities.
    auth_file = work / "auth.json"
    auth_file.unlink(missing_ok=True)
    auth_file.touch(mode=0o600)
    tenants = {"tenant-a": deployed.api_key, "tenant-b": other_key}
    users = [
        {"name": name, "fixedHeaders": [{"name": "x-api-key", "value": key}]} for name, key in tenants.items()
    ]
    auth_file.write_text(json.dumps({"auth": users}))
    # The spec as Terraform reads it: its placeholders sit in x-amazon-apigateway-* extensions that
    # schemathesis ignores, and --url replaces its `servers` templates.
    session.run(
        "schemathesis",
        "--config-file",
        str(paths.ROOT / "tests" / "fuzz" / "schemathesis.toml"),
        "run",
        str(paths.OPENAPI),
        "--url",
        deployed.base_url,
        *session.posargs,
        env={
            "FUZZ_AUTH_FILE": str(auth_file),
            "HYPOTHESIS_STORAGE_DIRECTORY": str(work / "hypothesis"),
            # The hooks import tests.fixtures and the contract's patterns.
            "PYTHONPATH": os.pathsep.join([str(paths.ROOT), str(paths.FUNCTIONS)]),
        },
    )


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks against the deployed stack, each beside its floor (`-- --quick`; writes bench/results/)."""
    install_groups(session, "bench")
    session.run(
        "python",
        "-m",
        "bench",
        *session.posargs,
        # bench/ writes metadata items with the functions' own code, and imports test fixtures.
        env={
            "PYTHONPATH": os.pathsep.join([str(paths.ROOT), str(paths.FUNCTIONS)]),
            **emulator_process.aws_environment(),
        },
    )


@nox.session(python=False, default=False)
def info(session: nox.Session) -> None:
    """URL, API keys, bucket and table of the emulator stack, and whether it answers (`-- --json`/`--env`)."""
    report = stack.info(deployed_stack(session))
    if "--env" in session.posargs:
        print(report.env())
        if not report.usable:
            session.error(report.problem)
        return
    print(json.dumps(report.as_json(), indent=1) if "--json" in session.posargs else report.text())


@nox.session(python=PYTHON, default=False)
def backfill(session: nox.Session) -> None:
    """Fill in width, height and placeholder of images stored without them (re-runs change nothing)."""
    install_groups(session, "lambda", "sdk")
    deployed = deployed_stack(session)
    session.run(
        "python",
        "-m",
        "devtools.backfill",
        "--bucket",
        deployed.bucket_name,
        "--table",
        deployed.table_name,
        "--uploads-table",
        deployed.uploads_table_name,
        *session.posargs,
        env=emulator_process.aws_environment(),
    )


@nox.session(python=PYTHON, default=False)
def inspect(session: nox.Session) -> None:
    """Tables of the emulator's buckets, objects, tables, items, functions and APIs (`-- --help`)."""
    install_groups(session, "inspect")
    deployed = stack.load()
    # argparse keeps the last --bucket/--table given, so the caller's own ones win.
    defaults = ["--bucket", deployed.bucket_name, "--table", deployed.table_name] if deployed else []
    session.run(
        "python",
        "-m",
        "devtools.inspect_stack",
        *defaults,
        *session.posargs,
        env=emulator_process.aws_environment(),
    )


@nox.session(python=PYTHON, default=False)
def logs(session: nox.Session) -> None:
    """Recent Lambda logs from CloudWatch Logs (`-- --function upload_image --since MINUTES --follow`)."""
    install_groups(session, "inspect")
    deployed = stack.load()
    # The stack's functions by operation name: the default set, and what short names resolve to.
    args = ["--deployed", json.dumps(deployed.function_names)] if deployed else []
    session.run(
        "python",
        "-m",
        "devtools.lambda_logs",
        *args,
        *session.posargs,
        env=emulator_process.aws_environment(),
    )


@nox.session(python=False, default=False)
def lock(session: nox.Session) -> None:
    """Refresh uv.lock after a change to pyproject.toml's groups (`-- --upgrade` moves every pin)."""
    try:
        dev_lock.lock(session.posargs, python=_RUNTIME_PYTHON)
    except (dev_lock.LockError, subprocess.CalledProcessError) as err:
        session.error(str(err))
    session.log(f"{dev_lock.LOCK.name} written: commit it with pyproject.toml")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """pre-commit on every file: ruff, ruff format, terraform fmt and validate, OpenAPI validation."""
    install_groups(session, "lint")
    terraform.require_terraform()
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs)


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on functions/, tests/, devtools/, bench/, emulator/ and noxfile.py."""
    install_groups(session, "typecheck")
    session.run("mypy", *session.posargs)


@nox.session(python=PYTHON)
def security(session: nox.Session) -> None:
    """checkov on terraform/: fails on any failed check (skips are justified next to each resource)."""
    install_groups(session, "security")
    session.run(
        "checkov",
        "--directory",
        str(paths.TERRAFORM),
        "--framework",
        "terraform",
        "--quiet",
        "--compact",
        # Offline: local modules only, no policy download from the Prisma Cloud platform
        "--download-external-modules",
        "false",
        "--skip-download",
        # What tflocal writes next to the configuration during an emulator run is not the Terraform
        "--skip-path",
        r"_override\.tf(\.json)?$",
        *session.posargs,
        # No PyPI version check at start-up (a DNS lookup that can hang on an offline machine)
        env={"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"},
    )


def run_e2e(session: nox.Session, deployed: stack.Stack, *pytest_args: str) -> None:
    """The end-to-end suite against a deployed stack: its outputs, as environment, to pytest.

    The one code path for the emulator and for AWS; only the stack's outputs differ."""
    marker = "e2e" if deployed.emulator_endpoint is not None else "e2e and not emulator_only"
    session.log(f"end-to-end tests against {deployed.base_url}")
    session.run("pytest", "-m", marker, *pytest_args, env=deployed.test_environment())


# What runs without an emulator or a deploy: pure logic and handlers under moto, the contract, the
# tooling, and the compat layer against MiniStack in-process.
FAST_SUITES = ("tests/unit", "tests/contract", "tests/tooling", "tests/emulator")


def run_fast_tests(session: nox.Session, *pytest_args: str, coverage: bool = False) -> None:
    """The fast suites, or exactly what `pytest_args` name when they name test files or folders;
    with `coverage`, measured over functions/image_service and held to COVERAGE_FLOOR."""
    install_groups(session, "test", *(["coverage"] if coverage else []))
    if any(Path(arg.split("::")[0]).exists() for arg in pytest_args if not arg.startswith("-")):
        session.run("pytest", *pytest_args)
        return
    # Both architectures' zips: tests/tooling checks each holds only its own machine code, and the
    # AWS plan test plans the arm64 one.
    for architecture in runtime.ARCHITECTURES:
        build_package(session, architecture)
    measure = (
        [
            "--cov=image_service",
            "--cov-report=term-missing:skip-covered",
            f"--cov-fail-under={COVERAGE_FLOOR}",
        ]
        if coverage
        else []
    )
    session.run("pytest", *FAST_SUITES, "-m", "not e2e", *measure, *pytest_args)


# The unit coverage of functions/image_service reached (98% on 2026-12-01), kept as a floor: the
# `tests` session (CI) and `coverage` fail under it.
COVERAGE_FLOOR = 97


@nox.session(python=PYTHON)
def unit(session: nox.Session) -> None:
    """Unit, contract, tooling and emulator tests: no emulator, no deploy (`-- tests/unit/test_x.py -k y`)."""
    run_fast_tests(session, *session.posargs)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The README's test command and CI's: `unit` (with its coverage floor), deploy, then `e2e`."""
    if session.posargs:
        # Running all of it with the arguments ignored, or applying them to both halves (a unit
        # test's path selects no e2e test: pytest's exit code 5), would both surprise.
        session.error(
            "`tests` runs every suite and takes no arguments; for some tests, pass them to"
            f" `./noxw -s unit -- {' '.join(session.posargs)}` (no emulator) or"
            f" `./noxw -s e2e -- {' '.join(session.posargs)}` (against the deployed stack)"
        )
    run_fast_tests(session, coverage=True)
    apply_stack(session)
    run_e2e(session, deployed_stack(session))


@nox.session(python=PYTHON, default=False)
def coverage(session: nox.Session) -> None:
    """The fast suites with coverage of functions/image_service, held to a floor (posargs to pytest)."""
    run_fast_tests(session, *session.posargs, coverage=True)


@nox.session(python=PYTHON, default=False)
def format(session: nox.Session) -> None:  # noqa: A001  the session's name is the command people type
    """ruff format and ruff's safe fixes over the Python, terraform fmt over terraform/."""
    install_groups(session, "lint")
    session.run("ruff", "check", "--fix", ".")
    session.run("ruff", "format", ".")
    terraform.require_terraform()
    session.run("terraform", "fmt", "-recursive", str(paths.TERRAFORM), external=True)


@nox.session(python=False, default=False)
def clean(session: nox.Session) -> None:
    """Remove what is rebuilt on demand (zips, venvs, caches); keeps the stack (`reset` wipes it)."""
    if emulator_process.stop():
        session.log("emulator stopped (its state saved): its venv is among what goes")
    removed = cleaning.remove(cleaning.derived(paths.ROOT))
    session.log(
        f"removed {len(removed)} paths: " + ", ".join(str(path.relative_to(paths.ROOT)) for path in removed)
    )


@nox.session(python=False, default=False)
def reset(session: nox.Session) -> None:
    """Wipe the emulator's saved state and the Terraform state together: the next deploy is a new stack."""
    if emulator_process.stop():
        session.log("emulator stopped")
    removed = cleaning.remove(cleaning.stack_state())
    session.log(f"removed {len(removed)} paths; `./noxw -s deploy` creates a new, empty stack")


@nox.session(python=PYTHON, default=False)
def status(session: nox.Session) -> None:
    """Emulator health, what is deployed, and whether the emulator and the Terraform state agree."""
    install_groups(session, "deploy")
    session.run("python", "-m", "devtools.stack_status", env=emulator_process.aws_environment())


@nox.session(python=PYTHON, default=False)
def e2e(session: nox.Session) -> None:
    """End-to-end tests against the deployed stack (`-- --outputs FILE` for one on AWS; posargs to pytest)."""
    install_groups(session, "test")
    parser = argparse.ArgumentParser(prog="nox -s e2e --", add_help=False)
    parser.add_argument("--outputs", type=Path, help="`terraform output -json` of a stack on AWS")
    options, pytest_args = parser.parse_known_args(session.posargs)
    if options.outputs is None:
        deployed = deployed_stack(session)
    else:
        try:
            deployed = stack.from_outputs_file(options.outputs)
        except ValueError as err:
            session.error(str(err))
    run_e2e(session, deployed, *pytest_args)
