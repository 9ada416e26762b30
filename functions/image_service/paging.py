"""Opaque listing cursors: where the next page starts in the by-owner index, bound to its owner."""

import base64
import binascii
import json
import re

from image_service import contract
from image_service.errors import BadRequestError

# The index key of a listed item: the table key plus the index's hash and range keys.
_KEY_FIELDS = ("image_id", "owner", "created_at")
_IMAGE_ID = re.compile(contract.IMAGE_ID_PATTERN)
_BAD_CURSOR = "Query parameter 'cursor' is not a cursor this listing returned."


def encode_cursor(start_key: dict[str, str]) -> str:
    raw = json.dumps([start_key[field] for field in _KEY_FIELDS], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, owner: str) -> dict[str, str]:
    """The start key a cursor names; refused unless it is well-formed and of this owner's listing
    (a cursor from another user or tenant would otherwise start inside their partition)."""
    if len(cursor) > contract.MAX_CURSOR_CHARS:
        raise BadRequestError(_BAD_CURSOR)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError) as err:
        raise BadRequestError(_BAD_CURSOR) from err
    if not (
        isinstance(values, list)
        and len(values) == len(_KEY_FIELDS)
        and all(isinstance(value, str) for value in values)
    ):
        raise BadRequestError(_BAD_CURSOR)
    key = dict(zip(_KEY_FIELDS, values, strict=True))
    if key["owner"] != owner or not _IMAGE_ID.fullmatch(key["image_id"]):
        raise BadRequestError(_BAD_CURSOR)
    return key
