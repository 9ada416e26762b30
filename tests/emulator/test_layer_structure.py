"""The compatibility layer's parts: an importer and one module per patch, composed in one place.

The imports are read from the sources: a part that imported ministack_compat, or another
part, would make the layer a knot again, and an import cycle one edit away."""

import ast
import importlib
from pathlib import Path

EMULATOR = Path(__file__).resolve().parents[2] / "emulator"
COMPOSER = "emulator.ministack_compat"
SHARED = "emulator.ministack_internals"


def layer_imports(path: Path) -> set[str]:
    """The emulator.* modules a source file imports (`from emulator.x import y` names emulator.x.y
    when y is a module of the layer, as `from emulator.patches import api_key_value` does)."""
    modules = {f"emulator.{part.stem}" for part in EMULATOR.glob("*.py")}
    modules |= {f"emulator.patches.{part.stem}" for part in (EMULATOR / "patches").glob("*.py")}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("emulator")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("emulator"):
            module = str(node.module)
            submodules = {f"{module}.{alias.name}" for alias in node.names} & modules
            found |= submodules or {module}
    return found


def parts() -> list[Path]:
    return [EMULATOR / "openapi_import.py", *sorted((EMULATOR / "patches").glob("[!_]*.py"))]


def test_each_part_imports_only_the_shared_internals() -> None:
    assert len(parts()) >= 7  # the importer and six patches
    for part in parts():
        assert layer_imports(part) <= {SHARED}, f"{part.name} imports {layer_imports(part) - {SHARED}}"
    assert layer_imports(EMULATOR / "ministack_internals.py") == set()


def test_the_composer_installs_every_patch() -> None:
    from emulator import ministack_compat

    assert COMPOSER not in layer_imports(EMULATOR / "ministack_compat.py")
    for part in parts()[1:]:
        patch = importlib.import_module(f"emulator.patches.{part.stem}").PATCH
        assert patch in ministack_compat.PATCHES, f"{part.stem}'s PATCH is not installed"
