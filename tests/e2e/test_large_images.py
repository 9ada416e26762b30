"""Large images end to end: start through the gateway, bytes straight to the emulator's S3 with
the presigned POST (its policy enforced by S3), complete through the gateway, and read back
through a presigned GET, byte for byte."""

import hashlib
import io
import os

import boto3
import pytest
import requests
from PIL import Image

from image_service import contract
from tests.fixtures.deployed_api import Api, Storage, complete, send, start
from tests.fixtures.images import JPEG, png


def large_png(side: int = 2600) -> bytes:
    """Noise does not compress: side 2600 RGB is a PNG of about 20 MB (6.8 MP)."""
    picture = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    picture.save(out, format="PNG", compress_level=1)
    return out.getvalue()


@pytest.fixture(scope="module")
def twenty_mb_png() -> bytes:
    data = large_png()
    assert len(data) > 20_000_000
    return data


def test_a_20_mb_image_round_trips_byte_for_byte(
    api: Api, storage: Storage, user_id: str, twenty_mb_png: bytes
) -> None:
    data = twenty_mb_png
    # Given an upload started through the API
    ticket = start(api, user_id, description="noise", tags=["large"])
    image_id = ticket["image_id"]
    assert storage.pending_upload(image_id) is not None

    # When the bytes go straight to S3, then the upload is completed
    sent = send(ticket, data)
    assert sent.status_code in (200, 201, 204), sent.text
    completed = complete(api, ticket)

    # Then it is an image, verified: size, type and sha256 of the bytes S3 holds
    assert completed.status_code == 200, completed.text
    image = completed.json()
    assert image["image_id"] == image_id
    assert (image["size"], image["content_type"]) == (len(data), "image/png")
    assert image["sha256"] == hashlib.sha256(data).hexdigest()
    assert storage.object_bytes(image_id) == data
    assert storage.keys(f"{contract.STAGING_PREFIX}{image_id}") == []
    assert storage.pending_upload(image_id) is None
    assert [listed["image_id"] for listed in api.list_all(user_id)] == [image_id]

    # GET answers with a redirect to S3 that serves it byte for byte, with the API's headers
    redirect = api.request("GET", f"/v1/images/{image_id}", allow_redirects=False)
    assert redirect.status_code == 307, redirect.text
    assert redirect.headers["ETag"] == f'"{image["sha256"]}"'
    fetched = requests.get(redirect.headers["Location"], timeout=120)
    assert fetched.status_code == 200
    assert fetched.content == data
    assert fetched.headers["Content-Type"] == "image/png"
    assert fetched.headers["Content-Disposition"] == 'inline; filename="big.png"'

    # a client that follows redirects gets the bytes in one call; download=true holds through S3
    download = api.request("GET", f"/v1/images/{image_id}", params={"download": "true"})
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["Content-Disposition"] == 'attachment; filename="big.png"'

    # redirect=false answers with the link as JSON
    link = api.request("GET", f"/v1/images/{image_id}", params={"redirect": "false"})
    assert link.status_code == 200, link.text
    assert (link.json()["size"], link.json()["content_type"]) == (len(data), "image/png")
    assert requests.get(link.json()["url"], timeout=120).content == data

    # a resized variant of it is an ordinary inline image
    variant = api.request("GET", f"/v1/images/{image_id}", params={"width": "256", "format": "jpeg"})
    assert variant.status_code == 200, variant.text
    assert variant.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(variant.content)).size == (256, 256)

    # Deleting it removes the bytes and the variants
    assert api.request("DELETE", f"/v1/images/{image_id}").status_code == 200
    assert storage.keys(f"images/{image_id}") == []
    assert storage.keys(f"variants/{image_id}/") == []


def test_s3_enforces_the_presigned_post_policy(api: Api, storage: Storage, user_id: str) -> None:
    ticket = start(api, user_id)
    image_id = ticket["image_id"]

    # Another Content-Type than declared, another key, a file over the limit: S3 refuses each
    assert send(ticket, png(), **{"Content-Type": "image/jpeg"}).status_code == 403
    assert send(ticket, png(), key=f"images/{image_id}").status_code == 403
    too_large = send(ticket, b"\0" * (contract.MAX_LARGE_IMAGE_BYTES + 1))
    assert too_large.status_code == 400
    assert "EntityTooLarge" in too_large.text
    assert storage.keys(f"{contract.STAGING_PREFIX}{image_id}") == []
    assert storage.keys(f"images/{image_id}") == []

    # so there is nothing to complete yet, and the upload stays open
    early = complete(api, ticket)
    assert early.status_code == 409, early.text
    assert early.json()["error"]["code"] == "upload_not_received"


@pytest.mark.parametrize(
    "case",
    [
        ("image/png", b"GIF89a but not really an image", "corrupt_image"),
        ("image/png", JPEG, "unsupported_media_type"),  # a real JPEG, declared a PNG
        ("image/png", png() + b"PK\x03\x04 a ZIP after the PNG", "trailing_data"),
    ],
    ids=["gif-magic-only", "jpeg-declared-png", "png-zip-polyglot"],
)
def test_bytes_that_fail_verification_are_refused_and_deleted(
    api: Api, storage: Storage, user_id: str, case: tuple[str, bytes, str]
) -> None:
    declared, data, code = case
    ticket = start(api, user_id, content_type=declared)
    assert send(ticket, data).status_code in (200, 201, 204)

    refused = complete(api, ticket)

    assert refused.status_code == 415, refused.text
    assert refused.json()["error"]["code"] == code
    assert storage.keys(f"{contract.STAGING_PREFIX}{ticket['image_id']}") == []
    assert storage.keys(f"images/{ticket['image_id']}") == []
    assert api.request("GET", f"/v1/images/{ticket['image_id']}").status_code == 404
    # and the same form takes good bytes afterwards
    assert send(ticket, png()).status_code in (200, 201, 204)
    assert complete(api, ticket).status_code == 200


def test_an_upload_left_uncompleted_expires_by_itself(api: Api, storage: Storage, user_id: str) -> None:
    # Given an upload whose bytes arrived but which is never completed
    ticket = start(api, user_id)
    assert send(ticket, png()).status_code in (200, 201, 204)

    # Then it is invisible, and both of its parts are set to expire: the record by TTL ...
    assert api.list_all(user_id) == []
    assert api.request("GET", f"/v1/images/{ticket['image_id']}").status_code == 404
    item = storage.pending_upload(ticket["image_id"])
    assert item is not None
    dynamodb = boto3.client("dynamodb")
    ttl = dynamodb.describe_time_to_live(TableName=storage.uploads_table)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expiration")
    # ... and the bytes by the bucket's lifecycle rule on the staging prefix
    rules = boto3.client("s3").get_bucket_lifecycle_configuration(Bucket=storage.bucket)["Rules"]
    [rule] = [rule for rule in rules if rule["ID"] == "expire-unfinished-uploads"]
    assert rule["Filter"]["Prefix"] == contract.STAGING_PREFIX
    assert rule["Expiration"]["Days"] == 1
    assert storage.keys(ticket["upload"]["fields"]["key"]) == [ticket["upload"]["fields"]["key"]]


def test_another_tenant_cannot_complete_an_upload(
    api: Api, second_api: Api, storage: Storage, user_id: str
) -> None:
    ticket = start(api, user_id)
    assert send(ticket, png()).status_code in (200, 201, 204)
    assert second_api.request("POST", ticket["complete_path"]).status_code == 404
    assert complete(api, ticket).status_code == 200
    assert second_api.request("GET", f"/v1/images/{ticket['image_id']}").status_code == 404
