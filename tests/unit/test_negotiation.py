"""`format=auto`: what each client's Accept header negotiates."""

import pytest

from image_service.negotiation import accept_class, accepted, negotiated_type

CHROME = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
FIREFOX = "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"
SAFARI_16 = "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"
OLD_SAFARI = "image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (CHROME, "image/avif"),
        (FIREFOX, "image/avif"),
        (SAFARI_16, "image/avif"),  # our order, not the client's: AVIF is smaller
        ("image/webp,*/*", "image/webp"),
        (OLD_SAFARI, "image/jpeg"),
        ("*/*", "image/jpeg"),  # curl
        ("image/*", "image/jpeg"),  # a wildcard names neither format
        ("image/jpeg", "image/jpeg"),
        (None, "image/jpeg"),
        ("", "image/jpeg"),
        ("image/avif;q=0, image/webp", "image/webp"),  # q=0 refuses
        ("image/avif;q=0.0,image/webp;q=0", "image/jpeg"),
        ("IMAGE/AVIF", "image/avif"),  # media types are case-insensitive
        ("image/avif;q=abc", "image/jpeg"),  # a malformed quality states no preference
        ("image/avif; charset=x; q=0.5", "image/avif"),
        (",,;;", "image/jpeg"),
    ],
)
def test_negotiation(accept: str | None, expected: str) -> None:
    assert negotiated_type(accept, "image/jpeg") == expected


def test_the_fallback_is_the_callers() -> None:
    assert negotiated_type("*/*", "image/png") == "image/png"


def test_the_class_is_few_valued_whatever_the_header() -> None:
    # A cache keys on the class: every browser header above falls in one of three.
    classes = {accept_class(header) for header in (CHROME, FIREFOX, SAFARI_16, OLD_SAFARI, "*/*", None)}
    assert classes == {"image/avif", None}
    assert accept_class("image/webp") == "image/webp"


def test_accepted_lists_named_types() -> None:
    assert accepted("image/webp;q=0.9, image/png;q=0") == {"image/webp"}
