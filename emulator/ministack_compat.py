"""The one compatibility layer between this project and the embedded emulator (MiniStack): what
`python -m emulator` installs before MiniStack starts.

It is made of an importer and a few patches, each in a module of its own:

- emulator/openapi_import.py: PutRestApi (PUT /restapis/{id}), which MiniStack lacks and
  Terraform's aws_api_gateway_rest_api calls to import an OpenAPI ``body``, by AWS's import rules;
- emulator/patches/: one MiniStack gap each (api_key_value, binary_media_types, usage_plans,
  api_key_identity, binary_responses, root_security, multipart_tagging, object_tags_persist), the
  docstring of each says what AWS does.

This module only checks and composes them: it routes PUT /restapis/{id} to the importer, lets each
patch rewrite the request bodies it names before MiniStack sees them, and replaces the MiniStack
functions the patches replace. The parts import emulator.ministack_internals and nothing else of
the layer, so there is no import cycle.

The layer reaches into MiniStack's private module state, so it is pinned to one tested version:
``check_internals()`` fails loudly (and tests/emulator/ runs it) when anything it uses moves.
"""

from __future__ import annotations

import importlib.metadata
from typing import TYPE_CHECKING, Any

from emulator import openapi_import
from emulator.ministack_internals import Response, apigateway_v1, service
from emulator.patches import (
    api_key_identity,
    api_key_value,
    binary_media_types,
    binary_responses,
    multipart_tagging,
    object_tags_persist,
    root_security,
    usage_plans,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

PINNED_MINISTACK_VERSION = "1.5.33"

PATCHES = (
    api_key_value.PATCH,
    binary_media_types.PATCH,
    usage_plans.PATCH,
    api_key_identity.PATCH,
    binary_responses.PATCH,
    root_security.PATCH,
    multipart_tagging.PATCH,
    object_tags_persist.PATCH,
)


def _required_internals() -> dict[str, tuple[str, ...]]:
    """Everything the layer touches, by module under ministack.services: the router and the
    importer in apigateway_v1, and each patch's internals in the module it patches."""
    required: dict[str, tuple[str, ...]] = {"apigateway_v1": ("handle_request", *openapi_import.INTERNALS)}
    for patch in PATCHES:
        required[patch.service] = (*required.get(patch.service, ()), *patch.internals)
    return required


class CompatError(RuntimeError):
    """MiniStack is not the version, or no longer has the internals, this layer was built on."""


def check_internals() -> None:
    """Raise CompatError unless the installed MiniStack is the pinned one with every internal we use."""
    installed = importlib.metadata.version("ministack")
    if installed != PINNED_MINISTACK_VERSION:
        raise CompatError(
            f"emulator/ministack_compat.py is tested with ministack=={PINNED_MINISTACK_VERSION}, "
            f"found {installed}: re-run tests/emulator against the new version, then update the pin"
        )
    for name, internals in _required_internals().items():
        module = service(name)
        missing = [internal for internal in dict.fromkeys(internals) if not hasattr(module, internal)]
        if missing:
            raise CompatError(f"ministack.services.{name} no longer has: {', '.join(missing)}")


def install() -> None:
    """Route PUT /restapis/{id} to the importer and install every patch; other requests go to
    MiniStack unchanged. A second call changes nothing."""
    check_internals()
    v1 = apigateway_v1()
    if getattr(v1.handle_request, "_image_service_compat", False):
        return
    original: Callable[..., Awaitable[Response]] = v1.handle_request
    rewrites = [patch.rewrite_request for patch in PATCHES if patch.rewrite_request is not None]

    async def handle_request(
        method: str, path: str, headers: dict[str, Any], body: bytes, query_params: dict[str, Any]
    ) -> Response:
        parts = [part for part in path.strip("/").split("/") if part]
        if method == "PUT" and len(parts) == 2 and parts[0] == "restapis":
            return openapi_import.put_rest_api(parts[1], body, query_params)
        for rewrite in rewrites:
            body = rewrite(method, parts, body)
        return await original(method, path, headers, body, query_params)

    handle_request._image_service_compat = True  # type: ignore[attr-defined]
    v1.handle_request = handle_request
    for patch in PATCHES:
        if patch.install is not None:
            patch.install(service(patch.service))
