"""Which request media type decides whether a proxy response is binary.

A Lambda proxy response with ``isBase64Encoded`` is decoded when the request's first ``Accept``
media type matches ``binaryMediaTypes`` ("API Gateway uses the first Accept header from clients
to determine if a response should return binary media"); a request without ``Accept`` is taken as
``application/json``, the type API Gateway assumes for a missing media type header. MiniStack
matched the whole header and treated a missing one as matching nothing, so a GET without
``Accept`` got base64 text labelled ``image/png`` even with ``binaryMediaTypes`` ``*/*``."""

from __future__ import annotations

from typing import Any

from emulator.ministack_internals import Patch

# The media type API Gateway assumes when a request names none (AWS, "Method request behavior for
# payloads without mapping templates": Content-Type "None (default to application/json)").
DEFAULT_MEDIA_TYPE = "application/json"


def first_media_type(header: str | None) -> str:
    """The media type API Gateway compares with ``binaryMediaTypes``: the first of the header's
    list ("API Gateway honors only the first Accept media type"), without parameters; a missing
    or empty header is ``application/json``."""
    first = (header or "").split(",", 1)[0].split(";", 1)[0].strip().lower()
    return first or DEFAULT_MEDIA_TYPE


def media_type_matches(header: str | None, binary_media_types: list[str]) -> bool:
    """Whether the request's media type is one of ``binaryMediaTypes`` (``*/*`` "includes all
    content types"; ``type/*`` every subtype of the type)."""
    media_type = first_media_type(header)
    for pattern in (configured.strip().lower() for configured in binary_media_types or []):
        if pattern in {media_type, "*/*"}:
            return True
        if pattern.endswith("/*") and media_type.split("/", 1)[0] == pattern[:-2]:
            return True
    return False


def _first_media_type_matches(media_type: str | None, binary_media_types: list[str] | None) -> bool:
    """MiniStack's ``_media_type_matches`` signature, AWS's rule (media_type_matches)."""
    return media_type_matches(media_type, binary_media_types or [])


def _install(v1: Any) -> None:
    v1._media_type_matches = _first_media_type_matches


PATCH = Patch(internals=("_media_type_matches",), install=_install)
