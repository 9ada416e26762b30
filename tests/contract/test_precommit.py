"""The pre-commit hooks run the same tool versions as the lint group (one pin per tool)."""

import tomllib

import yaml

from devtools import paths


def test_hook_pins_match_the_lint_group() -> None:
    lint = tomllib.loads(paths.PYPROJECT.read_text())["dependency-groups"]["lint"]
    pinned = dict(item.split("==", 1) for item in lint if "==" in item)
    config = yaml.safe_load((paths.ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert all(repo["repo"] == "local" for repo in config["repos"]), "hooks from git hosts need the network"
    dependencies = {dep for hook in hooks for dep in hook.get("additional_dependencies", [])}
    assert dependencies, "the hooks install their tools from PyPI"
    for dependency in dependencies:
        name, version = dependency.split("==")
        assert pinned.get(name) == version, f"{dependency} vs the lint group's {name}=={pinned.get(name)}"
    assert {hook["id"] for hook in hooks} >= {
        "ruff",
        "ruff-format",
        "terraform-fmt",
        "terraform-validate",
        "openapi-spec-validator",
    }
