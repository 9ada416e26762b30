"""Image bytes in S3, one object per image."""

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from image_service import contract
from image_service.errors import ImageNotFoundError
from image_service.storage import clients
from image_service.storage.errors import dependency, error_code

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

_STORE = "image store"


class ImageObjects:
    def __init__(self, bucket: str, client: "S3Client | None" = None) -> None:
        self._bucket = bucket
        self._client = client or clients.s3()

    def put(self, key: str, data: bytes, *, content_type: str, sha256: str) -> str | None:
        """Store the bytes; the new version's id when the bucket is versioned."""
        with dependency(_STORE):
            response = self._client.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                Metadata={"sha256": sha256},
            )
        return response.get("VersionId")

    def get(self, key: str) -> bytes:
        with dependency(_STORE):
            try:
                response = self._client.get_object(Bucket=self._bucket, Key=key)
            except ClientError as err:
                if error_code(err) in ("NoSuchKey", "404", "NotFound"):
                    raise ImageNotFoundError("No image with this id.") from err
                raise
            return response["Body"].read()

    def find(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is none (a cache lookup, not an error)."""
        try:
            return self.get(key)
        except ImageNotFoundError:
            return None

    def put_derived(self, key: str, data: bytes, *, content_type: str) -> None:
        """Store bytes made from an image (a variant), as immutable as the image."""
        with dependency(_STORE):
            self._client.put_object(Bucket=self._bucket, Key=key, Body=data, ContentType=content_type)

    def delete_prefix(self, prefix: str) -> None:
        """Delete every object under a prefix (an image's variants)."""
        with dependency(_STORE):
            pages = self._client.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=prefix)
            for page in pages:  # up to 1,000 keys a page: one DeleteObjects call each
                keys: list[ObjectIdentifierTypeDef] = [
                    {"Key": item["Key"]} for item in page.get("Contents", [])
                ]
                if keys:
                    self._client.delete_objects(Bucket=self._bucket, Delete={"Objects": keys, "Quiet": True})

    def delete(self, key: str, version_id: str | None = None) -> None:
        """Delete the object (versioned buckets keep it as a noncurrent version), or with
        `version_id` that exact version, for good."""
        with dependency(_STORE):
            if version_id is None:
                self._client.delete_object(Bucket=self._bucket, Key=key)
            else:
                self._client.delete_object(Bucket=self._bucket, Key=key, VersionId=version_id)

    def mark_orphan(self, key: str) -> None:
        """Tag an object no metadata points at, so the lifecycle rule expires it."""
        tag_key, tag_value = contract.ORPHAN_TAG
        with dependency(_STORE):
            self._client.put_object_tagging(
                Bucket=self._bucket, Key=key, Tagging={"TagSet": [{"Key": tag_key, "Value": tag_value}]}
            )
