"""The stack under measurement and the clients that reach it."""

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import boto3
import requests
from requests.adapters import HTTPAdapter


def http_session(pool: int = 32) -> requests.Session:
    """Keep-alive connections for up to `pool` concurrent clients."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=pool, pool_maxsize=pool)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass
class Target:
    base_url: str
    api_key: str
    endpoint: str | None  # the emulator's (S3, DynamoDB, the no-op gateway); None: the API only
    bucket: str | None = None
    table: str | None = None
    http: requests.Session = field(default_factory=http_session)

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"x-api-key": self.api_key, **(extra or {})}

    def upload(self, user_id: str, data: bytes, name: str = "bench.png") -> dict[str, Any]:
        response = self.http.post(
            f"{self.base_url}/v1/images",
            data=upload_body(user_id, data, name),
            headers=self.headers({"content-type": "application/json"}),
            timeout=60,
        )
        response.raise_for_status()
        created: dict[str, Any] = response.json()
        return created

    def delete(self, image_id: str) -> None:
        self.http.delete(f"{self.base_url}/v1/images/{image_id}", headers=self.headers(), timeout=60)

    def s3(self) -> Any:
        return boto3.client("s3", endpoint_url=self.endpoint)

    def dynamodb(self) -> Any:
        return boto3.client("dynamodb", endpoint_url=self.endpoint)

    @property
    def direct(self) -> bool:
        """Whether storage can be reached directly (for the floors)."""
        return self.endpoint is not None and self.bucket is not None and self.table is not None


def upload_body(user_id: str, data: bytes, name: str) -> bytes:
    return json.dumps(
        {"user_id": user_id, "image_name": name, "file": base64.b64encode(data).decode()}
    ).encode()
