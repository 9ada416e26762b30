"""Retried uploads: the same Idempotency-Key from the same tenant returns the first answer instead
of storing a duplicate (Powertools idempotency, records in DynamoDB with a TTL)."""

import hashlib
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from image_service import contract
from image_service.errors import (
    BadRequestError,
    DependencyUnavailableError,
    IdempotencyInProgressError,
    IdempotencyKeyReusedError,
)
from image_service.settings import get_settings
from image_service.storage import clients

_KEY = re.compile(contract.IDEMPOTENCY_KEY_PATTERN)

# One config per process: the handler registers the Lambda context on it, so a record left
# "in progress" by a crashed invocation expires with that invocation's time budget.
CONFIG = IdempotencyConfig(
    event_key_jmespath="[tenant_id, key]",
    payload_validation_jmespath="body_sha256",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=contract.IDEMPOTENCY_TTL_SECONDS,
    hash_function="sha256",
)


@dataclass(frozen=True, slots=True)
class Attempt:
    """What makes two uploads the same: tenant, key, and the exact body."""

    tenant_id: str
    key: str
    body_sha256: str


def attempt(tenant_id: str, key: str, body: bytes) -> Attempt:
    if not _KEY.fullmatch(key):
        raise BadRequestError(
            f"Header '{contract.IDEMPOTENCY_HEADER}' must be 1-255 printable ASCII characters without spaces."
        )
    return Attempt(tenant_id=tenant_id, key=key, body_sha256=hashlib.sha256(body).hexdigest())


def register_context(context: LambdaContext) -> None:
    CONFIG.register_lambda_context(context)


def once(upload: Attempt, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`work()` the first time; its stored result for a retry of the same attempt."""
    try:
        result: dict[str, Any] = _guarded()(upload=asdict(upload), work=work)
    except IdempotencyValidationError as err:
        raise IdempotencyKeyReusedError(
            f"This {contract.IDEMPOTENCY_HEADER} was used for a different request body."
        ) from err
    except IdempotencyAlreadyInProgressError as err:
        raise IdempotencyInProgressError(
            f"A request with this {contract.IDEMPOTENCY_HEADER} is still in progress; retry shortly."
        ) from err
    except IdempotencyPersistenceLayerError as err:
        raise DependencyUnavailableError("The idempotency store is unavailable; retry later.") from err
    return result


@lru_cache(maxsize=1)
def _guarded() -> Callable[..., dict[str, Any]]:
    # Built on first use, not at import: the table and client come from the runtime settings.
    table = get_settings().idempotency_table
    if table is None:
        raise RuntimeError("IDEMPOTENCY_TABLE is not set")
    store = DynamoDBPersistenceLayer(table_name=table, boto3_client=clients.dynamodb())

    def run(upload: dict[str, Any], work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        del upload  # the key and validation hash are read from it by the decorator
        return work()

    guarded: Callable[..., dict[str, Any]] = idempotent_function(
        run, data_keyword_argument="upload", persistence_store=store, config=CONFIG
    )
    return guarded
