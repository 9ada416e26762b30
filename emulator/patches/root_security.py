"""MiniStack's own importer (the one CloudFormation bodies go through) ignores root-level
``security``, as AWS does: "API Gateway doesn't use root level security defined in the OpenAPI
specification". It gave an operation without ``security`` the document's root one.
(emulator/openapi_import.py, the PutRestApi importer, follows the same rule.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.ministack_internals import Patch

if TYPE_CHECKING:
    from collections.abc import Callable


def _without_root_security(v1: Any) -> None:
    """Operations are imported with their own ``security`` only."""
    import_operation: Callable[..., None] = v1._import_operation

    def import_without_root_security(  # noqa: PLR0917 - MiniStack's signature
        api_id: str,
        resource_id: str,
        http_method: str,
        operation: dict[str, Any] | None,
        scheme_map: dict[str, Any] | None = None,
        default_security: Any = None,  # noqa: ARG001 - AWS ignores it
    ) -> None:
        import_operation(api_id, resource_id, http_method, operation, scheme_map, None)

    v1._import_operation = import_without_root_security


# _import_rest_api is MiniStack's importer, whose per-operation step is what this replaces.
PATCH = Patch(internals=("_import_operation", "_import_rest_api"), install=_without_root_security)
