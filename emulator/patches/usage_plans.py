"""Usage plans as AWS stores them.

CreateUsagePlan without a quota (or throttle) stores none, as AWS does; MiniStack stored an empty
``quota`` object, which the AWS provider reads back as a zero quota, so the first re-deploy after
every create updated the usage plan instead of being a no-op. UpdateUsagePlan stores the numbers
of ``/throttle/...`` and ``/quota/...`` patches as numbers (patch values are strings on the wire);
MiniStack kept the strings, which the SDK then failed to read, so changing a limit broke the stack."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from emulator.ministack_internals import Patch, Response

if TYPE_CHECKING:
    from collections.abc import Callable

# ---- CreateUsagePlan ----

# Usage plan settings that AWS leaves out of the plan when the request sets none.
_OPTIONAL_PLAN_LIMITS = ("quota", "throttle")


def _without_unset_plan_limits(v1: Any) -> None:
    """AWS omits ``quota`` and ``throttle`` from a usage plan created without them; MiniStack stores
    ``{}``, which the provider reads as a zero quota and then plans to remove on every next apply."""
    create: Callable[[dict[str, Any]], Response] = v1._create_usage_plan

    def create_usage_plan(data: dict[str, Any]) -> Response:
        status, headers, body = create(data)
        if status != 201:
            return status, headers, body
        plan = v1._usage_plans[json.loads(body)["id"]]
        for field in _OPTIONAL_PLAN_LIMITS:
            if not plan.get(field):
                plan.pop(field, None)
        response: Response = v1._v1_response(plan, 201)
        return response

    v1._create_usage_plan = create_usage_plan


# ---- UpdateUsagePlan ----

# The numeric usage plan settings, by patch path, with the type AWS stores them as.
_NUMERIC_PLAN_LIMITS: dict[str, type[float] | type[int]] = {
    "/throttle/rateLimit": float,
    "/throttle/burstLimit": int,
    "/quota/limit": int,
    "/quota/offset": int,
}


def _with_numeric_plan_limits(method: str, parts: list[str], body: bytes) -> bytes:
    """Patch values arrive as strings ("7"); AWS stores these limits as numbers, and the SDK
    refuses to read a string where a number belongs. MiniStack's patcher stores what it gets."""
    if method != "PATCH" or len(parts) != 2 or parts[0] != "usageplans":
        return body
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return body
    if not isinstance(data, dict):
        return body
    for operation in data.get("patchOperations") or []:
        number = _NUMERIC_PLAN_LIMITS.get(str(operation.get("path", "")))
        if number is not None and isinstance(operation.get("value"), str):
            try:
                operation["value"] = number(operation["value"])
            except ValueError:
                continue  # not a number: MiniStack answers it as before
    return json.dumps(data).encode()


PATCH = Patch(
    internals=("_create_usage_plan", "_usage_plans", "_v1_response"),
    install=_without_unset_plan_limits,
    rewrite_request=_with_numeric_plan_limits,
)
