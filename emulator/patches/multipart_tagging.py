"""Tags given when a multipart upload starts, kept on the object it makes, as AWS does.

CreateMultipartUpload takes ``x-amz-tagging`` ("The tag-set for the object. The tag-set must be
encoded as URL Query parameters.", the CreateMultipartUpload reference), and the object that
CompleteMultipartUpload assembles carries those tags. MiniStack applied the header on PutObject
only: the AWS provider uploads an ``aws_s3_object`` larger than its multipart threshold in parts
(the Lambda zip in terraform/modules/code_bucket), so the object lost the provider's default tags
and every later plan proposed to add them again. More than 10 tags are refused, as on PutObject."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from emulator.ministack_internals import Patch, Response

if TYPE_CHECKING:
    from collections.abc import Callable

_MAX_TAGS = 10  # S3's limit per object
_UPLOAD_TAGS = "_image_service_tags"  # where the tags wait in MiniStack's record of the upload
# The upload id in MiniStack's own InitiateMultipartUploadResult (an id is a UUID: no markup in it).
_UPLOAD_ID = re.compile(rb"<UploadId>([^<]+)</UploadId>")


def _install(s3: Any) -> None:
    create: Callable[[str, str, dict[str, Any]], Response] = s3._create_multipart_upload
    complete: Callable[..., Response] = s3._complete_multipart_upload

    def create_multipart_upload(bucket_name: str, key: str, headers: dict[str, Any]) -> Response:
        header = headers.get("x-amz-tagging", "")
        tags = {name: values[0] for name, values in parse_qs(header, keep_blank_values=True).items()}
        if len(tags) > _MAX_TAGS:
            refused: Response = s3._error("BadRequest", "Object tags cannot be greater than 10", 400)
            return refused
        status, out_headers, body = create(bucket_name, key, headers)
        if status == 200 and tags:
            found = _UPLOAD_ID.search(body)
            upload_id = None if found is None else found.group(1).decode()
            if upload_id in s3._multipart_uploads:
                s3._multipart_uploads[upload_id][_UPLOAD_TAGS] = tags
        return status, out_headers, body

    def complete_multipart_upload(
        bucket_name: str,
        key: str,
        body: bytes,
        query_params: dict[str, Any],
        headers: dict[str, Any] | None = None,
    ) -> Response:
        upload = s3._multipart_uploads.get(s3._qp(query_params, "uploadId"))
        tags = None if upload is None else upload.get(_UPLOAD_TAGS)
        status, out_headers, out_body = complete(bucket_name, key, body, query_params, headers)
        if status == 200 and tags is not None:
            made = s3._buckets[bucket_name]["objects"].get(key)
            if made is not None:
                # Tags are per version, keyed as PutObject keys them.
                s3._object_tags[(bucket_name, key, made.get("version_id"))] = dict(tags)
        return status, out_headers, out_body

    s3._create_multipart_upload = create_multipart_upload
    s3._complete_multipart_upload = complete_multipart_upload


PATCH = Patch(
    internals=(
        "_create_multipart_upload",
        "_complete_multipart_upload",
        "_multipart_uploads",
        "_object_tags",
        "_buckets",
        "_qp",
        "_error",
    ),
    install=_install,
    service="s3",
)
