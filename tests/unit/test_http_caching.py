"""ETag, Last-Modified and If-None-Match on image answers."""

import base64
import json
from typing import Any

import pytest

from image_service import http_caching
from image_service.handlers import get_image, upload_image
from tests.fixtures.images import JPEG
from tests.unit.conftest import api_event, headers_of, invoke, json_body

SHA = "a" * 64


def test_entity_tags_name_the_bytes_and_with_metadata_its_revision() -> None:
    assert http_caching.entity_tag(SHA) == f'"{SHA}"'
    one, other = http_caching.entity_tag(SHA, '{"a":1}'), http_caching.entity_tag(SHA, '{"a":2}')
    assert one != other
    assert one.startswith(f'"{SHA}.')


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ("", False),
        (f'"{SHA}"', True),
        (f'W/"{SHA}"', True),
        (f'"other", "{SHA}"', True),
        ("*", True),
        ('"other"', False),
        (SHA, False),  # an unquoted value is not an entity tag
    ],
)
def test_if_none_match(header: str | None, expected: bool) -> None:
    assert http_caching.not_modified(header, f'"{SHA}"') is expected


def test_last_modified_is_an_http_date() -> None:
    assert http_caching.last_modified("2026-01-02T03:04:05.123456Z") == "Fri, 02 Jan 2026 03:04:05 GMT"


@pytest.mark.usefixtures("aws")
class TestGetImage:
    def _upload(self) -> dict[str, Any]:
        body = json.dumps(
            {"user_id": "alice", "image_name": "a.jpg", "file": base64.b64encode(JPEG).decode()}
        )
        return json_body(
            invoke(
                upload_image.lambda_handler, api_event("POST", "/v1/images", resource="/v1/images", body=body)
            )
        )

    def _get(self, image_id: str, headers: dict[str, str] | None = None, **query: str) -> dict[str, Any]:
        event = api_event(
            "GET",
            f"/v1/images/{image_id}",
            resource="/v1/images/{image_id}",
            path_parameters={"image_id": image_id},
            query=query or None,
            headers=headers,
        )
        return invoke(get_image.lambda_handler, event)

    def test_bytes_are_immutable_with_the_sha256_as_etag(self) -> None:
        created = self._upload()
        headers = headers_of(self._get(created["image_id"]))
        assert headers["ETag"] == f'"{created["sha256"]}"'
        assert headers["Cache-Control"] == http_caching.IMMUTABLE
        assert headers["Last-Modified"].endswith(" GMT")

    def test_a_current_copy_gets_304_without_a_body(self) -> None:
        created = self._upload()
        etag = headers_of(self._get(created["image_id"]))["ETag"]
        response = self._get(created["image_id"], {"If-None-Match": etag})
        assert response["statusCode"] == 304
        assert not response.get("body")
        assert headers_of(response)["ETag"] == etag
        assert self._get(created["image_id"], {"If-None-Match": '"stale"'})["statusCode"] == 200

    def test_metadata_answers_revalidate_and_have_their_own_etag(self) -> None:
        created = self._upload()
        plain = headers_of(self._get(created["image_id"]))
        with_metadata = headers_of(self._get(created["image_id"], metadata="true"))
        assert with_metadata["ETag"] != plain["ETag"]
        assert with_metadata["Cache-Control"] == http_caching.REVALIDATE
        # the bytes' ETag does not validate the metadata answer
        response = self._get(created["image_id"], {"If-None-Match": plain["ETag"]}, metadata="true")
        assert response["statusCode"] == 200
