"""Started, not yet completed uploads in DynamoDB: one item per image id, expired by TTL."""

from typing import TYPE_CHECKING

from image_service.models import PendingUpload
from image_service.storage import clients
from image_service.storage.dynamo_items import from_dynamo, to_dynamo
from image_service.storage.errors import dependency

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_UPLOADS = "upload store"


class PendingUploads:
    def __init__(self, table: str, client: "DynamoDBClient | None" = None) -> None:
        self._table = table
        self._client = client or clients.dynamodb()

    def put(self, pending: PendingUpload) -> None:
        with dependency(_UPLOADS):
            self._client.put_item(
                TableName=self._table,
                Item=to_dynamo(pending.to_item()),
                ConditionExpression="attribute_not_exists(id)",
            )

    def get(self, image_id: str, tenant_id: str) -> PendingUpload | None:
        """The tenant's pending upload; None for none, or another tenant's."""
        with dependency(_UPLOADS):
            response = self._client.get_item(
                TableName=self._table, Key={"id": {"S": image_id}}, ConsistentRead=True
            )
        item = response.get("Item")
        if item is None or item.get("tenant_id", {}).get("S") != tenant_id:
            return None
        return PendingUpload.from_item(from_dynamo(item))

    def closing(self, pending: PendingUpload) -> "TransactWriteItemTypeDef":
        """The removal of this tenant's pending upload, conditional on its still being there: part
        of the transaction that publishes its image (ImageCatalog.put_completed), so one completion
        at most publishes it, and none does once it is closed."""
        return {
            "Delete": {
                "TableName": self._table,
                "Key": {"id": {"S": pending.image_id}},
                "ConditionExpression": "attribute_exists(id) AND tenant_id = :tenant_id",
                "ExpressionAttributeValues": {":tenant_id": {"S": pending.tenant_id}},
            }
        }
