"""Share-link signing keys, per tenant: the key material in Secrets Manager, which versions exist
and which are revoked in DynamoDB.

Material: one secret per tenant (`<prefix><tenant id>`), created on the tenant's first link; each
key version is one version of that secret, written once (PutSecretValue with a fresh request
token) and never changed, so a process may keep what it read, by secret version id.

State: one DynamoDB item per tenant, read on every use, so a rotation or a revocation holds from
the next request on:

    tenant_id  S   the API key id
    current    N   the version new links are signed with
    versions   M   "<n>" -> {secret_version_id S, created_at S, revoked_at S?}

A version is usable while it is in `versions` without `revoked_at`; a shared GET reads just the
version its token names (a projection), whatever the number of versions. Writes are conditional on the
item's `current`, so concurrent rotations (or first uses) never both win: the loser's secret
version is left unused, and it reads the winner's state."""

import base64
import json
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from image_service.link_tokens import KEY_BYTES
from image_service.storage import clients
from image_service.storage.errors import dependency, error_code

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_secretsmanager import SecretsManagerClient

_STATE = "signing-key store"
_SECRETS = "secret store"
# Key material read, by (secret name, version id): versions never change, so this never goes stale.
_MATERIAL_CACHE_SIZE = 1024


@dataclass(frozen=True, slots=True)
class KeyVersion:
    version: int
    secret_version_id: str
    created_at: str
    revoked_at: str | None = None

    @property
    def usable(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class KeyRing:
    """A tenant's signing-key versions."""

    tenant_id: str
    current: int
    versions: dict[int, KeyVersion]

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "KeyRing":
        versions = {}
        for name, value in item.get("versions", {}).get("M", {}).items():
            fields = value["M"]
            versions[int(name)] = KeyVersion(
                version=int(name),
                secret_version_id=fields["secret_version_id"]["S"],
                created_at=fields["created_at"]["S"],
                revoked_at=fields["revoked_at"]["S"] if "revoked_at" in fields else None,
            )
        return cls(tenant_id=item["tenant_id"]["S"], current=int(item["current"]["N"]), versions=versions)


def _version_entry(secret_version_id: str, created_at: str) -> dict[str, Any]:
    return {"M": {"secret_version_id": {"S": secret_version_id}, "created_at": {"S": created_at}}}


class SigningKeyState:
    """The DynamoDB item of each tenant's key versions."""

    def __init__(self, table: str, client: "DynamoDBClient | None" = None) -> None:
        self._table = table
        self._client = client or clients.dynamodb()

    def get(self, tenant_id: str) -> KeyRing | None:
        with dependency(_STATE):
            response = self._client.get_item(
                TableName=self._table, Key={"tenant_id": {"S": tenant_id}}, ConsistentRead=True
            )
        item = response.get("Item")
        return None if item is None else KeyRing.from_item(item)

    def version(self, tenant_id: str, version: int) -> KeyVersion | None:
        """One key version of a tenant (None: no such version, or no key at all), read alone: a
        projection of the item on that version, so a shared GET costs the same however many times
        the tenant rotated."""
        with dependency(_STATE):
            response = self._client.get_item(
                TableName=self._table,
                Key={"tenant_id": {"S": tenant_id}},
                ConsistentRead=True,
                ProjectionExpression="#versions.#v",
                ExpressionAttributeNames={"#versions": "versions", "#v": str(version)},
            )
        entry = response.get("Item", {}).get("versions", {}).get("M", {}).get(str(version))
        if entry is None:
            return None
        fields = entry["M"]
        return KeyVersion(
            version=version,
            secret_version_id=fields["secret_version_id"]["S"],
            created_at=fields["created_at"]["S"],
            revoked_at=fields["revoked_at"]["S"] if "revoked_at" in fields else None,
        )

    def create(self, tenant_id: str, secret_version_id: str, created_at: str) -> bool:
        """Record a tenant's first version (1); False when another request recorded one first."""
        with dependency(_STATE):
            try:
                self._client.put_item(
                    TableName=self._table,
                    Item={
                        "tenant_id": {"S": tenant_id},
                        "current": {"N": "1"},
                        "versions": {"M": {"1": _version_entry(secret_version_id, created_at)}},
                    },
                    ConditionExpression="attribute_not_exists(tenant_id)",
                )
            except ClientError as err:
                if error_code(err) == "ConditionalCheckFailedException":
                    return False
                raise
        return True

    def rotate(self, ring: KeyRing, secret_version_id: str, created_at: str) -> bool:
        """Make version current+1 the current one; False when the ring changed since it was read."""
        new = ring.current + 1
        with dependency(_STATE):
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key={"tenant_id": {"S": ring.tenant_id}},
                    UpdateExpression="SET #current = :new, #versions.#new = :entry",
                    ConditionExpression="#current = :old AND attribute_not_exists(#versions.#new)",
                    ExpressionAttributeNames={
                        "#current": "current",
                        "#versions": "versions",
                        "#new": str(new),
                    },
                    ExpressionAttributeValues={
                        ":new": {"N": str(new)},
                        ":old": {"N": str(ring.current)},
                        ":entry": _version_entry(secret_version_id, created_at),
                    },
                )
            except ClientError as err:
                if error_code(err) == "ConditionalCheckFailedException":
                    return False
                raise
        return True

    def revoke(self, tenant_id: str, version: int, revoked_at: str) -> bool:
        """Mark a version revoked unless it is the current one or unknown (False then); revoking a
        revoked version again keeps its first revocation time."""
        with dependency(_STATE):
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key={"tenant_id": {"S": tenant_id}},
                    UpdateExpression="SET #versions.#v.#revoked = if_not_exists(#versions.#v.#revoked, :now)",
                    ConditionExpression="attribute_exists(#versions.#v) AND #current <> :v",
                    ExpressionAttributeNames={
                        "#versions": "versions",
                        "#v": str(version),
                        "#revoked": "revoked_at",
                        "#current": "current",
                    },
                    ExpressionAttributeValues={":v": {"N": str(version)}, ":now": {"S": revoked_at}},
                )
            except ClientError as err:
                if error_code(err) == "ConditionalCheckFailedException":
                    return False
                raise
        return True


class SigningKeySecrets:
    """Each tenant's key material: one secret, one secret version per key version."""

    def __init__(self, prefix: str, client: "SecretsManagerClient | None" = None) -> None:
        self._prefix = prefix
        self._client = client or clients.secretsmanager()
        self._cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def secret_name(self, tenant_id: str) -> str:
        return f"{self._prefix}{tenant_id}"

    def add(self, tenant_id: str) -> str:
        """New key material as a new version of the tenant's secret (the secret is created on first
        use); the secret version id."""
        material = secrets.token_bytes(KEY_BYTES)
        value = json.dumps({"signing_key": base64.b64encode(material).decode(), "algorithm": "HMAC-SHA256"})
        name = self.secret_name(tenant_id)
        with dependency(_SECRETS):
            try:
                version_id = self._client.put_secret_value(SecretId=name, SecretString=value)["VersionId"]
            except ClientError as err:
                if error_code(err) != "ResourceNotFoundException":
                    raise
                version_id = self._create(name, value)
        self._remember((name, version_id), material)
        return version_id

    def _create(self, name: str, value: str) -> str:
        try:
            return self._client.create_secret(
                Name=name,
                SecretString=value,
                Description="Share-link signing keys of one image-service tenant (a version per key version)",
            )["VersionId"]
        except ClientError as err:
            if error_code(err) != "ResourceExistsException":
                raise
        # Created meanwhile by another request: this material becomes a version of it.
        return self._client.put_secret_value(SecretId=name, SecretString=value)["VersionId"]

    def material(self, tenant_id: str, secret_version_id: str) -> bytes | None:
        """The key material of one version; None when the secret or the version is not there."""
        where = (self.secret_name(tenant_id), secret_version_id)
        with self._lock:
            cached = self._cache.get(where)
        if cached is not None:
            return cached
        with dependency(_SECRETS):
            try:
                response = self._client.get_secret_value(SecretId=where[0], VersionId=secret_version_id)
            except ClientError as err:
                if error_code(err) == "ResourceNotFoundException":
                    return None
                raise
        material = base64.b64decode(json.loads(response["SecretString"])["signing_key"])
        self._remember(where, material)
        return material

    def _remember(self, where: tuple[str, str], material: bytes) -> None:
        with self._lock:
            self._cache[where] = material
            while len(self._cache) > _MATERIAL_CACHE_SIZE:
                self._cache.popitem(last=False)
