"""The deploy refuses, before Terraform runs, a zip the emulator cannot execute."""

from pathlib import Path

import pytest

from devtools import deploy_checks, find_python, lambda_package, runtime

ENDPOINT = "http://localhost:4566"


def health(python: str, machine: str) -> dict[str, object]:
    return {"services": {}, "functions_runtime": {"python": python, "machine": machine}}


@pytest.fixture
def manifest() -> lambda_package.Manifest:
    return lambda_package.manifest_for("x86_64")


def test_matching_emulator_passes(manifest: lambda_package.Manifest) -> None:
    said = deploy_checks.check_emulator(health(f"{runtime.PYTHON_VERSION}.4", "x86_64"), manifest, ENDPOINT)
    assert runtime.PYTHON_VERSION in said


def test_emulator_on_another_python_is_refused_with_what_to_do(manifest: lambda_package.Manifest) -> None:
    with pytest.raises(deploy_checks.DeployCheckError) as refused:
        deploy_checks.check_emulator(health("3.11.7", "x86_64"), manifest, ENDPOINT)
    message = str(refused.value)
    assert "Python 3.11" in message
    assert runtime.ABI in message
    assert "502" in message
    assert "./noxw -s down" in message


def test_arm64_zip_on_an_x86_64_emulator_is_refused() -> None:
    with pytest.raises(deploy_checks.DeployCheckError, match="executes x86_64 code only"):
        deploy_checks.check_emulator(
            health(runtime.PYTHON_VERSION, "x86_64"), lambda_package.manifest_for("arm64"), ENDPOINT
        )
    with pytest.raises(deploy_checks.DeployCheckError, match="lambda_architecture=arm64"):
        deploy_checks.check_architecture("arm64", "x86_64", "this machine")
    deploy_checks.check_architecture("arm64", "arm64", "this machine")


def test_a_zip_built_for_another_python_is_refused() -> None:
    old = lambda_package.Manifest(
        runtime="python3.11", python_version="3.11", abi="cp311", architecture="x86_64"
    )
    with pytest.raises(deploy_checks.DeployCheckError, match="rebuild"):
        deploy_checks.check_emulator(health(runtime.PYTHON_VERSION, "x86_64"), old, ENDPOINT)
    with pytest.raises(deploy_checks.DeployCheckError, match="no build manifest"):
        deploy_checks.check_emulator(health(runtime.PYTHON_VERSION, "x86_64"), None, ENDPOINT)


def test_an_emulator_that_does_not_say_is_not_guessed_at(manifest: lambda_package.Manifest) -> None:
    assert "not checked" in deploy_checks.check_emulator({"services": {}}, manifest, ENDPOINT)


def test_unknown_architecture_is_refused() -> None:
    with pytest.raises(deploy_checks.DeployCheckError, match="not one of"):
        deploy_checks.check_architecture("sparc", None, "this machine")


def test_requested_architecture_follows_terraforms_precedence(tmp_path: Path) -> None:
    tfvars = tmp_path / "emulator.tfvars"
    assert deploy_checks.requested_architecture([tfvars], []) == runtime.DEFAULT_ARCHITECTURE
    tfvars.write_text('api_keys = {}\nlambda_architecture = "arm64" # Graviton\n')
    assert deploy_checks.requested_architecture([tfvars], []) == "arm64"
    assert deploy_checks.requested_architecture([tfvars], ["-var", "lambda_architecture=x86_64"]) == "x86_64"
    assert deploy_checks.requested_architecture([], ["-var=lambda_architecture=arm64"]) == "arm64"


def test_python_finder_honours_python_and_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "python-old"
    fake.write_text("#!/bin/sh\necho 3.11\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PYTHON", str(fake))
    # An explicit PYTHON of another version is not second-guessed: nothing is found.
    assert find_python.find() is None
    assert f"python{runtime.PYTHON_VERSION}" in find_python.NOT_FOUND
    assert "pyenv install" in find_python.NOT_FOUND


def test_python_finder_finds_a_pyenv_install_off_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bin_dir = tmp_path / "pyenv" / "versions" / f"{runtime.PYTHON_VERSION}.2" / "bin"
    bin_dir.mkdir(parents=True)
    interpreter = bin_dir / f"python{runtime.PYTHON_VERSION}"
    interpreter.write_text(f"#!/bin/sh\necho {runtime.PYTHON_VERSION}\n")
    interpreter.chmod(0o755)
    monkeypatch.delenv("PYTHON", raising=False)
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert find_python.find() == str(interpreter)
