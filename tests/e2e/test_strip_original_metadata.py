"""The strip_original_metadata setting on the deployed functions: set as Terraform sets it (the
functions' STRIP_ORIGINAL_METADATA variable), an uploaded phone photo is stored and served without
its GPS position and camera, its orientation kept; unset again afterwards."""

import base64
import io
from collections.abc import Iterator

import boto3
import pytest
import requests
from PIL import Image

from tests.fixtures.deployed_api import Api, Storage
from tests.fixtures.images import GPS_IFD, ORIENTATION, exif_of, tagged

SETTING = "STRIP_ORIGINAL_METADATA"


@pytest.fixture
def stripping(function_names: dict[str, str]) -> Iterator[None]:
    """The setting on for the upload functions for one test, then as it was."""
    client = boto3.client("lambda")
    saved = {}
    for operation in ("upload_image", "complete_upload"):
        name = function_names[operation]
        variables = client.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
        saved[name] = dict(variables)
        client.update_function_configuration(
            FunctionName=name, Environment={"Variables": {**variables, SETTING: "true"}}
        )
        client.get_waiter("function_updated_v2").wait(FunctionName=name)
    try:
        yield
    finally:
        for name, variables in saved.items():
            client.update_function_configuration(FunctionName=name, Environment={"Variables": variables})
            client.get_waiter("function_updated_v2").wait(FunctionName=name)


@pytest.mark.usefixtures("stripping")
def test_a_phone_photo_is_stored_without_gps_inline_and_large(
    api: Api, storage: Storage, user_id: str
) -> None:
    photo = tagged("JPEG")
    assert GPS_IFD in exif_of(photo)

    # Inline upload
    body = {"user_id": user_id, "image_name": "phone.jpg", "file": base64.b64encode(photo).decode()}
    inline = api.request("POST", "/v1/images", json=body)
    assert inline.status_code == 201, inline.text
    served = api.request("GET", f"/v1/images/{inline.json()['image_id']}").content
    assert exif_of(served) == {ORIENTATION: 6}
    assert served == storage.object_bytes(inline.json()["image_id"])
    assert inline.json()["size"] == len(served)

    # Large upload: straight to S3, then completed
    ticket = api.request(
        "POST",
        "/v1/images/uploads",
        json={"user_id": user_id, "image_name": "phone.jpg", "content_type": "image/jpeg"},
    ).json()
    post = ticket["upload"]
    assert requests.post(post["url"], data=post["fields"], files={"file": ("f", photo)}, timeout=60).ok
    completed = api.request("POST", ticket["complete_path"])
    assert completed.status_code == 200, completed.text
    kept = storage.object_bytes(ticket["image_id"])
    assert exif_of(kept) == {ORIENTATION: 6}
    with Image.open(io.BytesIO(kept)) as clean, Image.open(io.BytesIO(photo)) as original:
        assert clean.tobytes() == original.tobytes()


def test_without_the_setting_originals_keep_their_metadata(api: Api, user_id: str) -> None:
    photo = tagged("JPEG")
    body = {"user_id": user_id, "image_name": "phone.jpg", "file": base64.b64encode(photo).decode()}
    created = api.request("POST", "/v1/images", json=body)
    assert created.status_code == 201, created.text
    assert api.request("GET", f"/v1/images/{created.json()['image_id']}").content == photo
