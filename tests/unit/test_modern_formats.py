"""HEIC and AVIF through the handlers (moto): stored byte for byte, dimensions and placeholder on
every read path, variants in every output format, format=auto negotiated with Vary: Accept, and
the hostile-image rules (truncated, forged, appended data, bombs) for the new formats."""

import base64
import hashlib
import io
import json
import struct
from typing import Any

import pytest
from PIL import Image

from image_service import contract
from image_service.handlers import get_image, list_images, update_image, upload_image
from tests.fixtures.api_events import TENANT, api_event
from tests.fixtures.handler_calls import headers_of, invoke, json_body
from tests.fixtures.images import JPEG, avif, exif_of, heic, photo
from tests.fixtures.moto_aws import clear_process_caches, stored_items, stored_objects

pytestmark = pytest.mark.usefixtures("aws")
pillow_heif = pytest.importorskip("pillow_heif")
pillow_heif.register_heif_opener()

CHROME = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"


def _upload(data: bytes) -> dict[str, Any]:
    body = {"user_id": "alice", "image_name": "photo", "file": base64.b64encode(data).decode()}
    event = api_event("POST", "/v1/images", resource="/v1/images", body=json.dumps(body))
    return invoke(upload_image.lambda_handler, event)


def _get(image_id: str, *, accept: str | None = None, **query: str) -> dict[str, Any]:
    event = api_event(
        "GET",
        f"/v1/images/{image_id}",
        resource="/v1/images/{image_id}",
        query=query or None,
        path_parameters={"image_id": image_id},
        headers={"Accept": accept} if accept is not None else None,
    )
    return invoke(get_image.lambda_handler, event)


def _bytes(response: dict[str, Any]) -> bytes:
    assert response["statusCode"] == 200, response["body"]
    return base64.b64decode(response["body"])


def _opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.mark.parametrize(("make", "content_type"), [(heic, "image/heic"), (avif, "image/avif")])
def test_a_modern_photo_round_trips_byte_for_byte_with_its_dimensions(make: Any, content_type: str) -> None:
    # Given a phone photo stored on its side (orientation 6: shown 48x64)
    data = make((64, 48), orientation=6, gps=True)
    # When it is uploaded
    response = _upload(data)
    # Then it is stored as sent, and its metadata says its type, upright size and placeholder
    assert response["statusCode"] == 201, response["body"]
    created = json_body(response)
    assert created["content_type"] == content_type
    assert (created["width"], created["height"]) == (48, 64)
    assert created["placeholder"].startswith("L")
    assert len(created["placeholder"]) == 28
    assert created["sha256"] == hashlib.sha256(data).hexdigest()
    assert _bytes(_get(created["image_id"])) == data
    # and every read path returns the same dimensions and placeholder
    shown = {key: created[key] for key in ("width", "height", "placeholder")}
    header = headers_of(_get(created["image_id"], metadata="true"))[contract.METADATA_HEADER]
    assert {key: json.loads(header)[key] for key in shown} == shown
    listed = invoke(
        list_images.lambda_handler,
        api_event("GET", "/v1/images", resource="/v1/images", query={"user_id": "alice"}),
    )
    assert {key: json_body(listed)["images"][0][key] for key in shown} == shown
    patched = invoke(
        update_image.lambda_handler,
        api_event(
            "PATCH",
            f"/v1/images/{created['image_id']}",
            resource="/v1/images/{image_id}",
            body=json.dumps({"tags": ["trip"]}),
            path_parameters={"image_id": created["image_id"]},
        ),
    )
    assert {key: json_body(patched)[key] for key in shown} == shown


@pytest.mark.parametrize("output", list(contract.VARIANT_FORMATS))
@pytest.mark.parametrize("make", [heic, avif], ids=["heic", "avif"])
def test_variants_of_modern_photos_in_every_output_format(make: Any, output: str) -> None:
    created = json_body(_upload(make((64, 48), orientation=6, gps=True)))
    variant = _bytes(_get(created["image_id"], width="24", format=output))
    with _opened(variant) as image:
        assert image.format == contract.VARIANT_FORMATS[output].split("/")[1].upper()
        assert image.size == (24, 32)  # upright
        assert image.getexif().get(0x0112, 1) == 1
    assert b"PhoneMaker" not in variant


def test_a_heic_variant_defaults_to_jpeg_and_an_avif_one_to_avif() -> None:
    heic_id = json_body(_upload(heic()))["image_id"]
    avif_id = json_body(_upload(avif()))["image_id"]
    assert _opened(_bytes(_get(heic_id, width="10"))).format == "JPEG"
    assert _opened(_bytes(_get(avif_id, width="10"))).format == "AVIF"


@pytest.mark.parametrize(
    ("accept", "original", "expected"),
    [
        (CHROME, JPEG, "image/avif"),
        ("image/webp,*/*", JPEG, "image/webp"),
        ("image/jpeg", JPEG, "image/jpeg"),
        ("*/*", JPEG, "image/jpeg"),
        (None, JPEG, "image/jpeg"),
        ("*/*", None, "image/jpeg"),  # a HEIC original: JPEG for a client that names nothing
    ],
)
def test_format_auto_negotiates_and_varies_on_accept(
    accept: str | None, original: bytes | None, expected: str
) -> None:
    image_id = json_body(_upload(original if original is not None else heic()))["image_id"]
    response = _get(image_id, accept=accept, format="auto", width="20")
    headers = headers_of(response)
    assert headers["Content-Type"] == expected
    assert _opened(_bytes(response)).format == expected.split("/")[1].upper()
    assert "Accept" in headers["Vary"]
    # Revalidation answers 304 with the same Vary; another Accept class is another variant (ETag)
    again = _get(image_id, accept=accept, format="auto", width="20") | {}
    etag = headers_of(again)["ETag"]
    revalidated = invoke(
        get_image.lambda_handler,
        api_event(
            "GET",
            f"/v1/images/{image_id}",
            resource="/v1/images/{image_id}",
            query={"format": "auto", "width": "20"},
            path_parameters={"image_id": image_id},
            headers={"If-None-Match": etag, **({"Accept": accept} if accept else {})},
        ),
    )
    assert revalidated["statusCode"] == 304
    assert "Accept" in headers_of(revalidated)["Vary"]


def test_each_negotiated_variant_is_made_once() -> None:
    image_id = json_body(_upload(JPEG))["image_id"]
    for accept in (CHROME, CHROME, "image/webp", "image/webp", "*/*", "text/html"):
        _get(image_id, accept=accept, format="auto", width="8")
    variants = sorted(key for key in stored_objects() if key.startswith("variants/"))
    assert variants == [
        f"variants/{image_id}/8xauto-contain.avif",
        f"variants/{image_id}/8xauto-contain.jpeg",
        f"variants/{image_id}/8xauto-contain.webp",
    ]


def test_an_explicit_format_does_not_vary() -> None:
    image_id = json_body(_upload(JPEG))["image_id"]
    assert "Vary" not in headers_of(_get(image_id, accept=CHROME, format="webp", width="8"))
    assert _opened(_bytes(_get(image_id, format="avif", width="8"))).format == "AVIF"


def test_a_bad_format_names_auto() -> None:
    image_id = json_body(_upload(JPEG))["image_id"]
    response = _get(image_id, format="heic")
    assert response["statusCode"] == 400
    assert "jpeg, png, webp, avif, auto" in json_body(response)["error"]["message"]


def _hostile() -> list[tuple[str, bytes, int, str]]:
    data = heic((64, 48))
    ispe = data.index(b"ispe") + 8
    cases = [
        ("heic truncated", data[: len(data) - 30], 415, "corrupt_image"),
        ("heic cut in its meta box", data[:60], 415, "corrupt_image"),
        ("heic with html appended", data + b"<html><script>alert(1)</script></html>", 415, "trailing_data"),
        ("heic with a zip appended", data + b"PK\x03\x04" + bytes(40), 415, "trailing_data"),
        (
            "heic ispe forged smaller",
            data[:ispe] + struct.pack(">II", 16, 16) + data[ispe + 8 :],
            415,
            "corrupt_image",
        ),
        (
            "heic ispe bomb (100 MP)",
            data[:ispe] + struct.pack(">II", 10_000, 10_000) + data[ispe + 8 :],
            400,
            "too_many_pixels",
        ),
        (
            "heic ispe over the decode budget (20 MP)",
            data[:ispe] + struct.pack(">II", 5000, 4000) + data[ispe + 8 :],
            400,
            "image_too_costly",
        ),
        ("heic brand on an avif", avif().replace(b"avif", b"heic", 1), 415, "unsupported_media_type"),
    ]
    small = avif((40, 30))
    a_ispe = small.index(b"ispe") + 8
    cases += [
        ("avif truncated", small[:-10], 415, "corrupt_image"),
        ("avif with a script appended", small + b"#!/bin/sh\nrm -rf /\n", 415, "trailing_data"),
        (
            "avif ispe bomb",
            small[:a_ispe] + struct.pack(">II", 60_000, 60_000) + small[a_ispe + 8 :],
            400,
            "too_many_pixels",
        ),
        ("avif coded data zeroed", small[:-60] + bytes(60), 415, "corrupt_image"),
    ]
    return cases


@pytest.mark.parametrize(("name", "data", "status", "code"), _hostile(), ids=[case[0] for case in _hostile()])
def test_hostile_modern_images_are_refused_and_nothing_is_stored(
    name: str, data: bytes, status: int, code: str
) -> None:
    response = _upload(data)
    assert response["statusCode"] == status, (name, response["body"])
    assert json_body(response)["error"]["code"] == code
    assert stored_objects() == []
    assert stored_items() == []


def test_an_avif_frame_smaller_than_declared_is_scaled_to_the_declared_size() -> None:
    # libavif scales a frame to its ispe (libheif refuses the mismatch: see above): the decode is
    # what the declared size costs, which the cost model checked, so it is an image like any other.
    small = avif((40, 30))
    at = small.index(b"ispe") + 8
    response = _upload(small[:at] + struct.pack(">II", 400, 300) + small[at + 8 :])
    assert response["statusCode"] == 201, response["body"]
    assert (json_body(response)["width"], json_body(response)["height"]) == (400, 300)


def test_a_large_photo_decodes_inside_the_budget() -> None:
    # 12 MP as phones take them: 4000x3000 is 120 MB to decode as HEIC, 132 MB as AVIF, both
    # within the 143 MB budget (the cost model's rows come from measuring these).
    from image_service import cost_model
    from image_service.container_layout import Layout

    for content_type in ("image/heic", "image/avif"):
        layout = Layout(content_type, 4000, 3000, 0)
        cost = cost_model.decode_cost(layout, "RGB", source_bytes=0)
        cost_model.check_decode(layout, cost)
        assert cost.total < contract.DECODE_BUDGET_BYTES


def test_exif_orientation_of_an_avif_is_applied_to_its_variants() -> None:
    created = json_body(_upload(avif((60, 20), orientation=8)))
    assert (created["width"], created["height"]) == (20, 60)
    with _opened(_bytes(_get(created["image_id"], format="png"))) as variant:
        assert variant.size == (20, 60)


def test_a_jpeg_gets_dimensions_and_a_placeholder_too() -> None:
    created = json_body(_upload(photo("JPEG", (320, 200))))
    assert (created["width"], created["height"]) == (320, 200)
    assert len(created["placeholder"]) == 28
    assert exif_of(JPEG) == {}
    items = stored_items()
    assert items[0]["width"] == {"N": "320"}
    assert items[0]["placeholder"] == {"S": created["placeholder"]}
    assert TENANT


def test_the_fuzz_sessions_heif_samples_are_what_they_say() -> None:
    # The fuzz session's generators (tests/fuzz/hostile_images.py) make HEIC/AVIF in the test run:
    # the acceptable ones verify, the broken ones are refused with a 4xx.
    from image_service.errors import ImageServiceError
    from image_service.image_verification import detect_content_type
    from tests.fuzz.hostile_images import ACCEPTABLE, BROKEN

    heif = ("image/heic", "image/avif")
    acceptable = [(name, kind, data) for name, kind, data in ACCEPTABLE if kind in heif]
    broken = [(name, kind, data) for name, kind, data in BROKEN if kind in heif]
    assert len(acceptable) >= 4
    assert len(broken) >= 7
    for _name, kind, data in acceptable:
        assert detect_content_type(data) == kind
    for name, _kind, data in broken:
        with pytest.raises(ImageServiceError) as refused:
            detect_content_type(data)
        assert 400 <= refused.value.status < 500, name


def test_a_preset_of_format_auto_negotiates(monkeypatch: pytest.MonkeyPatch) -> None:
    from image_service import presets

    table = {"card": presets.Preset(width=40, height=None, fit="contain", format="auto")}
    monkeypatch.setenv("IMAGE_PRESETS", presets.presets_json(table))
    clear_process_caches()
    image_id = json_body(_upload(JPEG))["image_id"]
    for accept, expected in ((CHROME, "image/avif"), ("image/webp", "image/webp"), ("*/*", "image/jpeg")):
        response = _get(image_id, accept=accept, preset="card")
        assert headers_of(response)["Content-Type"] == expected
        assert "Accept" in headers_of(response)["Vary"]
    assert presets.parse_presets('{"card": {"width": 40, "format": "auto"}}') == table
    with pytest.raises(ValueError, match="avif, auto"):
        presets.parse_presets('{"card": {"width": 40, "format": "heic"}}')
