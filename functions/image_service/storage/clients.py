"""boto3 clients, created once per process on first use (never per request).

The endpoint comes from the standard AWS_ENDPOINT_URL variable on emulators; nothing here
knows about them."""

from functools import lru_cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient

# Fail fast inside API Gateway's 29 s budget; the SDK's standard mode retries throttling.
_CONFIG = Config(connect_timeout=2, read_timeout=10, retries={"mode": "standard", "max_attempts": 3})


# Presigned URLs and POSTs signed with SigV4, the only version every region accepts. Bodies are
# not signed: an image's put carries its SHA-256 (ChecksumSHA256), which S3 verifies, over TLS (the
# bucket refuses anything else), so signing would only hash and buffer 4 MiB a second time;
# other puts carry the SDK's own checksum.
_S3_CONFIG = _CONFIG.merge(Config(signature_version="s3v4", s3={"payload_signing_enabled": False}))


@lru_cache(maxsize=1)
def s3() -> "S3Client":
    return boto3.client("s3", config=_S3_CONFIG)


@lru_cache(maxsize=1)
def dynamodb() -> "DynamoDBClient":
    return boto3.client("dynamodb", config=_CONFIG)


@lru_cache(maxsize=1)
def secretsmanager() -> "SecretsManagerClient":
    return boto3.client("secretsmanager", config=_CONFIG)
