"""Every handler path, through the Lambda entry points, against moto."""

import base64
import hashlib
import json
from typing import Any
from unittest import mock

import boto3
import pytest

from image_service import contract
from image_service.handlers import list_images
from image_service.storage import clients
from tests.fixtures.api_events import TENANT
from tests.fixtures.image_calls import API, assert_error, delete, get, list_for, upload, upload_ok
from tests.fixtures.images import GIF, JPEG, WEBP, png
from tests.fixtures.moto_aws import BUCKET, failing, stored_items, stored_objects

pytestmark = pytest.mark.usefixtures("aws")


# ---- upload ----


@pytest.mark.parametrize(
    ("data", "content_type"), [(JPEG, "image/jpeg"), (png(), "image/png"), (GIF, "image/gif")]
)
def test_upload_stores_bytes_and_metadata(data: bytes, content_type: str) -> None:
    created = upload_ok(data, description="a test", tags=["x", "y"])

    assert created["content_type"] == content_type
    assert created["size"] == len(data)
    assert created["tags"] == ["x", "y"]
    assert "object_key" not in created
    assert stored_objects() == [f"images/{created['image_id']}"]
    stored = boto3.client("s3").get_object(Bucket=BUCKET, Key=f"images/{created['image_id']}")
    assert stored["Body"].read() == data
    assert stored["ContentType"] == content_type
    assert len(stored_items()) == 1


def test_upload_sends_s3_the_sha256_to_check_and_no_second_hash_of_the_body() -> None:
    # moto keeps no checksum: what S3 would check is read off the request itself
    sent: list[dict[str, str]] = []

    def record(request: Any, **_: Any) -> None:
        sent.append(
            {
                name: str(value, "ascii") if isinstance(value, bytes) else value
                for name, value in request.headers.items()
            }
        )

    clients.s3().meta.events.register("before-send.s3.PutObject", record)
    data = png()

    upload_ok(data)

    (headers,) = sent
    assert headers["x-amz-checksum-sha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert headers["X-Amz-Content-SHA256"] == "UNSIGNED-PAYLOAD"  # no SigV4 pass over the body
    assert "x-amz-trailer" not in headers  # nor a CRC32 of the SDK's own, framed aws-chunked


def test_upload_answers_201_with_location() -> None:
    body = {"user_id": "alice", "image_name": "a.webp", "file": base64.b64encode(WEBP).decode()}
    response = upload(body)
    assert response.status == 201
    assert response.headers["Location"] == f"/v1/images/{response.json()['image_id']}"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("{not json", 400, "malformed_json"),
        ("", 400, "malformed_json"),
        ("\xff\xfe", 400, "malformed_json"),
        ('["a list"]', 422, "validation_error"),
        ('{"user_id": "alice"}', 422, "validation_error"),
        ('{"user_id": "alice", "image_name": "a.png", "file": "@@@@"}', 400, "invalid_base64"),
        (
            '{"user_id": "alice", "image_name": "a.png", "file": "AAAA", "image_id": "x"}',
            422,
            "validation_error",
        ),
        ('{"user_id": "alice", "image_name": "a.png", "file": "PGh0bWw+"}', 415, "unsupported_media_type"),
        ('{"user_id": "al/ice", "image_name": "a.png", "file": "AAAA"}', 422, "validation_error"),
    ],
)
def test_bad_uploads_get_a_4xx_and_store_nothing(body: str, status: int, code: str) -> None:
    assert_error(upload(body, raw=True), status, code)
    assert stored_objects() == []
    assert stored_items() == []


@pytest.mark.parametrize("encoded_body", ["e30=!", "e30", "e30=\u00e9", "e3-="])
def test_a_body_that_is_not_strict_base64_is_malformed(encoded_body: str) -> None:
    # The gateway base64-encodes bodies (binary media types */*); anything else is refused as
    # base64.b64decode(validate=True) would, although the text is now decoded in place.
    event = API.event("POST", "/v1/images", data="{}")
    event["body"] = encoded_body
    assert_error(API.send(event), 400, "malformed_json")


def test_oversized_upload_is_413_naming_the_limit() -> None:
    too_big = b"\xff\xd8\xff" + b"\0" * contract.MAX_IMAGE_BYTES
    # One byte over the decoded limit but within the base64 length limit of the schema.
    body = {"user_id": "alice", "image_name": "big.jpg", "file": base64.b64encode(too_big[:-2]).decode()}
    response = upload(body)
    assert_error(response, 413, "payload_too_large")
    assert f"{contract.MAX_IMAGE_BYTES:,} bytes" in response.json()["error"]["message"]
    assert contract.LARGE_UPLOAD_PATH in response.json()["error"]["message"]
    assert stored_objects() == []


def test_a_body_over_the_inline_limit_is_413_pointing_to_large_uploads() -> None:
    # Given a 5 MB photo, whose base64 is over the schema's maxLength for `file`
    photo = b"\xff\xd8\xff" + b"\0" * (5 * 1000 * 1000)
    body = {"user_id": "alice", "image_name": "photo.jpg", "file": base64.b64encode(photo).decode()}
    assert len(body["file"]) > contract.MAX_IMAGE_BASE64_CHARS

    # When it is uploaded inline, the answer is 413 (not a schema error), naming the limit and the
    # route that takes it, and nothing is stored
    response = upload(body)
    assert_error(response, 413, "payload_too_large")
    message = response.json()["error"]["message"]
    assert "4 MiB" in message
    assert f"POST {contract.LARGE_UPLOAD_PATH}" in message
    assert contract.LARGE_UPLOAD_PATH == "/v1/images/uploads"
    assert stored_objects() == []
    assert stored_items() == []


def test_upload_body_sent_as_text_is_accepted_too() -> None:
    body = json.dumps({"user_id": "alice", "image_name": "a.png", "file": base64.b64encode(png()).decode()})
    assert API.post("/v1/images", data=body, base64_body=False).status == 201


def test_metadata_failure_removes_the_object_and_answers_503() -> None:
    with failing("PutItem"):
        response = upload(
            {"user_id": "alice", "image_name": "a.png", "file": base64.b64encode(png()).decode()}
        )
    assert_error(response, 503, "service_unavailable")
    assert "metadata" in response.json()["error"]["message"]
    assert stored_objects() == []
    assert stored_items() == []


# ---- list ----


def test_list_returns_only_that_users_images_newest_first() -> None:
    first = upload_ok(png(), image_name="first.png")
    second = upload_ok(JPEG, image_name="second.jpg")
    upload_ok(GIF, user_id="bob")

    response = list_for({"user_id": "alice"})

    assert response.status == 200
    listing = response.json()
    assert listing["user_id"] == "alice"
    assert listing["count"] == 2
    assert [image["image_id"] for image in listing["images"]] == [second["image_id"], first["image_id"]]
    assert listing["images"][0] == second


def test_list_for_user_without_images_is_empty() -> None:
    assert list_for({"user_id": "nobody"}).json() == {"user_id": "nobody", "count": 0, "images": []}


@pytest.mark.parametrize("query", [None, {"user_id": ""}, {"user_id": "a b"}, {"other": "x"}])
def test_list_needs_a_valid_user_id(query: dict[str, str] | None) -> None:
    assert_error(list_for(query), 400, "bad_request")


# ---- get ----


def test_get_returns_the_bytes_inline_by_default() -> None:
    created = upload_ok(JPEG, image_name="photo.jpg")

    response = get(created["image_id"])

    assert response.status == 200
    assert response.is_base64 is True
    assert response.content == JPEG
    headers = response.headers
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Content-Disposition"] == 'inline; filename="photo.jpg"'
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert contract.METADATA_HEADER not in headers


def test_get_as_download_with_metadata() -> None:
    created = upload_ok(png(), image_name="café.png", description="x")

    response = get(created["image_id"], download="true", metadata="true")

    headers = response.headers
    assert headers["Content-Disposition"].startswith('attachment; filename="caf_.png"; filename*=UTF-8')
    metadata = json.loads(headers[contract.METADATA_HEADER])
    assert metadata == created
    assert headers[contract.METADATA_HEADER].isascii()


def test_get_false_flags_mean_inline_without_metadata() -> None:
    created = upload_ok()
    headers = get(created["image_id"], download="false", metadata="false").headers
    assert headers["Content-Disposition"].startswith("inline;")
    assert contract.METADATA_HEADER not in headers


# The spec declares the flags `type: boolean`: only `true` and `false` are booleans. Schemathesis
# found `?download=` answered 200 (an empty value read as false).
@pytest.mark.parametrize("value", ["yes please", "", "0", "1", "TRUE", "False", " true"])
@pytest.mark.parametrize("name", ["download", "metadata"])
def test_get_rejects_a_flag_that_is_not_a_boolean(name: str, value: str) -> None:
    created = upload_ok()
    assert_error(get(created["image_id"], **{name: value}), 400, "bad_request")


@pytest.mark.parametrize("image_id", ["11111111-2222-4333-8444-555555555555", "not-a-uuid"])
def test_get_unknown_image_is_404(image_id: str) -> None:
    assert_error(get(image_id), 404, "image_not_found")


def test_metadata_whose_object_is_missing_is_404_not_500() -> None:
    created = upload_ok()
    boto3.client("s3").delete_object(Bucket=BUCKET, Key=f"images/{created['image_id']}")
    assert_error(get(created["image_id"]), 404, "image_not_found")


def test_storage_outage_is_503_without_internal_names() -> None:
    created = upload_ok()
    with failing("GetItem"):
        response = get(created["image_id"])
    assert_error(response, 503, "service_unavailable")
    assert "unit-images" not in response.text


# ---- delete ----


def test_delete_removes_object_and_metadata_then_get_is_404() -> None:
    created = upload_ok()

    response = delete(created["image_id"])

    assert response.status == 200
    assert response.json() == {"image_id": created["image_id"], "deleted": True}
    assert stored_objects() == []
    assert stored_items() == []
    assert_error(get(created["image_id"]), 404, "image_not_found")
    assert_error(delete(created["image_id"]), 404, "image_not_found")


def test_delete_leaves_other_images_alone() -> None:
    keep = upload_ok(png())
    gone = upload_ok(JPEG)
    delete(gone["image_id"])
    assert stored_objects() == [f"images/{keep['image_id']}"]
    assert get(keep["image_id"]).status == 200


# ---- routing and unexpected failures ----


def test_unknown_route_is_a_json_404() -> None:
    # A path no operation declares, as a function's resolver would see one
    assert_error(API.get("/v1/nothing", handler=list_images.lambda_handler), 404, "route_not_found")


def test_unexpected_errors_are_500_without_details() -> None:
    created = upload_ok()
    with mock.patch("image_service.serving.content_disposition", side_effect=KeyError("secret")):
        response = get(created["image_id"])
    assert_error(response, 500, "internal_error")
    assert "secret" not in response.text
    assert "Traceback" not in response.text


# ---- tenants (one per API key) ----

OTHER_TENANT = "other-key-id"


def test_another_tenant_cannot_see_fetch_or_delete_an_image() -> None:
    # Given an image uploaded with key A
    mine = upload_ok(png(), image_name="mine.png")
    image_id = mine["image_id"]

    # When key B asks for it in every way, and lists the same user id
    attempts = [
        get(image_id, tenant=OTHER_TENANT),
        get(image_id, tenant=OTHER_TENANT, download="true"),
        get(image_id, tenant=OTHER_TENANT, metadata="true"),
        delete(image_id, tenant=OTHER_TENANT),
    ]
    listing = list_for({"user_id": "alice"}, tenant=OTHER_TENANT).json()

    # Then B gets 404s exactly like a missing image, and an empty list
    for response in attempts:
        assert_error(response, 404, "image_not_found")
    assert listing["images"] == []
    # ...and A's image is untouched
    assert get(image_id).status == 200
    assert list_for({"user_id": "alice"}).json()["images"] == [mine]
    assert len(stored_objects()) == len(stored_items()) == 1


def test_same_user_id_under_two_keys_are_two_users() -> None:
    a = upload_ok(png(), image_name="a.png")
    b = upload_ok(GIF, tenant=OTHER_TENANT, image_name="b.gif")
    assert [i["image_id"] for i in list_for({"user_id": "alice"}).json()["images"]] == [a["image_id"]]
    other = list_for({"user_id": "alice"}, tenant=OTHER_TENANT).json()
    assert [i["image_id"] for i in other["images"]] == [b["image_id"]]


def test_the_owner_comes_from_the_gateway_not_the_body() -> None:
    # A body naming a tenant or owner is refused (no mass assignment)...
    body = {"user_id": "alice", "image_name": "a.png", "file": base64.b64encode(png()).decode()}
    for field in ("tenant_id", "owner", "image_id", "object_key", "size", "sha256"):
        assert_error(upload({**body, field: "x"}), 422, "validation_error")
    # ...and the stored owner is the key the gateway identified.
    created = upload_ok(png())
    item = stored_items()[0]
    assert item["image_id"]["S"] == created["image_id"]
    assert (item["tenant_id"]["S"], item["owner"]["S"]) == (TENANT, f"{TENANT}#alice")


@pytest.mark.parametrize("call", ["upload", "list", "get", "delete"])
def test_a_request_without_a_key_identity_is_refused(call: str) -> None:
    image_id = "11111111-2222-4333-8444-555555555555"
    body = {"user_id": "alice", "image_name": "a.png", "file": base64.b64encode(png()).decode()}
    response = {
        "upload": lambda: upload(body, tenant=None),
        "list": lambda: list_for({"user_id": "alice"}, tenant=None),
        "get": lambda: get(image_id, tenant=None),
        "delete": lambda: delete(image_id, tenant=None),
    }[call]()
    assert_error(response, 403, "forbidden")
    assert stored_objects() == []
    assert stored_items() == []
