"""Terraform variables: defaults and validations in one place. The root owns them; a module input
the root passes from one of its variables is required in the module and validated by the root."""

import re
from pathlib import Path

import pytest

TERRAFORM = Path(__file__).resolve().parents[2] / "terraform"
VARIABLE = re.compile(r'^variable "(\w+)" \{\n(.*?)\n\}', re.M | re.S)


def variables(path: Path) -> dict[str, str]:
    return {match.group(1): match.group(2) for match in VARIABLE.finditer(path.read_text())}


def module_calls() -> list[tuple[str, str, str]]:
    """(module folder, input, root variable) for every input set to exactly `var.<name>`."""
    main = (TERRAFORM / "main.tf").read_text()
    calls = []
    for call in re.finditer(r'^module "\w+" \{\n(.*?)\n\}', main, re.M | re.S):
        body = call.group(1)
        source = re.search(r'source\s*=\s*"\./modules/(\w+)"', body)
        assert source, body
        for name, root in re.findall(r"^\s+(\w+)\s*=\s*var\.(\w+)\s*$", body, re.M):
            calls.append((source.group(1), name, root))
    return calls


CALLS = module_calls()
ROOT = variables(TERRAFORM / "variables.tf")


def test_the_root_passes_its_variables_to_modules() -> None:
    assert len(CALLS) >= 15
    assert ("lambda_function", "memory_size", "lambda_memory_size") in CALLS


@pytest.mark.parametrize(("module", "name", "root"), CALLS, ids=str)
def test_an_input_the_root_sets_has_its_default_and_validation_in_the_root(
    module: str, name: str, root: str
) -> None:
    declared = variables(TERRAFORM / "modules" / module / "variables.tf")[name]
    assert not re.search(r"^\s+default\s*=", declared, re.M), f"{module}.{name}: the root's default decides"
    assert "validation {" not in declared, f"{module}.{name}: the root's {root} validates it"
    assert re.search(r"^\s+default\s*=", ROOT[root], re.M) or root in {"api_keys"}, root
