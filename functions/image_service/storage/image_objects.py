"""Image bytes in S3, one object per image."""

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from botocore.exceptions import ClientError

from image_service import contract
from image_service.errors import ImageNotFoundError, UploadNotReceivedError
from image_service.storage import clients
from image_service.storage.errors import dependency, error_code

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import GetObjectOutputTypeDef, ObjectIdentifierTypeDef

_STORE = "image store"
# Chunks a staged upload is streamed in: hashing a 50 MB image never holds it all in memory.
_CHUNK_BYTES = 1024 * 1024
# What S3 answers for a key, or a version of it, that is not there (GetObject, CopyObject's
# source, DeleteObject and the tagging calls with a VersionId).
_MISSING = ("NoSuchKey", "NoSuchVersion", "404", "NotFound")


@dataclass(frozen=True, slots=True)
class StoredObject:
    """One version of an object being read: its size before its bytes, then the bytes in chunks."""

    size: int
    version_id: str | None
    chunks: Iterator[bytes]


class ImageObjects:
    def __init__(self, bucket: str, client: "S3Client | None" = None) -> None:
        self._bucket = bucket
        self._client = client or clients.s3()

    def put(self, key: str, data: bytes, *, content_type: str, sha256: str) -> str | None:
        """Store the bytes, which S3 checks against their sha256 (hex); the new version's id when
        the bucket is versioned."""
        with dependency(_STORE):
            response = self._client.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                Metadata={"sha256": sha256},
                # The digest computed already: S3 refuses bytes that do not match it, and the SDK
                # computes no checksum of its own (a CRC32 sent as aws-chunked framing, which
                # copies the body 1 MiB at a time).
                ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode(),
            )
        return response.get("VersionId")

    def get(self, key: str) -> bytes:
        """The object's bytes; a missing object is an image not found."""
        data = self.find(key)
        if data is None:
            raise ImageNotFoundError("No image with this id.")
        return data

    def find(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is none (a cache lookup, not an error)."""
        response = self._get_object(key)
        if response is None:
            return None
        with dependency(_STORE):
            return response["Body"].read()

    def open(self, key: str) -> StoredObject | None:
        """The current version of an object, to stream (None when there is none)."""
        response = self._get_object(key)
        if response is None:
            return None
        body = response["Body"]

        def chunks() -> Iterator[bytes]:
            with dependency(_STORE), body:
                yield from body.iter_chunks(_CHUNK_BYTES)

        return StoredObject(response["ContentLength"], response.get("VersionId"), chunks())

    def copy(
        self, source_key: str, key: str, *, source_version: str | None, content_type: str, sha256: str
    ) -> str | None:
        """Copy one version of an object to `key` (server side) with new headers; the new
        version's id when the bucket is versioned. A source that is gone (a concurrent completion
        deleted it once it had published the image) is an upload not received."""
        source: Any = {"Bucket": self._bucket, "Key": source_key}
        if source_version is not None:
            source["VersionId"] = source_version
        with dependency(_STORE):
            try:
                response = self._client.copy_object(
                    Bucket=self._bucket,
                    Key=key,
                    CopySource=source,
                    MetadataDirective="REPLACE",
                    ContentType=content_type,
                    Metadata={"sha256": sha256},
                )
            except ClientError as err:
                if error_code(err) in _MISSING:
                    raise UploadNotReceivedError("The uploaded bytes are no longer staged.") from err
                raise
        return response.get("VersionId")

    def presigned_post(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int
    ) -> dict[str, Any]:
        """A browser-style upload of exactly this key: S3 refuses another Content-Type, an empty
        file or one over `max_bytes`, and the form after `expires_in` seconds. Signed locally."""
        with dependency(_STORE):
            post: dict[str, Any] = self._client.generate_presigned_post(
                Bucket=self._bucket,
                Key=key,
                Fields={"Content-Type": content_type},
                Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
                ExpiresIn=expires_in,
            )
        return post

    def presigned_get(self, key: str, *, content_type: str, disposition: str, expires_in: int) -> str:
        """A URL that reads the object for `expires_in` seconds, answering with these headers."""
        with dependency(_STORE):
            return self._client.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self._bucket,
                    "Key": key,
                    "ResponseContentType": content_type,
                    "ResponseContentDisposition": disposition,
                },
                ExpiresIn=expires_in,
            )

    def _get_object(self, key: str) -> "GetObjectOutputTypeDef | None":
        """GetObject of the current version, or None when there is none."""
        with dependency(_STORE):
            try:
                return self._client.get_object(Bucket=self._bucket, Key=key)
            except ClientError as err:
                if error_code(err) in _MISSING:
                    return None
                raise

    def put_derived(self, key: str, data: bytes, *, content_type: str) -> str | None:
        """Store bytes made from an image (a variant) tagged as an orphan, so that the lifecycle
        rule expires them unless `adopt` removes the tag; the new version's id when versioned."""
        tag_key, tag_value = contract.ORPHAN_TAG
        with dependency(_STORE):
            response = self._client.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                Tagging=urlencode({tag_key: tag_value}),
            )
        return response.get("VersionId")

    def adopt(self, key: str, version_id: str | None) -> None:
        """Remove the orphan tag from this version of a derived object: it lives as long as its
        image now. A version already deleted (its image's delete swept it) needs nothing."""
        with dependency(_STORE):
            try:
                if version_id is None:
                    self._client.delete_object_tagging(Bucket=self._bucket, Key=key)
                else:
                    self._client.delete_object_tagging(Bucket=self._bucket, Key=key, VersionId=version_id)
            except ClientError as err:
                if error_code(err) not in _MISSING:
                    raise

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
        `version_id` that exact version, for good (a version already gone needs nothing)."""
        with dependency(_STORE):
            try:
                if version_id is None:
                    self._client.delete_object(Bucket=self._bucket, Key=key)
                else:
                    self._client.delete_object(Bucket=self._bucket, Key=key, VersionId=version_id)
            except ClientError as err:
                if error_code(err) not in _MISSING:
                    raise

    def mark_orphan(self, key: str) -> None:
        """Tag an object no metadata points at, so the lifecycle rule expires it."""
        tag_key, tag_value = contract.ORPHAN_TAG
        with dependency(_STORE):
            self._client.put_object_tagging(
                Bucket=self._bucket, Key=key, Tagging={"TagSet": [{"Key": tag_key, "Value": tag_value}]}
            )
