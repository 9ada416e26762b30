"""Unit fixtures: AWS under moto (no network), and API Gateway proxy events for the handlers."""

import json
from collections.abc import Iterator
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from moto import mock_aws

from tests.fixtures.api_events import TENANT, LambdaContext, api_event
from tests.fixtures.moto_tables import create_expiring_table, create_images_table, create_signing_keys_table

__all__ = ["TENANT", "LambdaContext", "api_event"]  # re-exported: the tests import them from here

BUCKET = "unit-images"
TABLE = "unit-images"
INDEX = "by_owner"
IDEMPOTENCY_TABLE = "unit-idempotency"
UPLOADS_TABLE = "unit-uploads"
SIGNING_KEYS_TABLE = "unit-signing-keys"
SIGNING_KEY_SECRET_PREFIX = "unit/signing-keys/"


@pytest.fixture(autouse=True)
def _aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "IMAGES_BUCKET": BUCKET,
        "IMAGES_TABLE": TABLE,
        "IMAGES_BY_OWNER_INDEX": INDEX,
        "IDEMPOTENCY_TABLE": IDEMPOTENCY_TABLE,
        "UPLOADS_TABLE": UPLOADS_TABLE,
        "SIGNING_KEYS_TABLE": SIGNING_KEYS_TABLE,
        "SIGNING_KEY_SECRET_PREFIX": SIGNING_KEY_SECRET_PREFIX,
        "POWERTOOLS_SERVICE_NAME": "image-service-unit",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def _clear_process_caches() -> None:
    from image_service import idempotency, links
    from image_service.settings import get_settings
    from image_service.storage import clients
    from image_service.storage.image_store import get_image_store

    for cached in (
        get_settings,
        get_image_store,
        links.get_link_service,
        clients.s3,
        clients.dynamodb,
        clients.secretsmanager,
        idempotency._guarded,
    ):
        cached.cache_clear()


@pytest.fixture
def aws() -> Iterator[None]:
    """Moto-backed S3 bucket and DynamoDB table shaped like terraform/modules."""
    _clear_process_caches()
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        dynamodb = boto3.client("dynamodb")
        create_images_table(dynamodb, TABLE, INDEX)
        for expiring_table in (IDEMPOTENCY_TABLE, UPLOADS_TABLE):
            create_expiring_table(dynamodb, expiring_table)
        create_signing_keys_table(dynamodb, SIGNING_KEYS_TABLE)
        yield
    _clear_process_caches()


def stored_objects() -> list[str]:
    response = boto3.client("s3").list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in response.get("Contents", [])]


def stored_items() -> list[dict[str, Any]]:
    return boto3.client("dynamodb").scan(TableName=TABLE)["Items"]


def invoke(handler: Any, event: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = handler(event, LambdaContext())
    return response


def json_body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def headers_of(response: dict[str, Any]) -> dict[str, str]:
    """Response headers whether the resolver answered in `headers` or `multiValueHeaders`."""
    merged = dict(response.get("headers") or {})
    for name, values in (response.get("multiValueHeaders") or {}).items():
        merged[name] = ", ".join(values)
    return merged


def failing(*operations: str) -> Any:
    """Make these AWS operations (e.g. "PutItem") fail as an outage would; all others go through."""
    original = BaseClient._make_api_call

    def call(self: BaseClient, name: str, params: dict[str, Any]) -> Any:
        if name in operations:
            raise ClientError({"Error": {"Code": "InternalError", "Message": "injected"}}, name)
        return original(self, name, params)

    return mock.patch.object(BaseClient, "_make_api_call", new=call)


def object_tags(key: str) -> dict[str, str]:
    tag_set = boto3.client("s3").get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"]
    return {tag["Key"]: tag["Value"] for tag in tag_set}
