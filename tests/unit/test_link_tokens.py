"""Share-link tokens: round trip, strict decoding, every byte and character covered by the MAC,
the tenant bound in, nothing of the tenant in the token, constant-time comparison."""

import base64
import hmac
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from image_service import contract, link_tokens
from image_service.errors import LinkNotFoundError
from image_service.link_tokens import LinkClaims

KEY = bytes(range(32))
TENANT = "abcde12345"
CLAIMS = LinkClaims(
    image_id=str(uuid.uuid4()), preset="thumb", expires_at=1_900_000_000, key_version=3, generation=7
)
SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi" / "api.yaml").read_text())


def _raw(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def _text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _accepted(token: str, *, tenant: str = TENANT, key: bytes = KEY) -> bool:
    try:
        parsed = link_tokens.parse(token)
    except LinkNotFoundError:
        return False
    return link_tokens.verify(parsed, tenant_id=tenant, key=key)


@pytest.mark.parametrize("preset", ["thumb", None, "a", "x" * 32])
def test_a_token_round_trips(preset: str | None) -> None:
    claims = LinkClaims(
        image_id=CLAIMS.image_id,
        preset=preset,
        expires_at=CLAIMS.expires_at,
        key_version=CLAIMS.key_version,
        generation=CLAIMS.generation,
    )
    token = link_tokens.encode(claims, tenant_id=TENANT, key=KEY)
    assert len(token) <= link_tokens.MAX_TOKEN_CHARS
    assert link_tokens.parse(token).claims == claims
    assert _accepted(token)


def test_every_byte_is_covered_by_the_mac() -> None:
    token = link_tokens.encode(CLAIMS, tenant_id=TENANT, key=KEY)
    raw = _raw(token)
    for index in range(len(raw)):
        for flip in (0x01, 0x80, 0xFF):
            tampered = bytearray(raw)
            tampered[index] ^= flip
            assert not _accepted(_text(bytes(tampered))), (index, flip)


def test_every_character_is_covered_too() -> None:
    token = link_tokens.encode(CLAIMS, tenant_id=TENANT, key=KEY)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for index, char in enumerate(token):
        for other in (alphabet[(alphabet.index(char) + 1) % 64], alphabet[(alphabet.index(char) + 32) % 64]):
            assert not _accepted(token[:index] + other + token[index + 1 :]), index


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t[:-1],  # truncated
        lambda t: t + "A",  # longer
        lambda t: t + "=",  # padded
        lambda t: t.replace("-", "+").replace("_", "/") + "+",  # standard alphabet
        lambda _t: "",
        lambda _t: "AAAAA",  # a length base64 never has
        lambda _t: "A" * (link_tokens.MAX_TOKEN_CHARS + 1),
        lambda t: t[:10] + "." + t[11:],
        lambda t: t[:10] + "é" + t[11:],
    ],
)
def test_anything_but_a_token_is_not_found(change: Any) -> None:
    token = link_tokens.encode(CLAIMS, tenant_id=TENANT, key=KEY)
    assert not _accepted(change(token))


def test_a_token_has_one_text() -> None:
    """The same bytes never decode from two texts: the unused low bits of the last character
    must be zero (a cache keyed by the URL sees one URL per link)."""
    token = link_tokens.encode(CLAIMS, tenant_id=TENANT, key=KEY)
    assert len(_raw(token)) % 3 != 0  # the last character carries unused bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    siblings = [token[:-1] + c for c in alphabet if c != token[-1] and _raw(token[:-1] + c) == _raw(token)]
    assert siblings  # such texts exist...
    for sibling in siblings:
        with pytest.raises(LinkNotFoundError):  # ...and are refused
            link_tokens.parse(sibling)


def test_another_key_or_tenant_does_not_verify() -> None:
    token = link_tokens.encode(CLAIMS, tenant_id=TENANT, key=KEY)
    assert not _accepted(token, key=bytes(32))
    assert not _accepted(token, tenant="other12345")


def test_the_token_holds_nothing_of_the_tenant() -> None:
    token = link_tokens.encode(CLAIMS, tenant_id=TENANT, key=KEY)
    raw = _raw(token)
    assert TENANT.encode() not in raw
    assert TENANT not in token
    # exactly the documented fields and the MAC
    assert len(raw) == 34 + len("thumb") + link_tokens.MAC_BYTES
    assert raw[1:17] == uuid.UUID(CLAIMS.image_id).bytes


def test_verification_compares_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = hmac.compare_digest

    def recording(a: bytes, b: bytes) -> bool:
        calls.append((len(a), len(b)))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    token = link_tokens.encode(CLAIMS, tenant_id=TENANT, key=KEY)
    assert _accepted(token)
    assert calls == [(link_tokens.MAC_BYTES, link_tokens.MAC_BYTES)]


@pytest.mark.parametrize(
    "claims",
    [
        LinkClaims(image_id=CLAIMS.image_id, preset="Bad", expires_at=1, key_version=1, generation=0),
        LinkClaims(image_id=CLAIMS.image_id, preset=None, expires_at=1, key_version=0, generation=0),
        LinkClaims(image_id=CLAIMS.image_id, preset=None, expires_at=1, key_version=1, generation=-1),
    ],
)
def test_claims_outside_the_format_are_not_signed(claims: LinkClaims) -> None:
    with pytest.raises(ValueError, match=r"preset name|out of range"):
        link_tokens.encode(claims, tenant_id=TENANT, key=KEY)


def test_the_spec_bounds_tokens_as_the_codec_does() -> None:
    token = SPEC["paths"]["/v1/shared/{token}"]["parameters"][0]["schema"]
    assert token["maxLength"] == link_tokens.MAX_TOKEN_CHARS
    assert token["pattern"] == "^[A-Za-z0-9_-]+$"
    assert contract.SHARED_PATH == "/v1/shared/"
