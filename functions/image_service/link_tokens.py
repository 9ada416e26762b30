"""Share-link tokens: what a link allows, sealed with the tenant's signing key (pure; no AWS calls).

A token is URL-safe base64 (no padding) of 34 + n + 32 bytes:

    offset  size  field
    0       1     format (1)
    1       16    image id (the UUID's bytes)
    17      4     signing-key version (unsigned, big-endian)
    21      4     the image's link generation when signed (revoking an image's links bumps it)
    25      8     expiry, Unix seconds
    33      1     n: length of the preset name (0: the original)
    34      n     preset name (ASCII)
    34+n    32    HMAC-SHA256 of the above, keyed with that key version, over a domain label and
                  the tenant id too (so a key can never vouch for another tenant's image)

Nothing else is in it: not the tenant, its API key or key id. The tenant comes from the image's
own record when the link is used. Decoding is strict (one canonical text per token: exact length,
canonical base64, a valid preset name), and the MAC is compared in constant time."""

import base64
import binascii
import hashlib
import hmac
import re
import struct
import uuid
from dataclasses import dataclass
from typing import Final

from image_service.contract import PRESET_NAME_PATTERN
from image_service.errors import LinkNotFoundError

FORMAT: Final = 1
MAC_BYTES: Final = 32
KEY_BYTES: Final = 32  # a signing key's material (HMAC-SHA256's block is 64, its output 32)
_HEAD = struct.Struct(">B16sIIQB")
_DOMAIN: Final = b"image-service/share-link/v1\x00"
_MAX_PRESET_CHARS: Final = 32
# The longest token text: base64 of the longest payload (a 32-character preset name).
MAX_TOKEN_CHARS: Final = -(-4 * (_HEAD.size + _MAX_PRESET_CHARS + MAC_BYTES) // 3)
MAX_UINT32: Final = 2**32 - 1
_PRESET = re.compile(PRESET_NAME_PATTERN)
_TOKEN_TEXT = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True, slots=True)
class LinkClaims:
    """What a share link allows: one image (or one preset of it) until `expires_at`."""

    image_id: str
    preset: str | None
    expires_at: int  # Unix seconds
    key_version: int
    generation: int


@dataclass(frozen=True, slots=True)
class ParsedToken:
    """A token's claims, the bytes its MAC covers, and the MAC, before any check of the MAC."""

    claims: LinkClaims
    signed: bytes
    mac: bytes


def _payload(claims: LinkClaims) -> bytes:
    preset = (claims.preset or "").encode("ascii")
    head = _HEAD.pack(
        FORMAT,
        uuid.UUID(claims.image_id).bytes,
        claims.key_version,
        claims.generation,
        claims.expires_at,
        len(preset),
    )
    return head + preset


def _mac(key: bytes, tenant_id: str, signed: bytes) -> bytes:
    return hmac.new(key, _DOMAIN + tenant_id.encode() + b"\x00" + signed, hashlib.sha256).digest()


def encode(claims: LinkClaims, *, tenant_id: str, key: bytes) -> str:
    """The token of `claims`, signed with the tenant's `key`."""
    if claims.preset is not None and not _PRESET.fullmatch(claims.preset):
        raise ValueError(f"not a preset name: {claims.preset!r}")
    if not (0 < claims.key_version <= MAX_UINT32 and 0 <= claims.generation <= MAX_UINT32):
        raise ValueError("key version or generation out of range")
    signed = _payload(claims)
    return base64.urlsafe_b64encode(signed + _mac(key, tenant_id, signed)).rstrip(b"=").decode("ascii")


def parse(token: str) -> ParsedToken:
    """A token's parts; LinkNotFoundError for anything that is not exactly a token's shape."""
    if not 0 < len(token) <= MAX_TOKEN_CHARS or not _TOKEN_TEXT.fullmatch(token):
        raise LinkNotFoundError("No such link.")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as err:
        raise LinkNotFoundError("No such link.") from err
    # One text per token: the same bytes always encode to the same text (no trailing bits).
    if len(raw) < _HEAD.size + MAC_BYTES or base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != token:
        raise LinkNotFoundError("No such link.")
    fmt, image_id, key_version, generation, expires_at, preset_length = _HEAD.unpack_from(raw)
    signed_length = _HEAD.size + preset_length
    if fmt != FORMAT or len(raw) != signed_length + MAC_BYTES or key_version == 0:
        raise LinkNotFoundError("No such link.")
    preset = raw[_HEAD.size : signed_length].decode("ascii", errors="replace") if preset_length else None
    if preset is not None and not _PRESET.fullmatch(preset):
        raise LinkNotFoundError("No such link.")
    claims = LinkClaims(
        image_id=str(uuid.UUID(bytes=image_id)),
        preset=preset,
        expires_at=expires_at,
        key_version=key_version,
        generation=generation,
    )
    return ParsedToken(claims=claims, signed=raw[:signed_length], mac=raw[signed_length:])


def verify(parsed: ParsedToken, *, tenant_id: str, key: bytes) -> bool:
    """Whether the token was signed with `key` for `tenant_id` (constant-time comparison)."""
    return hmac.compare_digest(_mac(key, tenant_id, parsed.signed), parsed.mac)
