"""ETag, Last-Modified and If-None-Match on image answers."""

import base64
from typing import Any

import pytest

from image_service import http_caching
from tests.fixtures.image_calls import API
from tests.fixtures.images import JPEG
from tests.fixtures.lambda_api import ApiResponse

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
        body = {"user_id": "alice", "image_name": "a.jpg", "file": base64.b64encode(JPEG).decode()}
        created: dict[str, Any] = API.post("/v1/images", json=body).json()
        return created

    def _get(self, image_id: str, headers: dict[str, str] | None = None, **query: str) -> ApiResponse:
        return API.get(f"/v1/images/{image_id}", params=query, headers=headers)

    def test_bytes_are_immutable_with_the_sha256_as_etag(self) -> None:
        created = self._upload()
        headers = self._get(created["image_id"]).headers
        assert headers["ETag"] == f'"{created["sha256"]}"'
        assert headers["Cache-Control"] == http_caching.IMMUTABLE
        assert headers["Last-Modified"].endswith(" GMT")

    def test_a_current_copy_gets_304_without_a_body(self) -> None:
        created = self._upload()
        etag = self._get(created["image_id"]).headers["ETag"]
        response = self._get(created["image_id"], {"If-None-Match": etag})
        assert response.status == 304
        assert response.content == b""
        assert response.headers["ETag"] == etag
        assert self._get(created["image_id"], {"If-None-Match": '"stale"'}).status == 200

    def test_metadata_answers_revalidate_and_have_their_own_etag(self) -> None:
        created = self._upload()
        plain = self._get(created["image_id"]).headers
        with_metadata = self._get(created["image_id"], metadata="true").headers
        assert with_metadata["ETag"] != plain["ETag"]
        assert with_metadata["Cache-Control"] == http_caching.REVALIDATE
        # the bytes' ETag does not validate the metadata answer
        response = self._get(created["image_id"], {"If-None-Match": plain["ETag"]}, metadata="true")
        assert response.status == 200
