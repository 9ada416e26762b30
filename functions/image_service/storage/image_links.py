"""What share links need of the image items: the item itself without knowing its tenant (a link
carries none; the item says whose it is), and the image's link generation, which revokes every
link of an image at once when bumped (a link carries the generation it was signed at)."""

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from image_service.errors import ImageNotFoundError
from image_service.models import ImageRecord
from image_service.storage import clients
from image_service.storage.dynamo_items import from_dynamo
from image_service.storage.errors import dependency, error_code

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_CATALOG = "metadata store"


class ImageLinks:
    def __init__(self, table: str, client: "DynamoDBClient | None" = None) -> None:
        self._table = table
        self._client = client or clients.dynamodb()

    def record(self, image_id: str) -> ImageRecord | None:
        """The image's record, whoever owns it; None when there is no such image."""
        with dependency(_CATALOG):
            response = self._client.get_item(
                TableName=self._table, Key={"image_id": {"S": image_id}}, ConsistentRead=True
            )
        item = response.get("Item")
        return None if item is None else ImageRecord.from_item(from_dynamo(item))

    def revoke_all(self, image_id: str, tenant_id: str) -> int:
        """Bump the tenant's image's link generation: every link signed before is dead. The new
        generation; another tenant's image is not found, as a missing one."""
        with dependency(_CATALOG):
            try:
                response = self._client.update_item(
                    TableName=self._table,
                    Key={"image_id": {"S": image_id}},
                    UpdateExpression="ADD link_generation :one",
                    ConditionExpression="attribute_exists(image_id) AND tenant_id = :tenant",
                    ExpressionAttributeValues={":one": {"N": "1"}, ":tenant": {"S": tenant_id}},
                    ReturnValues="UPDATED_NEW",
                )
            except ClientError as err:
                if error_code(err) == "ConditionalCheckFailedException":
                    raise ImageNotFoundError("No image with this id.") from err
                raise
        return int(response["Attributes"]["link_generation"]["N"])
