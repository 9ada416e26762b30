"""UpdateRestApi applies ``/binaryMediaTypes/...`` patches to the list, as AWS does (MiniStack's
generic patcher broke the list). Terraform sends these after every body import."""

from __future__ import annotations

import json

from emulator.ministack_internals import Patch, apigateway_v1


def _apply_binary_media_type_patches(method: str, parts: list[str], body: bytes) -> bytes:
    """Apply /binaryMediaTypes/{type} patch operations as AWS does (the type, with '/' escaped as
    '~1', is the last path segment) and hand the remaining operations to MiniStack, whose generic
    patcher turns the list into an object."""
    if method != "PATCH" or len(parts) != 2 or parts[0] != "restapis":
        return body
    v1 = apigateway_v1()
    api = v1._rest_apis.get(parts[1])
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return body
    if api is None or not isinstance(data, dict):
        return body
    remaining = []
    media_types = list(api.get("binaryMediaTypes") or [])
    for operation in data.get("patchOperations") or []:
        path = str(operation.get("path", ""))
        if not path.startswith("/binaryMediaTypes/"):
            remaining.append(operation)
            continue
        media_type = path.removeprefix("/binaryMediaTypes/").replace("~1", "/").replace("~0", "~")
        op = operation.get("op")
        if op in ("remove", "replace") and media_type in media_types:
            media_types.remove(media_type)
        if op == "add" or (op == "replace" and operation.get("value")):
            new_type = media_type if op == "add" else str(operation["value"])
            if new_type not in media_types:
                media_types.append(new_type)
    api["binaryMediaTypes"] = media_types
    return json.dumps({**data, "patchOperations": remaining}).encode()


PATCH = Patch(internals=("_rest_apis",), rewrite_request=_apply_binary_media_type_patches)
