"""Share links through the handlers, under moto (S3, DynamoDB, Secrets Manager): signing, the
keyless route and its headers, expiry, tampering, revocation of an image's links, rotation and
revocation of signing keys, deleted images, other tenants' forgeries, where the keys live."""

import base64
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.client import BaseClient
from PIL import Image

from image_service import contract, link_tokens, share_urls
from image_service.handlers import (
    create_link,
    delete_image,
    get_shared_image,
    list_signing_keys,
    revoke_links,
    revoke_signing_key,
    rotate_signing_key,
    upload_image,
)
from image_service.link_tokens import LinkClaims
from image_service.links import get_link_service
from tests.fixtures.api_events import TENANT, api_event
from tests.fixtures.handler_calls import headers_of, invoke, json_body
from tests.fixtures.moto_aws import SIGNING_KEY_SECRET_PREFIX, SIGNING_KEYS_TABLE, clear_process_caches

pytestmark = pytest.mark.usefixtures("aws")
OTHER = "other-key-id"


def _jpeg(size: tuple[int, int] = (300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 160, 90)).save(out, format="JPEG")
    return out.getvalue()


def _upload(tenant: str = TENANT) -> tuple[str, bytes]:
    data = _jpeg()
    body = json.dumps({"user_id": "alice", "image_name": "a.jpg", "file": base64.b64encode(data).decode()})
    event = api_event("POST", "/v1/images", resource="/v1/images", body=body, api_key_id=tenant)
    response = invoke(upload_image.lambda_handler, event)
    assert response["statusCode"] == 201, response["body"]
    return json_body(response)["image_id"], data


def _post_link(image_id: str, body: Any = None, *, tenant: str = TENANT) -> dict[str, Any]:
    event = api_event(
        "POST",
        f"/v1/images/{image_id}/links",
        resource="/v1/images/{image_id}/links",
        path_parameters={"image_id": image_id},
        body=None if body is None else (body if isinstance(body, str) else json.dumps(body)),
        api_key_id=tenant,
    )
    return invoke(create_link.lambda_handler, event)


def _link(image_id: str, body: Any = None, *, tenant: str = TENANT) -> str:
    response = _post_link(image_id, body, tenant=tenant)
    assert response["statusCode"] == 201, response["body"]
    url: str = json_body(response)["url"]
    return url.rsplit("/", 1)[1]


def _shared(token: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    event = api_event(
        "GET",
        f"/v1/shared/{token}",
        resource="/v1/shared/{token}",
        path_parameters={"token": token},
        api_key_id=None,
        headers=headers,
    )
    return invoke(get_shared_image.lambda_handler, event)


def _code(response: dict[str, Any]) -> tuple[int, str]:
    return response["statusCode"], json_body(response)["error"]["code"]


def _keys_call(handler: Any, method: str, path: str, resource: str, **params: str) -> dict[str, Any]:
    event = api_event(method, path, resource=resource, path_parameters=params or None)
    return invoke(handler.lambda_handler, event)


def _rotate() -> dict[str, Any]:
    return _keys_call(rotate_signing_key, "POST", "/v1/signing-keys", "/v1/signing-keys")


def _revoke_key(version: str) -> dict[str, Any]:
    return _keys_call(
        revoke_signing_key,
        "DELETE",
        f"/v1/signing-keys/{version}",
        "/v1/signing-keys/{version}",
        version=version,
    )


def test_a_link_serves_the_bytes_without_a_key_with_the_headers_an_img_needs() -> None:
    image_id, data = _upload()
    before = datetime.now(UTC)
    response = _post_link(image_id)  # no body: the original, for the default hour
    assert response["statusCode"] == 201, response["body"]
    link = json_body(response)
    assert link["preset"] is None
    assert link["url"].startswith("https://")
    assert f"{contract.SHARED_PATH}" in link["url"]
    expires = datetime.fromisoformat(link["expires_at"].replace("Z", "+00:00"))
    assert timedelta(seconds=3599) <= expires - before <= timedelta(seconds=3601)
    assert headers_of(response)["Cache-Control"] == "no-store"

    shared = _shared(link["url"].rsplit("/", 1)[1])
    assert shared["statusCode"] == 200
    assert base64.b64decode(shared["body"]) == data
    headers = headers_of(shared)
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    directive, max_age = headers["Cache-Control"].split(", max-age=")
    assert directive == "public"
    assert 3590 <= int(max_age) <= 3600
    # a conditional GET: 304, no body
    again = _shared(link["url"].rsplit("/", 1)[1], headers={"If-None-Match": headers["ETag"]})
    assert again["statusCode"] == 304
    assert again["body"] == ""


def test_a_preset_link_serves_the_preset() -> None:
    image_id, _ = _upload()
    token = _link(image_id, {"preset": "thumb", "expires_in": 60})
    shared = _shared(token)
    assert shared["statusCode"] == 200
    assert headers_of(shared)["Content-Type"] == "image/webp"
    assert "Vary" not in headers_of(shared)  # a preset of a fixed format does not vary
    with Image.open(io.BytesIO(base64.b64decode(shared["body"]))) as image:
        assert image.size == (128, 128)
    assert int(headers_of(shared)["Cache-Control"].rsplit("=", 1)[1]) <= 60


def test_a_link_to_a_preset_of_format_auto_negotiates(monkeypatch: pytest.MonkeyPatch) -> None:
    from image_service import presets

    table = {"card": presets.Preset(width=64, height=None, fit="contain", format="auto")}
    monkeypatch.setenv("IMAGE_PRESETS", presets.presets_json(table))
    clear_process_caches()
    image_id, _ = _upload()
    token = _link(image_id, {"preset": "card", "expires_in": 600})
    answers = {}
    for accept in ("image/avif,image/webp,*/*", "image/webp,*/*", "*/*"):
        shared = _shared(token, {"Accept": accept})
        assert shared["statusCode"] == 200, shared["body"]
        assert "Accept" in headers_of(shared)["Vary"]
        answers[accept] = headers_of(shared)["Content-Type"]
        revalidated = _shared(token, {"Accept": accept, "If-None-Match": headers_of(shared)["ETag"]})
        assert revalidated["statusCode"] == 304
        assert "Accept" in headers_of(revalidated)["Vary"]
    assert answers == {
        "image/avif,image/webp,*/*": "image/avif",
        "image/webp,*/*": "image/webp",
        "*/*": "image/jpeg",
    }


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"expires_in": 59}, 422, "validation_error"),
        ({"expires_in": 604_801}, 422, "validation_error"),
        ({"expires_in": "600"}, 422, "validation_error"),
        ({"expires_in": 600.5}, 422, "validation_error"),
        ({"preset": "THUMB"}, 422, "validation_error"),
        ({"scope": "all"}, 422, "validation_error"),
        ({"preset": "huge"}, 400, "unknown_preset"),
        ("{", 400, "malformed_json"),
    ],
)
def test_bad_link_requests_are_refused(body: Any, status: int, code: str) -> None:
    image_id, _ = _upload()
    assert _code(_post_link(image_id, body)) == (status, code)


def test_the_longest_expiry_is_seven_days() -> None:
    image_id, _ = _upload()
    link = json_body(_post_link(image_id, {"expires_in": 604_800}))
    expires = datetime.fromisoformat(link["expires_at"].replace("Z", "+00:00"))
    assert expires - datetime.now(UTC) > timedelta(days=6, hours=23)


def test_another_tenants_image_gets_no_link() -> None:
    image_id, _ = _upload()
    assert _code(_post_link(image_id, tenant=OTHER)) == (404, "image_not_found")


def test_an_expired_link_is_gone() -> None:
    image_id, _ = _upload()
    signed = get_link_service().sign(
        image_id, TENANT, preset=None, expires_in=60, now=datetime.now(UTC) - timedelta(seconds=61)
    )
    assert _code(_shared(signed.token)) == (410, "link_expired")
    assert headers_of(_shared(signed.token))["Cache-Control"] == "no-store"


def test_a_tampered_link_is_not_found() -> None:
    image_id, _ = _upload()
    token = _link(image_id)
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    for index in (0, 1, 17, 21, 25, 33, len(raw) - 1):  # format, id, key version, generation, expiry, MAC
        tampered = bytearray(raw)
        tampered[index] ^= 0x01
        text = base64.urlsafe_b64encode(bytes(tampered)).rstrip(b"=").decode()
        assert _code(_shared(text)) == (404, "not_found"), index
    assert _code(_shared("not-a-token")) == (404, "not_found")
    assert _shared(token)["statusCode"] == 200


def test_a_forged_expiry_gets_no_410() -> None:
    """A token whose expiry was changed to the past: 404 (the MAC fails), never the 410 that
    would tell a forger the rest was right."""
    image_id, _ = _upload()
    parsed = link_tokens.parse(_link(image_id))
    raw = bytearray(parsed.signed + parsed.mac)
    raw[25:33] = (1).to_bytes(8, "big")
    assert _code(_shared(base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode())) == (404, "not_found")


def test_revoking_an_images_links_kills_them_at_once() -> None:
    image_id, _ = _upload()
    old = _link(image_id)
    event = api_event(
        "DELETE",
        f"/v1/images/{image_id}/links",
        resource="/v1/images/{image_id}/links",
        path_parameters={"image_id": image_id},
    )
    assert invoke(revoke_links.lambda_handler, event)["statusCode"] == 204
    assert _code(_shared(old)) == (404, "not_found")
    assert _shared(_link(image_id))["statusCode"] == 200  # links made afterwards work
    other = api_event(
        "DELETE",
        f"/v1/images/{image_id}/links",
        resource="/v1/images/{image_id}/links",
        path_parameters={"image_id": image_id},
        api_key_id=OTHER,
    )
    assert _code(invoke(revoke_links.lambda_handler, other)) == (404, "image_not_found")


def test_rotation_keeps_old_links_until_their_version_is_revoked() -> None:
    image_id, _ = _upload()
    first = _link(image_id)  # the tenant's first link makes version 1
    assert link_tokens.parse(first).claims.key_version == 1
    rotated = _rotate()
    assert rotated["statusCode"] == 201
    assert json_body(rotated)["version"] == 2
    assert json_body(rotated)["state"] == "current"
    assert headers_of(rotated)["Location"] == "/v1/signing-keys/2"
    second = _link(image_id)
    assert link_tokens.parse(second).claims.key_version == 2
    assert _shared(first)["statusCode"] == 200  # signed with 1, still valid
    assert _shared(second)["statusCode"] == 200

    assert _code(_revoke_key("2")) == (409, "current_signing_key")
    assert _revoke_key("1")["statusCode"] == 204
    assert _code(_shared(first)) == (404, "not_found")  # at once, though this process read key 1
    assert _shared(second)["statusCode"] == 200
    assert _revoke_key("1")["statusCode"] == 204  # again: nothing changes

    listed = json_body(_keys_call(list_signing_keys, "GET", "/v1/signing-keys", "/v1/signing-keys"))
    assert listed["current_version"] == 2
    assert [(key["version"], key["state"]) for key in listed["keys"]] == [(1, "revoked"), (2, "current")]
    assert listed["keys"][0]["revoked_at"] is not None


@pytest.mark.parametrize("version", ["3", "0", "abc", "99999999999"])
def test_unknown_key_versions_are_not_found(version: str) -> None:
    _rotate()
    assert _code(_revoke_key(version)) == (404, "signing_key_not_found")


def test_a_tenant_without_links_has_no_keys_until_it_rotates() -> None:
    listed = json_body(_keys_call(list_signing_keys, "GET", "/v1/signing-keys", "/v1/signing-keys"))
    assert listed == {"current_version": None, "keys": []}
    assert _code(_revoke_key("1")) == (404, "signing_key_not_found")
    assert json_body(_rotate())["version"] == 1


def test_a_deleted_images_links_die_with_it() -> None:
    image_id, _ = _upload()
    token = _link(image_id, {"preset": "small"})
    assert _shared(token)["statusCode"] == 200
    event = api_event(
        "DELETE",
        f"/v1/images/{image_id}",
        resource="/v1/images/{image_id}",
        path_parameters={"image_id": image_id},
    )
    assert invoke(delete_image.lambda_handler, event)["statusCode"] == 200
    assert _code(_shared(token)) == (404, "not_found")


def test_another_tenants_forgery_is_not_found() -> None:
    """Tenant B signs, with its own genuine key, a token naming tenant A's image: not found."""
    victim, _ = _upload()
    mine, _ = _upload(tenant=OTHER)
    own = _link(mine, tenant=OTHER)
    assert _shared(own)["statusCode"] == 200
    service = get_link_service()
    ring = service.state.get(OTHER)
    assert ring is not None
    key = service.secrets.material(OTHER, ring.versions[ring.current].secret_version_id)
    assert key is not None
    claims = LinkClaims(image_id=victim, preset=None, expires_at=2_000_000_000, key_version=1, generation=0)
    for tenant in (OTHER, TENANT):  # bound to either tenant's name, B's key verifies nothing of A's
        forged = link_tokens.encode(claims, tenant_id=tenant, key=key)
        assert _code(_shared(forged)) == (404, "not_found")


def test_keys_live_in_secrets_manager_one_secret_per_tenant_and_never_in_dynamodb() -> None:
    image_id, _ = _upload()
    _link(image_id)
    _rotate()
    secrets = boto3.client("secretsmanager")
    names = [secret["Name"] for secret in secrets.list_secrets()["SecretList"]]
    assert names == [f"{SIGNING_KEY_SECRET_PREFIX}{TENANT}"]
    versions = secrets.list_secret_version_ids(SecretId=names[0])["Versions"]
    assert len(versions) == 2
    item = boto3.client("dynamodb").get_item(TableName=SIGNING_KEYS_TABLE, Key={"tenant_id": {"S": TENANT}})
    stored = json.dumps(item["Item"])
    for version in versions:
        value = secrets.get_secret_value(SecretId=names[0], VersionId=version["VersionId"])["SecretString"]
        material = json.loads(value)["signing_key"]
        assert len(base64.b64decode(material)) == link_tokens.KEY_BYTES
        assert material not in stored


def test_key_material_is_read_once_per_process_and_version() -> None:
    image_id, _ = _upload()
    token = _link(image_id)
    get_link_service().secrets._cache.clear()
    calls: list[str] = []
    original = vars(BaseClient)["_make_api_call"]

    def counting(self: BaseClient, name: str, params: dict[str, Any]) -> Any:
        calls.append(name)
        return original(self, name, params)

    with mock.patch.object(BaseClient, "_make_api_call", new=counting):
        for _ in range(3):
            assert _shared(token)["statusCode"] == 200
    assert calls.count("GetSecretValue") == 1
    assert calls.count("GetItem") == 6  # the image and the key state, on every request


def test_share_url_bases() -> None:
    common: dict[str, Any] = {
        "host": "localhost:4576",
        "api_id": "abc123",
        "stage": "api",
        "resource_path": "/v1/images/x/links",
    }
    aws = share_urls.base_url(
        stage_variables=None,
        configured=None,
        domain_name="abc123.execute-api.us-east-1.amazonaws.com",
        request_path="/api/v1/images/x/links",
        **common,
    )
    assert aws == "https://abc123.execute-api.us-east-1.amazonaws.com/api"
    custom = share_urls.base_url(
        stage_variables={},
        configured="",
        domain_name="img.example.com",
        request_path="/media/v1/images/x/links",
        **common,
    )
    assert custom == "https://img.example.com/media"
    emulator = share_urls.base_url(
        stage_variables=None,
        configured="http://{host}/restapis/{api_id}/{stage}/_user_request_",
        domain_name=None,
        request_path="/api/v1/images/x/links",
        **common,
    )
    assert emulator == "http://localhost:4576/restapis/abc123/api/_user_request_"
    cdn = share_urls.base_url(
        stage_variables={share_urls.STAGE_VARIABLE: "https://d111.cloudfront.net/"},
        configured="http://{host}/x",
        domain_name="abc123.execute-api.us-east-1.amazonaws.com",
        request_path="/api/v1/images/x/links",
        **common,
    )
    assert cdn == "https://d111.cloudfront.net"
    assert share_urls.share_url(cdn, "tok") == "https://d111.cloudfront.net/v1/shared/tok"


def test_the_link_functions_need_their_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from image_service.settings import get_settings

    monkeypatch.delenv("SIGNING_KEYS_TABLE")
    get_settings.cache_clear()
    get_link_service.cache_clear()
    with pytest.raises(RuntimeError, match="SIGNING_KEYS_TABLE"):
        get_link_service()
    get_settings.cache_clear()
    get_link_service.cache_clear()


def test_an_older_unrevoked_version_is_listed_active() -> None:
    _rotate()
    _rotate()
    listed = json_body(_keys_call(list_signing_keys, "GET", "/v1/signing-keys", "/v1/signing-keys"))
    assert [(key["version"], key["state"]) for key in listed["keys"]] == [(1, "active"), (2, "current")]


def test_state_writes_lose_to_concurrent_ones() -> None:
    """First uses and rotations are conditional: of two at once, one wins and the other reads it."""
    service = get_link_service()
    assert service.state.create(TENANT, "v-a", "2026-01-01T00:00:00.000000Z") is True
    assert service.state.create(TENANT, "v-b", "2026-01-01T00:00:00.000000Z") is False
    ring = service.state.get(TENANT)
    assert ring is not None
    assert service.state.rotate(ring, "v-c", "2026-01-01T00:00:01.000000Z") is True
    assert service.state.rotate(ring, "v-d", "2026-01-01T00:00:02.000000Z") is False  # stale ring
    assert service.state.revoke(TENANT, 7, "2026-01-01T00:00:03.000000Z") is False
    now = service.state.get(TENANT)
    assert now is not None
    assert (now.current, sorted(now.versions)) == (2, [1, 2])
    assert now.versions[2].secret_version_id == "v-c"


def test_rotation_that_keeps_losing_is_a_503(monkeypatch: pytest.MonkeyPatch) -> None:
    service = get_link_service()
    _rotate()
    monkeypatch.setattr(type(service.state), "rotate", lambda *_args: False)
    assert _code(_rotate()) == (503, "service_unavailable")


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("PutItem", _rotate),
        ("UpdateItem", lambda: (_rotate(), _rotate())[1]),
        ("CreateSecret", _rotate),
        ("PutSecretValue", lambda: (_rotate(), _rotate())[1]),
    ],
)
def test_an_outage_of_the_key_stores_is_a_503(operation: str, call: Any) -> None:
    original = vars(BaseClient)["_make_api_call"]
    seen: list[str] = []

    def flaky(self: BaseClient, name: str, params: dict[str, Any]) -> Any:
        seen.append(name)
        # fail the operation where the test aims it (a first rotation's PutSecretValue finds no
        # secret yet and creates it; the second one's puts a version)
        if name == operation and seen.count(name) == (2 if operation == "PutSecretValue" else 1):
            raise failing_error(name)
        return original(self, name, params)

    with mock.patch.object(BaseClient, "_make_api_call", new=flaky):
        assert _code(call()) == (503, "service_unavailable")
    assert operation in seen


def failing_error(name: str) -> Exception:
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": "InternalError", "Message": "injected"}}, name)


def test_outages_on_the_keyless_route_and_on_revocations_are_503s() -> None:
    from tests.fixtures.moto_aws import failing

    image_id, _ = _upload()
    token = _link(image_id)
    get_link_service().secrets._cache.clear()
    with failing("GetSecretValue"):
        assert _code(_shared(token)) == (503, "service_unavailable")
    with failing("UpdateItem"):
        event = api_event(
            "DELETE",
            f"/v1/images/{image_id}/links",
            resource="/v1/images/{image_id}/links",
            path_parameters={"image_id": image_id},
        )
        assert _code(invoke(revoke_links.lambda_handler, event)) == (503, "service_unavailable")
        assert _code(_revoke_key("1")) == (503, "service_unavailable")
    assert _shared(token)["statusCode"] == 200


def test_a_secret_created_meanwhile_takes_the_new_version() -> None:
    """PutSecretValue finds no secret, CreateSecret then finds one (another request made it in
    between): the material becomes a version of that secret."""
    name = f"{SIGNING_KEY_SECRET_PREFIX}{TENANT}"
    original = vars(BaseClient)["_make_api_call"]
    raced: list[str] = []

    def racing(self: BaseClient, call: str, params: dict[str, Any]) -> Any:
        if call == "PutSecretValue" and not raced:
            raced.append(call)
            original(self, "CreateSecret", {"Name": name, "SecretString": "{}"})  # the other request
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "gone"}}, call)
        return original(self, call, params)

    image_id, _ = _upload()
    with mock.patch.object(BaseClient, "_make_api_call", new=racing):
        token = _link(image_id)
    assert _shared(token)["statusCode"] == 200
    versions = boto3.client("secretsmanager").list_secret_version_ids(SecretId=name)["Versions"]
    assert len(versions) == 2  # the other request's, and this link's key


def test_a_key_gone_from_the_secret_store_fails_safe() -> None:
    image_id, _ = _upload()
    token = _link(image_id)
    boto3.client("secretsmanager").delete_secret(
        SecretId=f"{SIGNING_KEY_SECRET_PREFIX}{TENANT}", ForceDeleteWithoutRecovery=True
    )
    get_link_service().secrets._cache.clear()
    assert _code(_shared(token)) == (404, "not_found")  # nothing verifies the link any more
    assert _code(_post_link(image_id)) == (503, "service_unavailable")  # nothing to sign with


def test_a_preset_that_left_the_table_kills_its_links(monkeypatch: pytest.MonkeyPatch) -> None:
    from image_service.settings import get_settings

    image_id, _ = _upload()
    token = _link(image_id, {"preset": "small"})
    monkeypatch.setenv("IMAGE_PRESETS", json.dumps({"tiny": {"width": 16}}))
    get_settings.cache_clear()
    get_link_service.cache_clear()
    assert _code(_shared(token)) == (404, "not_found")
    get_settings.cache_clear()
    get_link_service.cache_clear()


def test_a_large_image_is_a_redirect_never_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    image_id, _ = _upload()
    token = _link(image_id)
    monkeypatch.setattr(contract, "MAX_IMAGE_BYTES", 16)  # this image is over it now
    shared = _shared(token)
    assert shared["statusCode"] == 307
    assert headers_of(shared)["Cache-Control"] == "no-store"
    assert "X-Amz-Signature=" in headers_of(shared)["Location"]


def test_key_material_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from image_service.storage import signing_keys

    monkeypatch.setattr(signing_keys, "_MATERIAL_CACHE_SIZE", 2)
    secrets = get_link_service().secrets
    secrets._cache.clear()
    for index in range(4):
        secrets._remember(("s", str(index)), bytes(32))
    assert list(secrets._cache) == [("s", "2"), ("s", "3")]


def test_a_fallback_base_when_the_path_does_not_end_with_the_resource() -> None:
    base = share_urls.base_url(
        stage_variables=None,
        configured=None,
        host="h.example",
        domain_name=None,
        api_id="a",
        stage="prod",
        request_path="/elsewhere",
        resource_path="/v1/images/x/links",
    )
    assert base == "https://h.example/prod"
