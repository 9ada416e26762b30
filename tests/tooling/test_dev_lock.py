"""uv.lock, the lock every session installs its tools from (devtools/dev_lock.py)."""

import shutil
from pathlib import Path

import nox.project
import pytest

from devtools import dev_lock, paths

GROUPS = tuple(nox.project.load_toml(paths.PYPROJECT)["dependency-groups"])


def requirement_lines(exported: str) -> list[str]:
    """The requirements of an export, each with its continuation lines (`--hash=...`) joined."""
    joined = exported.replace("\\\n", " ")
    return [
        line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]


def test_the_lock_is_in_step_with_pyproject() -> None:
    dev_lock.check()


@pytest.mark.parametrize("group", GROUPS)
def test_every_group_installs_exact_versions_with_hashes(group: str) -> None:
    # When a session's group is exported from the lock, as install_groups does
    lines = requirement_lines(dev_lock.export([group]))

    # Then every requirement (the group's and what they pull in) is one version with its hashes
    assert lines, f"the {group} group exports nothing"
    for line in lines:
        requirement = line.split(";", 1)[0].split(" --hash=", 1)[0].strip()
        assert "==" in requirement, f"{group}: {requirement} is not pinned"
        assert " --hash=sha256:" in line, f"{group}: {requirement} has no hash"


@pytest.mark.parametrize("group", GROUPS)
def test_a_groups_exact_pins_are_its_locked_versions(group: str) -> None:
    # pyproject pins some tools exactly (the lambda group, the pre-commit hooks' tools): the lock
    # gives the session those very versions
    locked = requirement_lines(dev_lock.export([group]))
    versions = {line.split("==", 1)[0].lower(): line.split("==", 1)[1].split()[0] for line in locked}
    for requirement in nox.project.dependency_groups(nox.project.load_toml(paths.PYPROJECT), group):
        if "==" in requirement:
            name, version = requirement.split("==", 1)
            assert versions[name.split("[", 1)[0].lower()] == version, f"{group}: {requirement}"


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    shutil.copy(paths.PYPROJECT, tmp_path / "pyproject.toml")
    shutil.copy(dev_lock.LOCK, tmp_path / dev_lock.LOCK.name)
    return tmp_path


def test_a_stale_lock_stops_the_install_with_the_command_that_refreshes_it(project_copy: Path) -> None:
    # Given a group asking for a tool the lock does not hold
    pyproject = project_copy / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('coverage = ["pytest-cov', 'coverage = ["six", "pytest-cov')
    )

    # When a session installs it, or the lock is checked
    with pytest.raises(dev_lock.LockError) as exported:
        dev_lock.export(["coverage"], project=project_copy)
    with pytest.raises(dev_lock.LockError) as checked:
        dev_lock.check(project=project_copy)

    # Then both say the lock is stale and how to refresh it
    for error in (exported.value, checked.value):
        assert "is not in step with" in str(error)
        assert dev_lock.REFRESH in str(error)


def test_a_missing_lock_is_reported_as_such(project_copy: Path) -> None:
    (project_copy / dev_lock.LOCK.name).unlink()
    with pytest.raises(dev_lock.LockError, match=r"is not in step with.*-s lock"):
        dev_lock.export(["lint"], project=project_copy)
