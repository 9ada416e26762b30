"""Starting, probing and stopping the embedded emulator (MiniStack + emulator/ministack_compat)."""

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from devtools import paths

DEFAULT_ENDPOINT = "http://localhost:4566"
HEALTH_PATH = "/_localstack/health"  # LocalStack's path; MiniStack answers it too
# The only variables the emulator (and the Lambda processes it spawns) inherit; TMPDIR is then
# replaced by scratch_dir().
_PASSED_ENV = ("PATH", "HOME", "LANG", "TMPDIR", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "AWS_CA_BUNDLE")


def endpoint() -> str:
    """The emulator endpoint: AWS_ENDPOINT_URL when set, else LocalStack's default port."""
    return os.environ.get("AWS_ENDPOINT_URL", DEFAULT_ENDPOINT).rstrip("/")


def aws_environment() -> dict[str, str]:
    """Endpoint, fake credentials and region for SDK clients (boto3, terraform) talking to the emulator."""
    return {
        "AWS_ENDPOINT_URL": endpoint(),
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
    }


def health(url: str | None = None, timeout: float = 1.0) -> dict[str, object] | None:
    """The health document of whatever emulator answers on the endpoint, or None."""
    try:
        with urllib.request.urlopen(f"{url or endpoint()}{HEALTH_PATH}", timeout=timeout) as response:  # noqa: S310
            document = json.loads(response.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return document if isinstance(document, dict) else {}


def persists() -> bool:
    """Whether the embedded emulator keeps its state across restarts (EMULATOR_PERSIST=0: no)."""
    return os.environ.get("EMULATOR_PERSIST", "1") != "0"


def has_saved_state() -> bool:
    """Whether the embedded emulator's state directory holds anything (saved at a graceful stop,
    S3 bytes as they arrive): False on a fresh clone and after `nox -s reset`."""
    return paths.EMULATOR_STATE_DIR.exists() and any(paths.EMULATOR_STATE_DIR.iterdir())


def running_pid() -> int | None:
    """Pid of the emulator `up` started, if it is still alive."""
    try:
        pid = int(paths.EMULATOR_PID.read_text())
        _reap(pid)
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return None if _exited(pid) else pid


def _exited(pid: int) -> bool:
    """Whether `pid` is a zombie: exited, but not yet waited for by its parent, so signal 0 still
    reaches it. That is the emulator's state after it stopped whenever the process that started
    it is still running and not this one: `nox -s tests` deploys (starting the emulator), then its
    pytest runs `./noxw -s down` in a subprocess, which would wait out the whole stop timeout."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            return True  # gone since the signal
        # No procfs (macOS): ps says the state; Z is a zombie.
        ps = subprocess.run(
            ["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True, check=False
        )
        return ps.stdout.strip().startswith("Z")
    except OSError:
        return False
    # "pid (command) state ...": the command may contain spaces and parentheses.
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def ensure_venv(base_python: str, requirements: str) -> str:
    """The emulator's own virtualenv, created or updated as needed: `requirements` is the
    `emulator` group only, as uv.lock pins it (a requirements file with hashes).

    Lambda functions run as subprocesses of this interpreter, so it deliberately lacks the
    function dependencies (a zip missing one fails here as it would on AWS), and it is rebuilt
    whenever the base interpreter's version changes: it must be the runtime's."""
    venv = paths.EMULATOR_DIR / "venv"
    python = venv / "bin" / "python"
    base_version = subprocess.run(
        [base_python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    digest = hashlib.sha256(json.dumps([requirements, base_version]).encode()).hexdigest()
    stamp = venv / "requirements.sha256"
    if python.exists() and stamp.exists() and stamp.read_text() == digest:
        return str(python)
    subprocess.run([base_python, "-m", "venv", "--clear", str(venv)], check=True)
    requirements_file = venv / "requirements.txt"
    requirements_file.write_text(requirements)
    subprocess.run(
        [
            str(python),
            *("-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
            *("--require-hashes", "-r", str(requirements_file)),
        ],
        check=True,
    )
    stamp.write_text(digest)
    return str(python)


def scratch_dir() -> Path:
    """The emulator's TMPDIR. MiniStack unpacks each Lambda worker's code (the whole zip, ~90 MB
    here) into a fresh directory under it and removes that directory only when it reaps the
    worker, never when the emulator itself stops or is killed: under the system /tmp every stop
    left a pool's worth behind (1,124 directories, 69 GB, measured). Private to the emulator and
    emptied whenever none is running, the leftovers of a stop or crash live until the next
    start or stop at most."""
    return paths.EMULATOR_DIR / "tmp"


def _empty_scratch() -> Path:
    scratch = scratch_dir()
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    return scratch


def _reap(pid: int) -> None:
    # When this process started the emulator, a stopped one lingers as a zombie until waited for.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def start(python: str, *, wait_seconds: float = 60) -> int:
    """Start `python -m emulator` in its own session, logs to .build/emulator/, and wait until healthy."""
    port = endpoint().rsplit(":", 1)[-1].split("/")[0]
    if running_pid() is not None:
        raise RuntimeError(f"the emulator `up` started is still running (pid file {paths.EMULATOR_PID})")
    paths.EMULATOR_DIR.mkdir(parents=True, exist_ok=True)
    env = {name: os.environ[name] for name in _PASSED_ENV if name in os.environ}
    env.update(
        {
            "TMPDIR": str(_empty_scratch()),
            "GATEWAY_PORT": port if port.isdigit() else "4566",
            "PYTHONPATH": str(paths.ROOT),
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
            "LOG_LEVEL": os.environ.get("EMULATOR_LOG_LEVEL", "INFO"),
            # Loopback only, unless asked: the emulator has no authentication.
            "BIND_HOST": os.environ.get("EMULATOR_BIND_HOST", "127.0.0.1"),
        }
    )
    if persists():
        # State survives `down` + `up`: saved at a graceful stop (SIGTERM), loaded at start;
        # S3 bytes are written to disk as they arrive (ministack/core/persistence.py).
        env |= {
            "PERSIST_STATE": "1",
            "S3_PERSIST": "1",
            "STATE_DIR": str(paths.EMULATOR_STATE_DIR),
            "S3_DATA_DIR": str(paths.EMULATOR_S3_DIR),
        }
    with paths.EMULATOR_LOG.open("ab") as log:
        process = subprocess.Popen(
            [python, "-m", "emulator"],
            cwd=paths.EMULATOR_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    paths.EMULATOR_PID.write_text(str(process.pid))
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the emulator exited with {process.returncode}; see {paths.EMULATOR_LOG}")
        if health() is not None:
            return process.pid
        time.sleep(0.2)
    stop()
    raise RuntimeError(f"the emulator was not healthy after {wait_seconds:.0f} s; see {paths.EMULATOR_LOG}")


def stop(timeout: float = 60) -> bool:
    """Stop the emulator `up` started (and its Lambda workers) gracefully, so that it saves its
    state; False if none was running. After `timeout` s it is killed (and saves nothing)."""
    pid = running_pid()
    if pid is not None:
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and running_pid() is not None:
            time.sleep(0.1)
        if running_pid() is not None:
            os.killpg(pid, signal.SIGKILL)
    paths.EMULATOR_PID.unlink(missing_ok=True)
    shutil.rmtree(scratch_dir(), ignore_errors=True)
    return pid is not None


def log_tail(lines: int = 40) -> str:
    if not paths.EMULATOR_LOG.exists():
        return ""
    return "\n".join(Path(paths.EMULATOR_LOG).read_text(errors="replace").splitlines()[-lines:])
