"""docker-compose.yml as a real Compose implementation reads it (`docker-compose config`, no daemon).

Debian's docker-compose (1.29) validates the file against the Compose schema and interpolates it;
the tests then check what the file promises: the pinned emulator, its port, Swagger UI on the
contract. docker-compose 1.x prints every service whatever the profiles, each with its `profiles`."""

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

import nox.project
import pytest
import yaml

from devtools import paths
from devtools.emulator_process import HEALTH_PATH

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SPEC = ROOT / "openapi" / "api.yaml"
EMULATOR_PORT = 4566
SWAGGER_UI_PORT = 8080  # the origin the API allows for CORS is http://localhost:8080
DUMMY_TOKEN = "dummy-localstack-token"  # not a secret: proves the pass-through


class Port(NamedTuple):
    host_ip: str
    host_port: int
    container_port: int
    protocol: str


class Mount(NamedTuple):
    source: Path
    target: str
    mode: str


def compose_config(env_file: Path, *profiles: str, env: dict[str, str] | None = None) -> Any:
    """`docker-compose config` with the given profiles, isolated from the caller's Compose settings."""
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip(
            "docker-compose is not on PATH: install the Debian package `docker-compose` "
            "(apt-get install docker-compose; .ci/run does it)"
        )
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("COMPOSE_", "DOCKER_", "LOCALSTACK_"))
    }
    result = subprocess.run(
        [
            binary,
            "--file",
            str(COMPOSE_FILE),
            "--project-directory",
            str(ROOT),
            "--env-file",  # an empty one: a developer's .env must not change the outcome
            str(env_file),
            *(arg for profile in profiles for arg in ("--profile", profile)),
            "config",
        ],
        env={**inherited, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"docker-compose config failed:\n{result.stderr}"
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def env_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("compose") / "empty.env"
    path.write_text("")
    return path


@pytest.fixture(scope="module")
def ministack(env_file: Path) -> Any:
    """The configuration with the ministack profile, and no LocalStack token anywhere."""
    return compose_config(env_file, "ministack")


@pytest.fixture(scope="module")
def localstack(env_file: Path) -> Any:
    return compose_config(env_file, "localstack", env={"LOCALSTACK_AUTH_TOKEN": DUMMY_TOKEN})


def enabled(config: Any, profile: str) -> set[str]:
    """Services Compose starts with `--profile <profile>`: those without profiles, and its own."""
    return {
        name
        for name, service in config["services"].items()
        if not service.get("profiles") or profile in service["profiles"]
    }


def ports(service: dict[str, Any]) -> list[Port]:
    """Published ports, from docker-compose 1.x's normalised `ip:host:container/protocol` (or the
    long syntax it prints for ports without an address: on every interface)."""
    parsed = []
    for spec in service.get("ports", []):
        if isinstance(spec, dict):
            address = spec.get("host_ip", "0.0.0.0")  # noqa: S104 - what Compose binds by default
            parsed.append(
                Port(address, int(spec["published"]), int(spec["target"]), spec.get("protocol", "tcp"))
            )
            continue
        host_ip, host_port, container = str(spec).rsplit(":", 2)
        container_port, _, protocol = container.partition("/")
        parsed.append(Port(host_ip, int(host_port), int(container_port), protocol or "tcp"))
    return parsed


def mounts(service: dict[str, Any]) -> list[Mount]:
    """Bind mounts, from docker-compose 1.x's normalised `/abs/source:target:mode`."""
    parsed = []
    for spec in service.get("volumes", []):
        source, target, mode = str(spec).split(":")
        parsed.append(Mount(Path(source), target, mode))
    return parsed


def host_path(service: dict[str, Any], container_path: str) -> Mount:
    """The mount serving `container_path`, with `source` narrowed to the host file it shows."""
    for mount in mounts(service):
        if container_path == mount.target or container_path.startswith(f"{mount.target}/"):
            relative = container_path.removeprefix(mount.target).lstrip("/")
            return mount._replace(source=mount.source / relative if relative else mount.source)
    raise AssertionError(f"no volume of {service['image']} holds {container_path}")


def pinned_ministack() -> str:
    emulator = nox.project.dependency_groups(nox.project.load_toml(paths.PYPROJECT), "emulator")
    pins = [req for req in emulator if re.match(r"ministack\s*==", req)]
    assert len(pins) == 1, f"pyproject's emulator group should pin ministack exactly once: {pins}"
    return pins[0].replace(" ", "")


def test_ministack_profile_needs_no_localstack_token(ministack: Any) -> None:
    # Given no LOCALSTACK_AUTH_TOKEN (the fixture removes it), the ministack profile validates
    # (a ${VAR:?} on the localstack service would fail it: Compose interpolates every service)
    assert enabled(ministack, "ministack") == {"ministack", "swagger-ui"}
    # and the token is passed through from the environment, never written in the file
    assert ministack["services"]["localstack"]["environment"]["LOCALSTACK_AUTH_TOKEN"] is None


def test_localstack_profile_receives_the_token_from_the_environment(localstack: Any) -> None:
    assert enabled(localstack, "localstack") == {"localstack", "swagger-ui"}
    assert localstack["services"]["localstack"]["environment"]["LOCALSTACK_AUTH_TOKEN"] == DUMMY_TOKEN


def test_ministack_service_runs_the_pinned_emulator_with_the_compat_layer(ministack: Any) -> None:
    service = ministack["services"]["ministack"]
    command = " ".join(service["command"]) if isinstance(service["command"], list) else service["command"]

    # The same MiniStack version as the embedded emulator (pyproject's `emulator` group), only that one
    assert re.findall(r"ministack[=<>!~]=?[^\s\"']+", command) == [pinned_ministack()]
    # on the project's Python
    requires_python = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    python = re.search(r">=\s*(\d+\.\d+)", requires_python)
    assert python is not None
    assert service["image"].startswith(f"python:{python[1]}-")
    # with emulator/ (ministack_compat) mounted read-only where `python -m emulator` finds it
    assert "python -m emulator" in command
    assert Mount(ROOT / "emulator", "/project/emulator", "ro") in mounts(service)
    assert service["environment"]["PYTHONPATH"] == "/project"
    assert (ROOT / "emulator" / "__main__.py").is_file()


@pytest.mark.parametrize("profile", ["ministack", "localstack"])
def test_each_emulator_publishes_4566_on_loopback_only(profile: str, ministack: Any, localstack: Any) -> None:
    config = ministack if profile == "ministack" else localstack
    assert ports(config["services"][profile]) == [Port("127.0.0.1", EMULATOR_PORT, EMULATOR_PORT, "tcp")]


def test_ministack_listens_and_is_probed_on_the_published_port(ministack: Any) -> None:
    service = ministack["services"]["ministack"]
    assert int(service["environment"]["GATEWAY_PORT"]) == EMULATOR_PORT
    probe = " ".join(service["healthcheck"]["test"])
    assert f"http://localhost:{EMULATOR_PORT}{HEALTH_PATH}" in probe


@pytest.mark.parametrize("profile", ["ministack", "localstack"])
def test_swagger_ui_serves_the_contract_on_8080(profile: str, ministack: Any, localstack: Any) -> None:
    config = ministack if profile == "ministack" else localstack
    service = config["services"]["swagger-ui"]

    # A pinned release of the official image, started with either profile
    assert re.fullmatch(r"swaggerapi/swagger-ui:v5\.\d+\.\d+", service["image"]), service["image"]
    assert not service.get("profiles")
    # publishing the image's port (PORT, default 8080) on loopback 8080
    container_port = int(service.get("environment", {}).get("PORT", 8080))
    assert ports(service) == [Port("127.0.0.1", SWAGGER_UI_PORT, container_port, "tcp")]
    # and serving openapi/api.yaml from a read-only mount
    served = host_path(service, service["environment"]["SWAGGER_JSON"])
    assert served.mode == "ro"
    assert served.source.resolve() == SPEC.resolve()
    assert SPEC.is_file()
