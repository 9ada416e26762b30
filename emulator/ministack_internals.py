"""What every part of the compatibility layer shares: the MiniStack module it patches, and the
shape of a MiniStack answer. Imports nothing of the layer, so every part may import it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# MiniStack's answer to a control-plane request: status, headers, body.
Response = tuple[int, dict[str, str], bytes]
# A request body rewritten before MiniStack sees it: (method, path segments, body) -> body.
RequestRewrite = Callable[[str, list[str], bytes], bytes]


def apigateway_v1() -> Any:
    """ministack.services.apigateway_v1 (private state included), imported only where MiniStack runs."""
    from ministack.services import apigateway_v1 as v1  # noqa: PLC0415

    return v1


@dataclass(frozen=True)
class Patch:
    """One MiniStack gap closed: the internals it touches (checked before anything is installed),
    the MiniStack functions it replaces (`install`), and the request bodies it rewrites."""

    internals: tuple[str, ...]
    install: Callable[[Any], None] | None = None
    rewrite_request: RequestRewrite | None = None
