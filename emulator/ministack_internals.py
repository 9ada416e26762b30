"""What every part of the compatibility layer shares: the MiniStack module it patches, and the
shape of a MiniStack answer. Imports nothing of the layer, so every part may import it."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# MiniStack's answer to a control-plane request: status, headers, body.
Response = tuple[int, dict[str, str], bytes]
# A request body rewritten before MiniStack sees it: (method, path segments, body) -> body.
RequestRewrite = Callable[[str, list[str], bytes], bytes]


def apigateway_v1() -> Any:
    """ministack.services.apigateway_v1 (private state included), imported only where MiniStack runs."""
    return service("apigateway_v1")


def service(name: str) -> Any:
    """ministack.services.<name> (private state included), imported only where MiniStack runs."""
    return importlib.import_module(f"ministack.services.{name}")


@dataclass(frozen=True)
class Patch:
    """One MiniStack gap closed: the internals it touches in the MiniStack service module it
    patches (checked before anything is installed), the functions it replaces there (`install`,
    given that module), and the API Gateway control-plane request bodies it rewrites."""

    internals: tuple[str, ...]
    install: Callable[[Any], None] | None = None
    rewrite_request: RequestRewrite | None = None
    service: str = "apigateway_v1"  # the module under ministack.services
