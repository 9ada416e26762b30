"""Upload request validation: what the API accepts and refuses before touching storage."""

import pytest
from pydantic import ValidationError

from image_service import contract
from image_service.models import ImageDescription, ImageRecord, UploadRequest

VALID = {"user_id": "alice", "image_name": "cat.png", "file": "iVBORw0KGgo="}


def test_minimal_request_is_valid_with_defaults() -> None:
    request = UploadRequest.model_validate(VALID)
    assert request.description is None
    assert request.tags == []


def test_an_upload_request_described_keeps_everything_but_the_file() -> None:
    request = UploadRequest.model_validate({**VALID, "tags": ["a"], "description": "d"})

    described = request.described()

    assert type(described) is ImageDescription
    assert described.model_dump() == {
        "user_id": "alice",
        "image_name": "cat.png",
        "description": "d",
        "tags": ["a"],
    }
    assert described.model_fields_set == {"user_id", "image_name", "description", "tags"}
    assert UploadRequest.model_validate(VALID).described().model_fields_set == {"user_id", "image_name"}


@pytest.mark.parametrize(
    "change",
    [
        {"user_id": ""},
        {"user_id": "a/b"},
        {"user_id": "x" * (contract.MAX_USER_ID_CHARS + 1)},
        {"image_name": ""},
        {"image_name": "x" * (contract.MAX_IMAGE_NAME_CHARS + 1)},
        {"image_name": "../../etc/passwd"},
        {"image_name": "dir\\file.png"},
        {"image_name": "bad\r\nX-Injected: 1.png"},
        {"image_name": ".."},
        {"description": "x" * (contract.MAX_DESCRIPTION_CHARS + 1)},
        {"description": "bell\x07"},
        {"tags": ["t"] * (contract.MAX_TAGS + 1)},
        {"tags": [""]},
        {"tags": ["x" * (contract.MAX_TAG_CHARS + 1)]},
        {"tags": "not-a-list"},
        {"file": ""},
        {"file": "A" * (contract.MAX_IMAGE_BASE64_CHARS + 4)},
        {"image_id": "11111111-2222-4333-8444-555555555555"},
        {"size": 1},
        {"user_id": 7},
    ],
)
def test_invalid_fields_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        UploadRequest.model_validate({**VALID, **change})


@pytest.mark.parametrize("field", ["user_id", "image_name", "file"])
def test_required_fields(field: str) -> None:
    body = {key: value for key, value in VALID.items() if key != field}
    with pytest.raises(ValidationError):
        UploadRequest.model_validate(body)


def test_descriptions_may_span_lines() -> None:
    request = UploadRequest.model_validate({**VALID, "description": "line one\nline two\ttabbed"})
    assert request.description == "line one\nline two\ttabbed"


def test_record_round_trips_through_a_dynamodb_item() -> None:
    record = ImageRecord(
        image_id="11111111-2222-4333-8444-555555555555",
        user_id="alice",
        image_name="a.png",
        tags=[],
        content_type="image/png",
        size=10,
        sha256="0" * 64,
        created_at="2026-01-01T00:00:00.000000Z",
        tenant_id="key-a",
        owner="key-a#alice",
        object_key="images/x",
    )
    item = record.to_item()
    assert "description" not in item  # DynamoDB stores no nulls
    assert ImageRecord.from_item({**item, "size": __import__("decimal").Decimal(10)}) == record
    # Where the bytes live and who owns them stay server-side.
    assert not {"object_key", "tenant_id", "owner"} & set(record.public().model_dump())
