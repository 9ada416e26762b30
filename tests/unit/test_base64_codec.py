"""The bodies' base64 codec (pybase64) is the standard library's, faster: same bytes, same text,
and the same strictness except in one place, where it follows RFC 4648 and the standard library
does not: padding after a complete 4-character group ("QUJD==") is refused."""

import base64
import os

import pytest

from image_service import base64_codec


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 57, 1000, 1 << 20])
def test_round_trips_exactly_as_the_standard_library(size: int) -> None:
    data = os.urandom(size)
    text = base64_codec.encode(data)
    assert text == base64.b64encode(data).decode()
    assert base64_codec.decode(text) == data
    assert base64_codec.decode(text.encode()) == data


@pytest.mark.parametrize(
    "text",
    [
        "QUJDRA==",
        "QUJDRA=",
        "QUJDRA",
        "QUJD=A==",
        "=QUJD",
        "QUJD====",
        "QUJD\n",
        "QU JD",
        "QUJ-",
        "QUJ_",
        "QUJD\u00e9",
        "QUJD\x00",
        "",
    ],
)
def test_refuses_what_b64decode_with_validate_refuses_and_superfluous_padding(text: str) -> None:
    try:
        expected: bytes | None = base64.b64decode(text, validate=True)
    except ValueError:
        expected = None
    if text.rstrip("=") != text and len(text.rstrip("=")) % 4 == 0:
        expected = None  # "QUJD=", "QUJD====": nothing left to pad
    try:
        actual: bytes | None = base64_codec.decode(text)
    except (base64_codec.Error, ValueError):
        actual = None
    assert actual == expected
