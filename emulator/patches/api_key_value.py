"""CreateApiKey with an empty ``value`` generates the key, as AWS does; MiniStack refused it."""

from __future__ import annotations

import json

from emulator.ministack_internals import Patch


def _without_empty_api_key_value(method: str, parts: list[str], body: bytes) -> bytes:
    """CreateApiKey with value "" (what Terraform sends when no value is set) means "generate one"
    on AWS; MiniStack refuses it as too short. Drop the empty value so MiniStack generates it."""
    if method != "POST" or parts != ["apikeys"]:
        return body
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return body
    if isinstance(data, dict) and data.get("value") == "":
        del data["value"]
        return json.dumps(data).encode()
    return body


PATCH = Patch(internals=(), rewrite_request=_without_empty_api_key_value)
