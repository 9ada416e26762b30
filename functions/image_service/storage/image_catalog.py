"""Image metadata in DynamoDB: one item per image, a by-owner (tenant and user) index for listings."""

import time
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from image_service.errors import ConcurrentUpdateError, DependencyUnavailableError, ImageNotFoundError
from image_service.models import ImageRecord
from image_service.storage import clients
from image_service.storage.dynamo_items import from_dynamo, to_dynamo, to_dynamo_value
from image_service.storage.errors import dependency, error_code

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_CATALOG = "metadata store"
# DynamoDB cancels a transaction that meets another one on the same item (TransactionConflict);
# it is tried this many times in all, after a short pause, so that a later try sees the other
# transaction's outcome (its condition then fails, or it passes).
_TRANSACTION_ATTEMPTS = 3
_TRANSACTION_RETRY_PAUSE_SECONDS = 0.05


def _cancellation_reasons(err: ClientError) -> set[str]:
    """The codes of a cancelled transaction's reasons, one per item ("None" for an item that was
    fine); empty for any other error."""
    if error_code(err) != "TransactionCanceledException":
        return set()
    response: dict[str, Any] = dict(err.response)
    return {str(reason.get("Code")) for reason in response.get("CancellationReasons", [])}


def _index_key(record: ImageRecord) -> dict[str, str]:
    return {"image_id": record.image_id, "owner": record.owner, "created_at": record.created_at}


class ImageCatalog:
    def __init__(self, table: str, by_owner_index: str, client: "DynamoDBClient | None" = None) -> None:
        self._table = table
        self._by_owner_index = by_owner_index
        self._client = client or clients.dynamodb()

    def put_new(self, record: ImageRecord) -> None:
        """Store a new record; never overwrites an existing image id."""
        with dependency(_CATALOG):
            try:
                self._client.put_item(
                    TableName=self._table,
                    Item=to_dynamo(record.to_item()),
                    ConditionExpression="attribute_not_exists(image_id)",
                )
            except ClientError as err:
                if error_code(err) == "ConditionalCheckFailedException":
                    raise DependencyUnavailableError("Image id collision; retry the upload.") from err
                raise

    def put_completed(self, record: ImageRecord, closing: "TransactWriteItemTypeDef") -> bool:
        """Store a new record and, in one transaction, `closing` (its pending upload's removal):
        both or neither. False when a condition refused it: the image exists already or its upload
        is closed (another completion published it), so nothing was written."""
        put: TransactWriteItemTypeDef = {
            "Put": {
                "TableName": self._table,
                "Item": to_dynamo(record.to_item()),
                "ConditionExpression": "attribute_not_exists(image_id)",
            }
        }
        attempts_left = _TRANSACTION_ATTEMPTS
        while True:
            attempts_left -= 1
            with dependency(_CATALOG):
                try:
                    self._client.transact_write_items(TransactItems=[put, closing])
                except ClientError as err:
                    reasons = _cancellation_reasons(err)
                    if "ConditionalCheckFailed" in reasons:
                        return False
                    if "TransactionConflict" not in reasons or attempts_left == 0:
                        raise
                else:
                    return True
            time.sleep(_TRANSACTION_RETRY_PAUSE_SECONDS)

    def get(self, image_id: str, tenant_id: str) -> ImageRecord:
        """The tenant's record; another tenant's image is not found, exactly like a missing one."""
        with dependency(_CATALOG):
            response = self._client.get_item(
                TableName=self._table, Key={"image_id": {"S": image_id}}, ConsistentRead=True
            )
        item = response.get("Item")
        if item is None or item.get("tenant_id", {}).get("S") != tenant_id:
            raise ImageNotFoundError("No image with this id.")
        return ImageRecord.from_item(from_dynamo(item))

    def list_page(
        self, owner: str, *, limit: int, start_key: dict[str, str] | None = None, tag: str | None = None
    ) -> tuple[list[ImageRecord], dict[str, str] | None]:
        """One page of an owner's images, newest first, and where the next page starts (None on
        the last). A Query on the by-owner index with a Limit: the cost follows the page size,
        never the owner's total. Without a tag filter one extra item is read, so the last page is
        known exactly; with one, DynamoDB filters after the limit and a page may come back short."""
        query: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": self._by_owner_index,
            "KeyConditionExpression": "#owner = :owner",
            "ExpressionAttributeNames": {"#owner": "owner"},
            "ExpressionAttributeValues": {":owner": {"S": owner}},
            "ScanIndexForward": False,
            "Limit": limit if tag else limit + 1,
        }
        if tag is not None:
            query["FilterExpression"] = "contains(tags, :tag)"
            query["ExpressionAttributeValues"][":tag"] = {"S": tag}
        if start_key is not None:
            query["ExclusiveStartKey"] = {name: {"S": value} for name, value in start_key.items()}
        with dependency(_CATALOG):
            response = self._client.query(**query)
        records = [ImageRecord.from_item(from_dynamo(item)) for item in response["Items"]]
        if tag is not None:
            last = response.get("LastEvaluatedKey")
            return records, {name: value["S"] for name, value in last.items()} if last else None
        if len(records) <= limit:
            return records, None
        page = records[:limit]
        return page, _index_key(page[-1])

    def update(self, record: ImageRecord, changes: dict[str, Any]) -> ImageRecord:
        """Apply metadata changes to a record read before, unless it changed since (its revision)
        or changed hands; a null value removes the attribute. Returns the new record."""
        names: dict[str, str] = {"#rev": "revision", "#tenant": "tenant_id"}
        values: dict[str, Any] = {
            ":tenant": {"S": record.tenant_id},
            ":rev": {"N": str(record.revision)},
            ":one": {"N": "1"},
        }
        sets, removes = ["#rev = #rev + :one" if record.revision else "#rev = :one"], []
        for index, (name, value) in enumerate(sorted(changes.items())):
            names[f"#f{index}"] = name
            if value is None:
                removes.append(f"#f{index}")
            else:
                values[f":v{index}"] = to_dynamo_value(value)
                sets.append(f"#f{index} = :v{index}")
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        unchanged = "#rev = :rev" if record.revision else "(attribute_not_exists(#rev) OR #rev = :rev)"
        with dependency(_CATALOG):
            try:
                response = self._client.update_item(
                    TableName=self._table,
                    Key={"image_id": {"S": record.image_id}},
                    UpdateExpression=expression,
                    ConditionExpression=f"attribute_exists(image_id) AND #tenant = :tenant AND {unchanged}",
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=values,
                    ReturnValues="ALL_NEW",
                )
            except ClientError as err:
                if error_code(err) == "ConditionalCheckFailedException":
                    raise ConcurrentUpdateError(
                        "The image changed (or was deleted) while this edit was made; fetch it and retry."
                    ) from err
                raise
        return ImageRecord.from_item(from_dynamo(response["Attributes"]))

    def missing(
        self, attribute: str, *, start_key: dict[str, Any] | None = None, limit: int = 100
    ) -> tuple[list[ImageRecord], dict[str, Any] | None]:
        """One page of a scan of every tenant's records that lack `attribute` (a backfill's work),
        and the key to go on from (None: the scan is done). A page may hold none that match."""
        scan: dict[str, Any] = {
            "TableName": self._table,
            "FilterExpression": "attribute_not_exists(#a)",
            "ExpressionAttributeNames": {"#a": attribute},
            "Limit": limit,
            "ConsistentRead": True,
        }
        if start_key is not None:
            scan["ExclusiveStartKey"] = start_key
        with dependency(_CATALOG):
            response = self._client.scan(**scan)
        records = [ImageRecord.from_item(from_dynamo(item)) for item in response.get("Items", [])]
        return records, response.get("LastEvaluatedKey")

    def fill(self, record: ImageRecord, values: dict[str, Any], *, unless: str) -> bool:
        """Set attributes a record lacks, unless it has `unless` by now (another run filled it) or
        is gone; False then. Other attributes and the revision are untouched: edits made meanwhile
        stand, and this changes none of what they change."""
        names = {f"#f{index}": name for index, name in enumerate(sorted(values))}
        names["#unless"] = unless
        expression = "SET " + ", ".join(f"#f{index} = :v{index}" for index in range(len(values)))
        attribute_values = {
            f":v{index}": to_dynamo_value(values[name]) for index, name in enumerate(sorted(values))
        }
        with dependency(_CATALOG):
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key={"image_id": {"S": record.image_id}},
                    UpdateExpression=expression,
                    ConditionExpression="attribute_exists(image_id) AND attribute_not_exists(#unless)",
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=attribute_values,
                )
            except ClientError as err:
                if error_code(err) == "ConditionalCheckFailedException":
                    return False
                raise
        return True

    def delete(self, image_id: str, tenant_id: str) -> ImageRecord:
        """Remove the tenant's record and return what it held; unknown ids and other tenants'
        images are not found, and the condition makes the check and the delete one step."""
        with dependency(_CATALOG):
            try:
                response = self._client.delete_item(
                    TableName=self._table,
                    Key={"image_id": {"S": image_id}},
                    ConditionExpression="attribute_exists(image_id) AND tenant_id = :tenant_id",
                    ExpressionAttributeValues={":tenant_id": {"S": tenant_id}},
                    ReturnValues="ALL_OLD",
                )
            except ClientError as err:
                if error_code(err) == "ConditionalCheckFailedException":
                    raise ImageNotFoundError("No image with this id.") from err
                raise
        return ImageRecord.from_item(from_dynamo(response["Attributes"]))
