"""Query parameter values parsed as openapi/api.yaml declares them (pure; 400 for anything else)."""

from image_service.errors import BadRequestError


def bounded_int(name: str, raw: str | None, maximum: int) -> int | None:
    """An integer from 1 to `maximum` in ASCII digits, or None when the parameter is absent."""
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise BadRequestError(f"Query parameter '{name}' must be an integer from 1 to {maximum}.")
    return int(raw)
