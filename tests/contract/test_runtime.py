"""One runtime everywhere: devtools/runtime.py, the Terraform, pyproject.toml and the compose file
state the same Python and the same architectures."""

import re
import tomllib

import yaml

from devtools import paths, runtime


def terraform_text(relative: str) -> str:
    return (paths.TERRAFORM / relative).read_text()


def test_every_function_runs_the_runtime() -> None:
    runtimes = re.findall(
        r'^\s*runtime\s*=\s*"([^"]+)"', terraform_text("modules/lambda_function/main.tf"), re.M
    )
    assert runtimes == [runtime.LAMBDA_RUNTIME]
    # Amazon Linux 2023: the runtime the zip's manylinux_2_28 wheels need
    assert runtime.LAMBDA_RUNTIME == "python3.13"


def test_architecture_variable_matches_the_build() -> None:
    variables = terraform_text("variables.tf")
    block = variables[variables.index('variable "lambda_architecture"') :]
    block = block[: block.index("\n}\n")]
    default = re.search(r'default\s*=\s*"([^"]+)"', block)
    assert default is not None
    assert default[1] == runtime.DEFAULT_ARCHITECTURE
    allowed = re.search(r"contains\(\[([^\]]*)\]", block)
    assert allowed is not None
    assert set(re.findall(r'"([^"]+)"', allowed[1])) == set(runtime.ARCHITECTURES)
    # The zip Terraform picks by default is the one the build writes for that architecture.
    assert "image-service-${var.lambda_architecture}.zip" in terraform_text("main.tf")
    assert paths.lambda_zip("arm64").name == "image-service-arm64.zip"


def test_toolchain_targets_the_runtimes_python() -> None:
    pyproject = tomllib.loads(paths.PYPROJECT.read_text())
    major, minor = runtime.PYTHON_VERSION.split(".")
    assert pyproject["project"]["requires-python"] == f">={major}.{minor},<{major}.{int(minor) + 1}"
    assert pyproject["tool"]["ruff"]["target-version"] == f"py{major}{minor}"
    assert pyproject["tool"]["mypy"]["python_version"] == runtime.PYTHON_VERSION


def test_compose_emulator_runs_functions_on_the_runtimes_python() -> None:
    compose = yaml.safe_load((paths.ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["ministack"]["image"] == f"python:{runtime.PYTHON_VERSION}-slim"


def test_wheel_platforms_are_the_ones_amazon_linux_2023_loads() -> None:
    # manylinux_2_28 (glibc 2.28, Pillow 13's only Linux wheels) and manylinux2014 (glibc 2.17);
    # AL2023 has glibc 2.34.
    assert runtime.ARCHITECTURES["x86_64"].wheel_platforms == (
        "manylinux_2_28_x86_64",
        "manylinux2014_x86_64",
    )
    assert runtime.ARCHITECTURES["arm64"].wheel_platforms == (
        "manylinux_2_28_aarch64",
        "manylinux2014_aarch64",
    )
