"""The Lambda proxy event of a method that requires an API key carries the caller's key in
``requestContext.identity`` (``apiKey``, ``apiKeyId``) as on AWS, where the functions read the
tenant; MiniStack leaves them out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.ministack_internals import Patch

if TYPE_CHECKING:
    from collections.abc import Callable


def _with_api_key_identity(v1: Any) -> None:
    """AWS fills requestContext.identity.apiKey and apiKeyId for methods with apiKeyRequired
    (the gateway has already checked the key)."""
    build: Callable[..., dict[str, Any]] = v1._build_lambda_event_v1

    def build_event(  # noqa: PLR0917 - MiniStack's signature
        api_id: str,
        stage_name: str,
        stage: dict[str, Any],
        resource: dict[str, Any],
        request_path: str,
        method: str,
        headers: dict[str, Any],
        *args: Any,
        **kwargs: Any,
    ) -> dict[str, Any]:
        event = build(api_id, stage_name, stage, resource, request_path, method, headers, *args, **kwargs)
        methods = resource.get("resourceMethods") or {}
        method_obj = methods.get(method) or methods.get("ANY") or {}
        if method_obj.get("apiKeyRequired"):
            key = v1._resolve_api_key(v1._api_key_from_request(headers))
            if key is not None:
                identity = event["requestContext"].setdefault("identity", {})
                identity["apiKey"] = key["value"]
                identity["apiKeyId"] = key["id"]
        return event

    v1._build_lambda_event_v1 = build_event


PATCH = Patch(
    internals=("_build_lambda_event_v1", "_resolve_api_key", "_api_key_from_request"),
    install=_with_api_key_identity,
)
