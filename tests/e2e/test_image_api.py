"""The API end to end: HTTP -> API Gateway (imported OpenAPI body) -> Lambda -> S3 + DynamoDB."""

import base64
import hashlib
import io
import json

import pytest

from bench.function_profile import noise_png
from image_service import contract
from tests.fixtures.deployed_api import Api, Storage
from tests.fixtures.images import GIF, JPEG, WEBP, photo, png, png_bomb


def upload(api: Api, user_id: str, data: bytes, name: str, **fields: object) -> dict[str, object]:
    body = {"user_id": user_id, "image_name": name, "file": base64.b64encode(data).decode(), **fields}
    response = api.request("POST", "/v1/images", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


def test_full_lifecycle(api: Api, storage: Storage, user_id: str) -> None:
    # Given a JPEG photo uploaded with metadata
    data = photo("JPEG")
    created = upload(api, user_id, data, "sunset.jpg", description="Evening", tags=["sky", "red"])
    image_id = str(created["image_id"])
    assert created["content_type"] == "image/jpeg"
    assert created["size"] == len(data)
    assert created["sha256"] == hashlib.sha256(data).hexdigest()
    assert storage.object_bytes(image_id) == data

    # When listing, then it is there
    listing = api.request("GET", "/v1/images", params={"user_id": user_id}).json()
    assert listing["count"] == 1
    assert listing["images"][0] == created

    # Inline by default, byte for byte
    inline = api.request("GET", f"/v1/images/{image_id}")
    assert inline.status_code == 200
    assert inline.content == data
    assert inline.headers["Content-Type"] == "image/jpeg"
    assert inline.headers["Content-Disposition"] == 'inline; filename="sunset.jpg"'
    assert inline.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Image-Metadata" not in inline.headers

    # As a download
    download = api.request("GET", f"/v1/images/{image_id}", params={"download": "true"})
    assert download.content == data
    assert download.headers["Content-Disposition"] == 'attachment; filename="sunset.jpg"'

    # With metadata
    with_metadata = api.request("GET", f"/v1/images/{image_id}", params={"metadata": "true"})
    assert with_metadata.content == data
    assert json.loads(with_metadata.headers["X-Image-Metadata"]) == created

    # Delete, then it is gone everywhere
    deleted = api.request("DELETE", f"/v1/images/{image_id}")
    assert deleted.status_code == 200
    assert deleted.json() == {"image_id": image_id, "deleted": True}
    gone = api.request("GET", f"/v1/images/{image_id}")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "image_not_found"
    assert api.request("GET", "/v1/images", params={"user_id": user_id}).json()["count"] == 0


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (photo("JPEG", (1600, 1200)), "image/jpeg"),
        (photo("PNG", (640, 480)), "image/png"),
        (GIF, "image/gif"),
        (WEBP, "image/webp"),
    ],
    ids=["jpeg-photo", "png-photo", "gif", "webp"],
)
def test_bytes_round_trip_exactly(api: Api, user_id: str, data: bytes, content_type: str) -> None:
    created = upload(api, user_id, data, f"picture.{content_type.split('/')[1]}")
    fetched = api.request("GET", f"/v1/images/{created['image_id']}", headers={"Accept": content_type})
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"] == content_type
    assert hashlib.sha256(fetched.content).hexdigest() == hashlib.sha256(data).hexdigest()


def test_an_image_near_the_size_limit_round_trips(api: Api, user_id: str) -> None:
    data = noise_png(contract.MAX_IMAGE_BYTES)  # a real PNG of random pixels, just under 4 MiB
    assert len(data) > contract.MAX_IMAGE_BYTES - 4 * 1024
    created = upload(api, user_id, data, "big.png")
    fetched = api.request("GET", f"/v1/images/{created['image_id']}")
    assert fetched.content == data


def test_list_is_per_user_and_newest_first(api: Api, user_id: str) -> None:
    first = upload(api, user_id, png(), "first.png")
    second = upload(api, user_id, JPEG, "second.jpg")
    other_user = f"{user_id}-other"
    other = upload(api, other_user, GIF, "other.gif")
    try:
        listing = api.request("GET", "/v1/images", params={"user_id": user_id}).json()
        assert [image["image_id"] for image in listing["images"]] == [second["image_id"], first["image_id"]]
    finally:
        api.request("DELETE", f"/v1/images/{other['image_id']}")


@pytest.mark.parametrize("key", [None, "wrong-key-wrong-key-wrong-key"], ids=["missing", "wrong"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/images?user_id=alice"),
        ("POST", "/v1/images"),
        ("GET", "/v1/images/11111111-2222-4333-8444-555555555555"),
        ("DELETE", "/v1/images/11111111-2222-4333-8444-555555555555"),
    ],
)
def test_every_route_needs_a_valid_api_key(
    api: Api, storage: Storage, key: str | None, method: str, path: str
) -> None:
    before = storage.object_count(), storage.item_count()
    body = {"user_id": "alice", "image_name": "a.png", "file": base64.b64encode(png()).decode()}
    response = api.request(method, path, key=key, json=body if method == "POST" else None)
    assert response.status_code == 403
    assert "error" in response.json()
    assert (storage.object_count(), storage.item_count()) == before


def _upload_body(data: bytes) -> str:
    return json.dumps({"user_id": "alice", "image_name": "x.png", "file": base64.b64encode(data).decode()})


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b'{"user_id": "alice"}', 422, "validation_error"),
        (b'{"user_id": "alice", "image_name": "a.png", "file": "%%%not-base64%%%"}', 400, "invalid_base64"),
        (
            json.dumps(
                {
                    "user_id": "alice",
                    "image_name": "x.png",
                    "file": base64.b64encode(b"<html>hi</html>").decode(),
                }
            ),
            415,
            "unsupported_media_type",
        ),
        (
            json.dumps({"user_id": "alice", "image_name": "a.png", "file": "AAAA", "size": 1}),
            422,
            "validation_error",
        ),
        (
            json.dumps(
                {
                    "user_id": "alice",
                    "image_name": "../../etc/passwd",
                    "file": base64.b64encode(JPEG).decode(),
                }
            ),
            422,
            "validation_error",
        ),
        (_upload_body(png_bomb()), 400, "too_many_pixels"),
        (
            _upload_body(b"GIF89a/*\x00\x00*/=1;alert(document.domain)//" + b"A" * 64),
            415,
            "corrupt_image",  # a GIF's magic, then no GIF
        ),
        (_upload_body(png() + b"<html><script>alert(document.domain)</script></html>"), 415, "trailing_data"),
        (_upload_body(photo("JPEG")[:-500]), 415, "corrupt_image"),
        (_upload_body(b""), 422, "validation_error"),
        (
            _upload_body(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
            415,
            "unsupported_media_type",
        ),
    ],
    ids=[
        "malformed-json",
        "missing-fields",
        "invalid-base64",
        "not-an-image",
        "unknown-field",
        "path-in-name",
        "decompression-bomb",
        "gif-script-polyglot",
        "png-html-polyglot",
        "truncated-jpeg",
        "empty-file",
        "svg",
    ],
)
def test_bad_input_gets_its_4xx_and_stores_nothing(
    api: Api, storage: Storage, body: bytes | str, status: int, code: str
) -> None:
    before = storage.object_count(), storage.item_count()
    response = api.request("POST", "/v1/images", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert (storage.object_count(), storage.item_count()) == before


def test_oversized_image_is_413(api: Api, storage: Storage) -> None:
    before = storage.object_count(), storage.item_count()
    data = b"\xff\xd8\xff" + b"\0" * (4 * 1024 * 1024)
    body = {"user_id": "alice", "image_name": "huge.jpg", "file": base64.b64encode(data[:-2]).decode()}
    response = api.request("POST", "/v1/images", json=body)
    assert response.status_code == 413
    assert f"{contract.MAX_IMAGE_BYTES:,} bytes" in response.json()["error"]["message"]
    assert (storage.object_count(), storage.item_count()) == before


def test_a_body_over_the_inline_limit_is_413_naming_the_large_upload_route(
    api: Api, storage: Storage
) -> None:
    # Given an image whose base64 is just over the schema's maxLength (the body still fits Lambda's
    # 6 MB payload, so this holds on AWS as on the emulator)
    before = storage.object_count(), storage.item_count()
    file = base64.b64encode(b"\xff\xd8\xff" + b"\0" * (contract.MAX_IMAGE_BYTES + 3)).decode()
    assert len(file) > contract.MAX_IMAGE_BASE64_CHARS
    response = api.request(
        "POST", "/v1/images", json={"user_id": "alice", "image_name": "big.jpg", "file": file}
    )
    assert response.status_code == 413, response.text
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert "4 MiB" in error["message"]
    assert "POST /v1/images/uploads" in error["message"]
    assert (storage.object_count(), storage.item_count()) == before


@pytest.mark.parametrize("image_id", ["11111111-2222-4333-8444-555555555555", "not-a-uuid"])
def test_unknown_ids_are_404_for_get_and_delete(api: Api, image_id: str) -> None:
    for method in ("GET", "DELETE"):
        response = api.request(method, f"/v1/images/{image_id}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "image_not_found"


def test_list_without_user_id_is_400(api: Api) -> None:
    response = api.request("GET", "/v1/images")
    assert response.status_code == 400
    assert "error" in response.json()


def test_a_missing_required_parameter_is_refused_by_the_gateway(api: Api) -> None:
    # The gateway's validator answers (its error type), in the API's error format.
    response = api.request("GET", "/v1/images")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_REQUEST_PARAMETERS"
    assert "user_id" in response.json()["error"]["message"]


def test_conditional_get_through_the_gateway(api: Api, user_id: str) -> None:
    body = {"user_id": user_id, "image_name": "c.jpg", "file": base64.b64encode(JPEG).decode()}
    created = api.request("POST", "/v1/images", json=body).json()
    first = api.request("GET", f"/v1/images/{created['image_id']}")
    assert first.headers["ETag"] == f'"{created["sha256"]}"'
    assert "immutable" in first.headers["Cache-Control"]
    again = api.request(
        "GET", f"/v1/images/{created['image_id']}", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.content == b""


def test_metadata_edit_through_the_gateway(api: Api, second_api: Api, user_id: str) -> None:
    body = {"user_id": user_id, "image_name": "e.jpg", "file": base64.b64encode(JPEG).decode()}
    created = api.request("POST", "/v1/images", json=body).json()
    path = f"/v1/images/{created['image_id']}"
    etag = api.request("GET", path, params={"metadata": "true"}).headers["ETag"]

    edited = api.request(
        "PATCH", path, json={"image_name": "renamed.jpg", "tags": ["sea"]}, headers={"If-Match": etag}
    )
    stale = api.request("PATCH", path, json={"description": "late"}, headers={"If-Match": etag})
    foreign = second_api.request("PATCH", path, json={"image_name": "theirs.jpg"})

    assert edited.status_code == 200, edited.text
    assert (edited.json()["image_name"], edited.json()["tags"]) == ("renamed.jpg", ["sea"])
    assert (stale.status_code, foreign.status_code) == (412, 404)
    download = api.request("GET", path, params={"download": "true"})
    assert download.headers["Content-Disposition"] == 'attachment; filename="renamed.jpg"'


def test_resized_variant_through_the_gateway(api: Api, storage: Storage, user_id: str) -> None:
    data = photo("JPEG", (1600, 1200))
    created = api.request(
        "POST",
        "/v1/images",
        json={"user_id": user_id, "image_name": "big.jpg", "file": base64.b64encode(data).decode()},
    ).json()
    path = f"/v1/images/{created['image_id']}"
    first = api.request("GET", path, params={"width": "320", "format": "webp"})
    again = api.request("GET", path, params={"width": "320", "format": "webp"})
    assert first.status_code == again.status_code == 200
    assert first.headers["Content-Type"] == "image/webp"
    assert first.content == again.content
    from PIL import Image

    assert Image.open(io.BytesIO(first.content)).size == (320, 240)
    assert api.request("GET", path).content == data  # the original is untouched
