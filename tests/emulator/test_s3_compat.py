"""The S3 patches against a real emulator process (tests/fixtures/local_emulator.py), through
boto3 as the AWS provider reaches it: a multipart upload started with tags makes an object that
has them (emulator/patches/multipart_tagging.py), and object tags survive a graceful restart
(emulator/patches/object_tags_persist.py)."""

import io
import sys
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from devtools import emulator_process
from tests.fixtures.local_emulator import client

pytestmark = pytest.mark.emulator

BUCKET = "compat-bucket"
PART = 5 * 1024 * 1024  # S3's smallest part but the last


def _s3(endpoint: str) -> Any:
    return client("s3", endpoint)


def _tags(s3: Any, key: str, version: str | None = None) -> dict[str, str]:
    extra = {} if version is None else {"VersionId": version}
    return {
        tag["Key"]: tag["Value"] for tag in s3.get_object_tagging(Bucket=BUCKET, Key=key, **extra)["TagSet"]
    }


@pytest.mark.parametrize("versioned", [False, True])
def test_a_multipart_upload_started_with_tags_makes_an_object_with_them(
    local_emulator: str, versioned: bool
) -> None:
    emulator_process.start(sys.executable)
    s3 = _s3(local_emulator)
    s3.create_bucket(Bucket=BUCKET)
    if versioned:
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    # When an object of two parts is uploaded with tags, as the AWS provider's uploader sends them
    config = TransferConfig(multipart_threshold=PART, multipart_chunksize=PART)
    for round_, project in enumerate(("first", "second")):
        s3.upload_fileobj(
            io.BytesIO(bytes([round_]) * (PART + 1)),
            BUCKET,
            "package.zip",
            ExtraArgs={"Tagging": f"Project={project}&ManagedBy=terraform"},
            Config=config,
        )
        # Then the object (the new version, on a versioned bucket) has exactly those tags
        head = s3.head_object(Bucket=BUCKET, Key="package.zip")
        assert head["ETag"].endswith('-2"')  # it was a multipart upload
        assert _tags(s3, "package.zip") == {"Project": project, "ManagedBy": "terraform"}
        if versioned:
            assert _tags(s3, "package.zip", head["VersionId"]) == {
                "Project": project,
                "ManagedBy": "terraform",
            }
    # And an upload without tags makes an untagged object
    s3.upload_fileobj(io.BytesIO(b"\0" * (PART + 1)), BUCKET, "plain.zip", Config=config)
    assert _tags(s3, "plain.zip") == {}
    assert emulator_process.stop() is True


def test_more_than_ten_tags_are_refused_as_on_put_object(local_emulator: str) -> None:
    emulator_process.start(sys.executable)
    s3 = _s3(local_emulator)
    s3.create_bucket(Bucket=BUCKET)
    tagging = "&".join(f"t{n}=v" for n in range(11))
    with pytest.raises(ClientError) as refused:
        s3.create_multipart_upload(Bucket=BUCKET, Key="many.zip", Tagging=tagging)
    assert refused.value.response["Error"]["Code"] == "BadRequest"
    with pytest.raises(ClientError) as too:
        s3.put_object(Bucket=BUCKET, Key="many.zip", Body=b"x", Tagging=tagging)
    assert too.value.response["Error"]["Code"] == refused.value.response["Error"]["Code"]
    assert emulator_process.stop() is True


def test_object_tags_survive_a_graceful_restart(local_emulator: str) -> None:
    # Given a versioned bucket with tagged objects: tagged at PutObject, by PutObjectTagging, and
    # through a multipart upload, one key with two tagged versions
    emulator_process.start(sys.executable)
    s3 = _s3(local_emulator)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=BUCKET, Key="put", Body=b"1", Tagging="version=1")["VersionId"]
    second = s3.put_object(Bucket=BUCKET, Key="put", Body=b"2", Tagging="version=2")["VersionId"]
    s3.put_object(Bucket=BUCKET, Key="later", Body=b"x")
    s3.put_object_tagging(
        Bucket=BUCKET, Key="later", Tagging={"TagSet": [{"Key": "orphan", "Value": "true"}]}
    )
    config = TransferConfig(multipart_threshold=PART, multipart_chunksize=PART)
    s3.upload_fileobj(
        io.BytesIO(b"\1" * (PART + 1)), BUCKET, "parts.zip", ExtraArgs={"Tagging": "Project=p"}, Config=config
    )
    # When the emulator stops gracefully (`down`) and starts again (`up`)
    assert emulator_process.stop() is True
    emulator_process.start(sys.executable)
    s3 = _s3(local_emulator)
    # Then every object version has the tags it had
    assert _tags(s3, "put") == {"version": "2"}
    assert _tags(s3, "put", first) == {"version": "1"}
    assert _tags(s3, "put", second) == {"version": "2"}
    assert _tags(s3, "later") == {"orphan": "true"}
    assert _tags(s3, "parts.zip") == {"Project": "p"}
    assert emulator_process.stop() is True
