"""Pure image logic: decoding, type detection, records, download headers."""

import base64
from datetime import UTC, datetime, timedelta

import pytest

from image_service import base64_codec, contract
from image_service.errors import (
    EmptyImageError,
    ImageNotFoundError,
    InvalidBase64Error,
    PayloadTooLargeError,
    TooManyPixelsError,
    UnsupportedImageTypeError,
)
from image_service.image_verification import detect_content_type
from image_service.inline_upload import decode_image, new_record
from image_service.models import UploadRequest
from image_service.records import check_image_id, content_disposition, object_key_for, timestamp
from tests.fixtures.images import GIF, JPEG, WEBP, png, png_bomb


@pytest.mark.parametrize(
    ("data", "expected"),
    [(JPEG, "image/jpeg"), (png(), "image/png"), (GIF, "image/gif"), (WEBP, "image/webp")],
)
def test_detects_each_allowed_type_from_bytes(data: bytes, expected: str) -> None:
    assert detect_content_type(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        b"%PDF-1.7",
        b"RIFF\x00\x00\x00\x00WAVEfmt ",
        b"\x89PN",
    ],
)
def test_rejects_bytes_that_are_not_an_allowed_image(data: bytes) -> None:
    with pytest.raises(UnsupportedImageTypeError):
        detect_content_type(data)


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a/*\x00\x00*/=1;alert(document.domain)//" + b"A" * 64,  # GIF header, then script
        b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00",  # a header and nothing else
        png()[:30],  # truncated inside IDAT
        png()[:-8] + b"\x00" * 8,  # IEND's CRC forged
        b"\xff\xd8\xff<script>alert(1)</script>",  # JPEG magic, no JPEG
        b"RIFF\x10\x00\x00\x00WEBPVP8 <html></html>",  # WebP magic, no WebP
    ],
    ids=[
        "gif-polyglot",
        "gif-header-only",
        "png-truncated",
        "png-bad-crc",
        "jpeg-magic-only",
        "webp-magic-only",
    ],
)
def test_rejects_allowed_magic_over_a_malformed_body(data: bytes) -> None:
    with pytest.raises(UnsupportedImageTypeError):
        detect_content_type(data)


def test_rejects_a_decompression_bomb_before_decoding_it() -> None:
    bomb = png_bomb()
    assert len(bomb) < 20_000  # tiny on the wire, 100 MP declared
    with pytest.raises(TooManyPixelsError, match="10000x10000"):
        detect_content_type(bomb)


def test_accepts_an_image_at_the_pixel_limit() -> None:
    side = int(contract.MAX_IMAGE_PIXELS**0.5)
    assert detect_content_type(png_bomb(side, side)) == "image/png"


def test_empty_file_is_its_own_error() -> None:
    with pytest.raises(EmptyImageError):
        detect_content_type(b"")


def test_decode_accepts_standard_padded_base64() -> None:
    assert decode_image(base64.b64encode(JPEG).decode()) == JPEG


@pytest.mark.parametrize("text", ["not base64!", "QUJDRA", "QUJ", "QU JD"])
def test_decode_rejects_invalid_base64(text: str) -> None:
    with pytest.raises(InvalidBase64Error):
        decode_image(text)


@pytest.mark.parametrize(
    "text", ["QUJDRA==", "QUJDRA=", "QUJD=A==", "QUJD====", "QUJD\n", "QUJ_", "QUJD\u00e9"]
)
def test_decode_accepts_and_refuses_what_the_codec_does(text: str) -> None:
    # The codec's strictness (standard library parity, RFC 4648 padding) is tested in
    # test_base64_codec.py; here, that decode_image follows it and names its refusals.
    try:
        expected: bytes | None = base64_codec.decode(text)
    except (base64_codec.Error, ValueError):
        expected = None
    if expected is None:
        with pytest.raises(InvalidBase64Error):
            decode_image(text)
    else:
        assert decode_image(text) == expected


def test_decode_enforces_the_size_limit_on_decoded_bytes() -> None:
    at_limit = base64.b64encode(b"\0" * contract.MAX_IMAGE_BYTES).decode()
    over_limit = base64.b64encode(b"\0" * (contract.MAX_IMAGE_BYTES + 1)).decode()

    assert len(decode_image(at_limit)) == contract.MAX_IMAGE_BYTES
    with pytest.raises(PayloadTooLargeError, match=f"{contract.MAX_IMAGE_BYTES:,} bytes"):
        decode_image(over_limit)


def test_base64_limit_is_the_encoded_size_of_the_byte_limit() -> None:
    assert len(base64.b64encode(b"\0" * contract.MAX_IMAGE_BYTES)) == contract.MAX_IMAGE_BASE64_CHARS


def test_new_record_describes_the_bytes_not_the_claims() -> None:
    request = UploadRequest(user_id="alice", image_name="holiday.gif", tags=["sea"], file="x")
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    record = new_record(
        request, png(), tenant_id="tenant-a", now=now, image_id="11111111-2222-4333-8444-555555555555"
    )

    assert record.content_type == "image/png"  # the name says .gif; the bytes win
    assert record.size == len(png())
    assert record.sha256 == __import__("hashlib").sha256(png()).hexdigest()
    assert record.created_at == "2026-01-02T03:04:05.000000Z"
    assert record.object_key == object_key_for(record.image_id) == f"images/{record.image_id}"
    assert record.user_id == "alice"
    assert record.tags == ["sea"]


def test_new_records_get_fresh_uuids() -> None:
    request = UploadRequest(user_id="alice", image_name="a.png", file="x")
    now = datetime.now(UTC)
    ids = {new_record(request, png(), tenant_id="tenant-a", now=now).image_id for _ in range(50)}
    assert len(ids) == 50
    assert all(check_image_id(image_id) for image_id in ids)


def test_timestamps_sort_as_text_in_time_order() -> None:
    base = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
    moments = [
        base,
        base + timedelta(microseconds=1),
        base + timedelta(seconds=1),
        base + timedelta(days=400),
    ]
    texts = [timestamp(moment) for moment in moments]
    assert texts == sorted(texts)
    assert len({len(text) for text in texts}) == 1


@pytest.mark.parametrize("image_id", ["", "abc", "../etc/passwd", "11111111-2222-4333-8444-55555555555Z"])
def test_ids_that_are_not_uuids_name_no_image(image_id: str) -> None:
    with pytest.raises(ImageNotFoundError):
        check_image_id(image_id)


def test_content_disposition_inline_and_attachment() -> None:
    assert content_disposition("cat.png", download=False) == 'inline; filename="cat.png"'
    assert content_disposition("cat.png", download=True) == 'attachment; filename="cat.png"'


def test_content_disposition_non_ascii_uses_rfc5987_filename_star() -> None:
    header = content_disposition("café ☕.jpg", download=True)
    assert header == "attachment; filename=\"caf_ _.jpg\"; filename*=UTF-8''caf%C3%A9%20%E2%98%95.jpg"


def test_content_disposition_cannot_be_broken_out_of() -> None:
    header = content_disposition('a"; evil=1\\.png', download=False)
    assert header.startswith('inline; filename="a_; evil=1_.png"')
    assert header.count('"') == 2
