"""Unit fixtures: AWS under moto (no network), and API Gateway proxy events for the handlers."""

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from moto import mock_aws

BUCKET = "unit-images"
TABLE = "unit-images"
INDEX = "by_owner"
TENANT = "unit-key-id"
IDEMPOTENCY_TABLE = "unit-idempotency"
UPLOADS_TABLE = "unit-uploads"


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
        "POWERTOOLS_SERVICE_NAME": "image-service-unit",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def _clear_process_caches() -> None:
    from image_service import idempotency
    from image_service.image_store import get_image_store
    from image_service.settings import get_settings
    from image_service.storage import clients

    for cached in (get_settings, get_image_store, clients.s3, clients.dynamodb, idempotency._guarded):
        cached.cache_clear()


@pytest.fixture
def aws() -> Iterator[None]:
    """Moto-backed S3 bucket and DynamoDB table shaped like terraform/modules."""
    _clear_process_caches()
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        boto3.client("dynamodb").create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "image_id", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "image_id", "AttributeType": "S"},
                {"AttributeName": "owner", "AttributeType": "S"},
                {"AttributeName": "created_at", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": INDEX,
                    "KeySchema": [
                        {"AttributeName": "owner", "KeyType": "HASH"},
                        {"AttributeName": "created_at", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        for expiring_table in (IDEMPOTENCY_TABLE, UPLOADS_TABLE):  # terraform/modules/expiring_table
            boto3.client("dynamodb").create_table(
                TableName=expiring_table,
                BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            )
        yield
    _clear_process_caches()


def stored_objects() -> list[str]:
    response = boto3.client("s3").list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in response.get("Contents", [])]


def stored_items() -> list[dict[str, Any]]:
    return boto3.client("dynamodb").scan(TableName=TABLE)["Items"]


@dataclass
class LambdaContext:
    function_name: str = "unit-test"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:unit-test"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 15_000


def api_event(
    method: str,
    path: str,
    *,
    resource: str,
    body: str | bytes | None = None,
    query: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    base64_body: bool = True,
    api_key_id: str | None = TENANT,
) -> dict[str, Any]:
    """A REST API (payload 1.0) proxy event as API Gateway sends it with binaryMediaTypes */*:
    request bodies arrive base64-encoded; `api_key_id` is the tenant the gateway identified."""
    identity = {"sourceIp": "127.0.0.1"}
    if api_key_id is not None:
        identity |= {"apiKeyId": api_key_id, "apiKey": f"value-of-{api_key_id}"}
    raw = body.encode() if isinstance(body, str) else body
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"content-type": "application/json", "x-api-key": "unit-key", **(headers or {})},
        "multiValueHeaders": {},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "requestId": "unit-request",
            "identity": identity,
        },
        "body": None if raw is None else (base64.b64encode(raw).decode() if base64_body else raw.decode()),
        "isBase64Encoded": raw is not None and base64_body,
    }


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
