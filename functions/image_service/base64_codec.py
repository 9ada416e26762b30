"""Base64 for request and response bodies: strict, and fast on megabytes (pybase64, SIMD).

An upload's bytes arrive base64-encoded twice over (the gateway encodes the JSON body that holds
the base64 file) and a get's leave encoded once; with the standard library these were about half
of a 4 MiB request's time in the handler. pybase64 is a drop-in for the same strict alphabet,
padding and error type (tests/unit/test_base64_codec.py compares the two)."""

import binascii

import pybase64

Error = binascii.Error  # what decode raises for anything but padded standard base64


def decode(text: str | bytes) -> bytes:
    """Standard alphabet, padding required, nothing else allowed (as b64decode(validate=True)),
    read in place: no ASCII copy of a str is made first."""
    return pybase64.b64decode(text, validate=True)


def encode(data: bytes) -> str:
    return pybase64.b64encode_as_string(data)  # straight to str: no bytes copy to decode
