"""Share links through the gateway, fetched with plain HTTP and no key: every documented answer
(issue 15's "Done when"): a working link and its headers, 304, presets, expired (a real wait),
tampered, revoked key, rotated key (the old version valid until revoked), revoked image links,
deleted image, another tenant's token; and presets and allow_arbitrary_variants=false on GET."""

import base64
import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
import requests
from PIL import Image

from image_service import contract, link_tokens
from image_service.link_tokens import LinkClaims
from tests.fixtures.deployed_api import Api, Storage

SETTING = "ALLOW_ARBITRARY_VARIANTS"


def _jpeg(size: tuple[int, int] = (320, 240)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(out, format="JPEG")
    return out.getvalue()


def _upload(api: Api, user_id: str, data: bytes | None = None) -> tuple[str, bytes]:
    data = data or _jpeg()
    body = {"user_id": user_id, "image_name": "shared.jpg", "file": base64.b64encode(data).decode()}
    created = api.request("POST", "/v1/images", json=body)
    assert created.status_code == 201, created.text
    return created.json()["image_id"], data


def _link(api: Api, image_id: str, **body: Any) -> dict[str, Any]:
    response = api.request("POST", f"/v1/images/{image_id}/links", json=body)
    assert response.status_code == 201, response.text
    link: dict[str, Any] = response.json()
    return link


def _fetch(url: str, **headers: str) -> requests.Response:
    """Plain HTTP, as an <img> or curl would: no API key, a browser-like Accept."""
    assert "x-api-key" not in {name.lower() for name in headers}
    return requests.get(url, headers={"Accept": "image/*", **headers}, timeout=60)


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _code(response: requests.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_a_link_works_with_plain_http_and_no_key(api: Api, user_id: str) -> None:
    image_id, data = _upload(api, user_id)
    link = _link(api, image_id)
    assert link["url"] == f"{api.base_url}{contract.SHARED_PATH}{_token(link['url'])}"
    assert link["preset"] is None
    left = datetime.fromisoformat(link["expires_at"].replace("Z", "+00:00")) - datetime.now(UTC)
    assert 3500 < left.total_seconds() <= 3600

    shared = _fetch(link["url"])
    assert shared.status_code == 200, shared.text
    assert shared.content == data
    assert shared.headers["Content-Type"] == "image/jpeg"
    assert shared.headers["Access-Control-Allow-Origin"] == "*"
    assert shared.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    directive, max_age = shared.headers["Cache-Control"].split(", max-age=")
    assert directive == "public"
    assert 3500 < int(max_age) <= 3600
    # the token holds nothing of the tenant: not its key, not its key id
    raw = base64.urlsafe_b64decode(_token(link["url"]) + "==")
    assert api.api_key.encode() not in raw
    assert api.api_key not in link["url"]

    again = _fetch(link["url"], **{"If-None-Match": shared.headers["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_a_preset_link_and_a_preset_get(api: Api, user_id: str) -> None:
    image_id, _ = _upload(api, user_id)
    link = _link(api, image_id, preset="thumb", expires_in=120)
    assert link["preset"] == "thumb"
    shared = _fetch(link["url"])
    assert shared.status_code == 200, shared.text
    assert shared.headers["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(shared.content)) as image:
        assert image.size == (128, 128)
    assert int(shared.headers["Cache-Control"].rsplit("=", 1)[1]) <= 120
    keyed = api.request("GET", f"/v1/images/{image_id}", params={"preset": "thumb"})
    assert keyed.status_code == 200
    assert keyed.content == shared.content  # the same stored variant
    assert _code(api.request("GET", f"/v1/images/{image_id}", params={"preset": "nope"})) == (
        400,
        "unknown_preset",
    )
    refused = api.request("POST", f"/v1/images/{image_id}/links", json={"preset": "nope"})
    assert _code(refused) == (400, "unknown_preset")
    for bad in ({"expires_in": 59}, {"expires_in": 604_801}):
        assert api.request("POST", f"/v1/images/{image_id}/links", json=bad).status_code == 422


def test_an_expired_link_answers_410(shortest_link: dict[str, Any]) -> None:
    # Given a link of the shortest life, made (and served) when the run started
    link = shortest_link
    expires_at = datetime.fromisoformat(link["expires_at"].replace("Z", "+00:00"))
    time.sleep(max(0.0, (expires_at - datetime.now(UTC)).total_seconds()) + 1.5)
    expired = _fetch(link["url"])
    assert _code(expired) == (410, "link_expired")
    assert expired.headers["Cache-Control"] == "no-store"


def test_a_tampered_or_unknown_link_answers_404(api: Api, user_id: str) -> None:
    image_id, _ = _upload(api, user_id)
    url = _link(api, image_id)["url"]
    token = _token(url)
    base = url[: -len(token)]
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    for index in (0, 5, 18, 22, 30, len(raw) - 1):
        tampered = bytearray(raw)
        tampered[index] ^= 0x04
        text = base64.urlsafe_b64encode(bytes(tampered)).rstrip(b"=").decode()
        assert _code(_fetch(base + text)) == (404, "not_found"), index
    assert _code(_fetch(base + "A" * 60)) == (404, "not_found")
    assert _fetch(url).status_code == 200


def test_rotation_keeps_old_links_until_the_old_version_is_revoked(api: Api, user_id: str) -> None:
    image_id, _ = _upload(api, user_id)
    old = _link(api, image_id)["url"]
    old_version = link_tokens.parse(_token(old)).claims.key_version

    rotated = api.request("POST", "/v1/signing-keys")
    assert rotated.status_code == 201, rotated.text
    new_version = rotated.json()["version"]
    assert new_version == old_version + 1
    new = _link(api, image_id)["url"]
    assert link_tokens.parse(_token(new)).claims.key_version == new_version
    assert _fetch(old).status_code == 200  # the old version still verifies
    assert _fetch(new).status_code == 200

    assert _code(api.request("DELETE", f"/v1/signing-keys/{new_version}")) == (409, "current_signing_key")
    assert api.request("DELETE", f"/v1/signing-keys/{old_version}").status_code == 204
    assert _code(_fetch(old)) == (404, "not_found")  # at once
    assert _fetch(new).status_code == 200
    listed = api.request("GET", "/v1/signing-keys").json()
    states = {key["version"]: key["state"] for key in listed["keys"]}
    assert listed["current_version"] == new_version
    assert (states[old_version], states[new_version]) == ("revoked", "current")


def test_revoking_an_images_links_kills_them_at_once(api: Api, user_id: str) -> None:
    image_id, _ = _upload(api, user_id)
    first, second = _link(api, image_id)["url"], _link(api, image_id, preset="small")["url"]
    assert api.request("DELETE", f"/v1/images/{image_id}/links").status_code == 204
    for url in (first, second):
        assert _code(_fetch(url)) == (404, "not_found")
    assert _fetch(_link(api, image_id)["url"]).status_code == 200


def test_a_deleted_images_links_die_with_it(api: Api, user_id: str) -> None:
    image_id, _ = _upload(api, user_id)
    url = _link(api, image_id, preset="medium")["url"]
    assert _fetch(url).status_code == 200
    assert api.request("DELETE", f"/v1/images/{image_id}").status_code == 200
    assert _code(_fetch(url)) == (404, "not_found")


def test_another_tenants_token_answers_404(api: Api, second_api: Api, storage: Storage, user_id: str) -> None:
    """Tenant B can neither get a link to tenant A's image nor forge one with its own key."""
    victim, _ = _upload(api, user_id)
    assert _code(second_api.request("POST", f"/v1/images/{victim}/links", json={})) == (
        404,
        "image_not_found",
    )
    mine, _ = _upload(second_api, user_id)
    own = _link(second_api, mine)["url"]
    assert _fetch(own).status_code == 200
    # B's genuine key material (read from the secret store, as only B's functions may)
    claims = link_tokens.parse(_token(own)).claims
    item = boto3.client("dynamodb").get_item(TableName=storage.table, Key={"image_id": {"S": mine}})["Item"]
    tenant_b = item["tenant_id"]["S"]
    secrets = boto3.client("secretsmanager")
    [secret] = [
        s for s in secrets.list_secrets()["SecretList"] if s["Name"].endswith(f"/signing-keys/{tenant_b}")
    ]
    versions = secrets.list_secret_version_ids(SecretId=secret["ARN"])["Versions"]
    forgeries = 0
    for version in versions:
        value = secrets.get_secret_value(SecretId=secret["ARN"], VersionId=version["VersionId"])
        key = base64.b64decode(json.loads(value["SecretString"])["signing_key"])
        forged = LinkClaims(
            image_id=victim,
            preset=None,
            expires_at=claims.expires_at,
            key_version=claims.key_version,
            generation=0,
        )
        for tenant in (tenant_b, "any-tenant"):
            token = link_tokens.encode(forged, tenant_id=tenant, key=key)
            assert _code(_fetch(own[: -len(_token(own))] + token)) == (404, "not_found")
            forgeries += 1
    assert forgeries >= 2
    api.request("DELETE", f"/v1/images/{mine}", key=second_api.api_key)


@pytest.fixture
def presets_only(function_names: dict[str, str]) -> Iterator[None]:
    """allow_arbitrary_variants=false on the get_image function, as Terraform sets it, for one
    test; then as it was."""
    client = boto3.client("lambda")
    name = function_names["get_image"]
    variables = client.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    saved = dict(variables)
    client.update_function_configuration(
        FunctionName=name, Environment={"Variables": {**variables, SETTING: "false"}}
    )
    client.get_waiter("function_updated_v2").wait(FunctionName=name)
    try:
        yield
    finally:
        client.update_function_configuration(FunctionName=name, Environment={"Variables": saved})
        client.get_waiter("function_updated_v2").wait(FunctionName=name)


@pytest.mark.usefixtures("presets_only")
def test_without_arbitrary_variants_only_presets_are_served(api: Api, user_id: str) -> None:
    image_id, data = _upload(api, user_id)
    refused = api.request("GET", f"/v1/images/{image_id}", params={"width": "64"})
    assert _code(refused) == (400, "arbitrary_variants_disabled")
    assert "preset" in refused.json()["error"]["message"]
    small = api.request("GET", f"/v1/images/{image_id}", params={"preset": "small"})
    assert small.status_code == 200
    with Image.open(io.BytesIO(small.content)) as image:
        assert image.size == (320, 240)
    assert api.request("GET", f"/v1/images/{image_id}").content == data


def test_other_methods_on_a_link_answer_405(api: Api, user_id: str) -> None:
    image_id, _ = _upload(api, user_id)
    url = _link(api, image_id)["url"]
    for method in ("PUT", "POST", "DELETE", "PATCH"):
        answer = requests.request(method, url, timeout=60)
        assert answer.status_code == 405, (method, answer.text)
        assert answer.headers["Allow"] == "GET, OPTIONS"
    assert _fetch(url).status_code == 200
