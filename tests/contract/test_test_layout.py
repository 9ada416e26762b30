"""How the tests are laid out: helpers are fixtures or helper modules, never imported from a
conftest or from another test module (one test file's helpers changing breaks only it)."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def python_files() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.py") if "__pycache__" not in path.parts)


def imported_modules(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in a file, `from . import x` resolved to its package."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            # `from tests.unit import conftest` imports the module named by the alias
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
            found.append((node.lineno, base))
    return found


def forbidden(module: str) -> bool:
    """A conftest or a test module (test_*.py) of this project, however it is named."""
    parts = module.split(".")
    return parts[0] == "tests" and any(part == "conftest" or part.startswith("test_") for part in parts)


def test_the_guard_sees_what_it_guards_against(tmp_path: Path) -> None:
    # Given a file with every way of importing from a conftest or a test module
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    sample = tmp_path / "tests" / "unit" / "test_sample.py"
    sample.write_text(
        "from tests.unit.conftest import BUCKET\n"
        "import tests.e2e.conftest\n"
        "from tests.unit import test_handlers\n"
        "from .test_large_uploads import send\n"
        "from tests.fixtures.images import png\n"
    )
    # Then every line but the helper module's is caught
    offending = sorted({line for line, module in imported_modules(sample, tmp_path) if forbidden(module)})
    assert offending == [1, 2, 3, 4]


@pytest.mark.parametrize("path", python_files(), ids=lambda path: str(path.relative_to(TESTS)))
def test_no_test_file_imports_from_a_conftest_or_a_test_module(path: Path) -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for line, module in imported_modules(path)
        if forbidden(module)
    ]
    assert offending == [], (
        "share helpers as fixtures (tests/fixtures/*.py) or helper modules, not by importing tests or conftests"
    )
