"""The layering rule of functions/image_service (CONTRIBUTING.md), read from the imports (ast):

- handlers/: parse the request, call ONE service operation, shape the answer. They import no
  storage module (nor the idempotency adapter) and build no record.
- service modules (one per use case) compose domain rules and storage primitives; they know
  nothing of HTTP (no handlers, no http_api).
- domain modules are pure: no storage, no service, no HTTP, no AWS SDK.
- storage/ knows no service and no HTTP."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "functions" / "image_service"

SERVICES = frozenset(
    {"inline_upload", "large_upload", "serving", "listing", "metadata_edit", "deletion", "links", "backfill"}
)
HTTP = frozenset({"http_api"})
# Lambda plumbing beside the layers: the start-up, and Powertools idempotency over DynamoDB
# (used by the inline upload service, as a storage module would be).
START_UP = frozenset({"cold_start"})
ADAPTERS = frozenset({"idempotency"})
# What builds an ImageRecord: the domain's builders, and the model itself.
RECORD_BUILDERS = frozenset({"build_record", "new_record", "completed_record", "ImageRecord"})


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def modules(where: str = "") -> list[Path]:
    return sorted(path for path in (PACKAGE / where).glob("*.py") if path.name != "__init__.py")


HANDLERS = modules("handlers")
STORAGE = modules("storage")
TOP_LEVEL = {module_name(path): path for path in modules()}
DOMAIN = sorted(set(TOP_LEVEL) - SERVICES - HTTP - START_UP - ADAPTERS)


def imported(path: Path) -> set[str]:
    """Every image_service module (relative to the package) and third-party top-level package the
    file imports, at any depth (imports inside functions count)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "image_service":
                names.update(f"image_service.{alias.name}" for alias in node.names)
    return {
        name.removeprefix("image_service.") if name.startswith("image_service.") else name.split(".")[0]
        for name in names
        if name != "image_service"
    }


def called_or_imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Call):
            func = node.func
            names.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return names


def test_the_layers_cover_every_module() -> None:
    assert set(TOP_LEVEL) >= SERVICES, "a service module named here is missing"
    assert len(HANDLERS) == 13
    assert STORAGE
    assert DOMAIN


@pytest.mark.parametrize("path", HANDLERS, ids=module_name)
def test_handlers_import_no_storage_and_call_one_service(path: Path) -> None:
    imports = imported(path)
    assert not {name for name in imports if name.startswith("storage")}
    assert not imports & ADAPTERS
    assert len(imports & SERVICES) == 1, f"one service module per handler, not {imports & SERVICES}"
    assert "records" not in imports


@pytest.mark.parametrize("path", HANDLERS, ids=module_name)
def test_handlers_build_no_record(path: Path) -> None:
    assert not called_or_imported_names(path) & RECORD_BUILDERS


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_services_know_nothing_of_http(name: str) -> None:
    imports = imported(TOP_LEVEL[name])
    assert not imports & HTTP
    assert not {module for module in imports if module.startswith("handlers")}


@pytest.mark.parametrize("name", DOMAIN)
def test_domain_modules_are_pure(name: str) -> None:
    imports = imported(TOP_LEVEL[name])
    assert not {module for module in imports if module.startswith(("storage", "handlers"))}
    assert not imports & (SERVICES | HTTP | ADAPTERS)
    assert not imports & {"boto3", "botocore", "aws_lambda_powertools"}


@pytest.mark.parametrize("path", STORAGE, ids=module_name)
def test_storage_knows_no_service_and_no_http(path: Path) -> None:
    imports = imported(path)
    assert not imports & (SERVICES | HTTP)
    assert not {module for module in imports if module.startswith("handlers")}


def test_the_rule_reads_imports_it_would_refuse(tmp_path: Path) -> None:
    # The reader sees what a handler breaking the rule would write: a storage import, a record built.
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from image_service.storage.image_store import get_image_store\n"
        "from image_service import records\n"
        "def f():\n    return records.build_record()\n"
    )
    assert {"storage.image_store", "records"} <= imported(bad)
    assert "build_record" in called_or_imported_names(bad)
