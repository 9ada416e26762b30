"""Request, response and stored-record models. openapi/api.yaml describes the same shapes;
tests/contract/test_contract.py compares them field by field.

Every model builds its validator and serializer on first use (`defer_build`), not at import: each
function uses a few of these models, and its cold start pays for those alone."""

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from image_service import contract
from image_service.contract import PRESET_NAME_PATTERN
from image_service.errors import MalformedJsonError, PayloadTooLargeError, ValidationFailedError
from image_service.formats import ContentType


def _reject_control_characters(value: str, allowed: str = "") -> str:
    if any((ord(char) < 0x20 or ord(char) == 0x7F) and char not in allowed for char in value):
        raise ValueError("must not contain control characters")
    return value


def _plain_file_name(value: str) -> str:
    _reject_control_characters(value)
    if "/" in value or "\\" in value or value in (".", ".."):
        raise ValueError("must be a file name, without directory parts")
    return value


def _printable_text(value: str) -> str:
    return _reject_control_characters(value, allowed="\n\r\t")


UserId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=contract.MAX_USER_ID_CHARS, pattern=contract.USER_ID_PATTERN),
]
Tag = Annotated[
    str,
    StringConstraints(min_length=1, max_length=contract.MAX_TAG_CHARS),
    AfterValidator(_reject_control_characters),
]
Tags = Annotated[list[Tag], Field(max_length=contract.MAX_TAGS)]
ImageName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=contract.MAX_IMAGE_NAME_CHARS),
    AfterValidator(_plain_file_name),
]
Description = Annotated[
    str, StringConstraints(max_length=contract.MAX_DESCRIPTION_CHARS), AfterValidator(_printable_text)
]


class Model(BaseModel):
    """Every model of the API: unknown fields refused, immutable, and built on first use."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ImageDescription(Model):
    """What the client says about an image on upload: owner, name, description and tags."""

    user_id: UserId
    image_name: ImageName
    description: Description | None = None
    tags: Tags = []


class UploadRequest(ImageDescription):
    """Body of POST /v1/images: the image as base64 plus its descriptive metadata."""

    # Up to contract.MAX_IMAGE_BASE64_CHARS, as the spec says; longer is a 413 (payload_too_large,
    # parse_json), not a schema error: the client needs the large-upload route, not a field fix.
    file: Annotated[str, StringConstraints(min_length=1)]

    @field_validator("file")
    @classmethod
    def _fits_inline(cls, value: str) -> str:
        if len(value) > contract.MAX_IMAGE_BASE64_CHARS:
            raise PydanticCustomError("payload_too_large", too_large_inline())
        return value

    def described(self) -> ImageDescription:
        """The descriptive metadata alone (validated with this request), so that the base64 text,
        up to 5.3 MB, can go once decoded."""
        return ImageDescription.model_construct(
            self.model_fields_set - {"file"},
            **{name: getattr(self, name) for name in ImageDescription.model_fields},
        )


def too_large_inline() -> str:
    """What a client with an image over the inline limit is told."""
    return (
        f"The image is over the {contract.MAX_IMAGE_BYTES // 2**20} MiB ({contract.MAX_IMAGE_BYTES:,} bytes) "
        f"limit of inline uploads; upload it (up to {contract.MAX_LARGE_IMAGE_BYTES // 2**20} MiB) with "
        f"POST {contract.LARGE_UPLOAD_PATH}, then POST /v1/images/{{image_id}}/complete."
    )


class UploadIntent(ImageDescription):
    """Body of POST /v1/images/uploads: the metadata of an image the client sends straight to S3,
    and the type it will send (the presigned POST allows only that Content-Type)."""

    content_type: ContentType


class PresignedPost(Model):
    """An S3 browser-based upload: POST `url` as multipart/form-data with `fields`, then `file`."""

    method: Literal["POST"] = "POST"
    url: str
    fields: dict[str, str]


class UploadTicket(Model):
    """Body of the 201 of POST /v1/images/uploads: where to send the bytes, and until when."""

    image_id: str
    upload: PresignedPost
    max_bytes: int
    expires_at: str = Field(description="UTC, ISO 8601; upload and complete before then")
    complete_path: str = Field(description="POST here once the bytes are uploaded")


class PendingUpload(ImageDescription):
    """A started upload (uploads table): the intent, its owner, and when it expires."""

    image_id: str
    tenant_id: str
    content_type: ContentType
    created_at: str
    staging_key: str
    expiration: int = Field(description="epoch seconds; the table's TTL attribute")

    def to_item(self) -> dict[str, Any]:
        # The table's key is `id` (terraform/modules/expiring_table).
        return {"id": self.image_id, **self.model_dump(exclude_none=True)}

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "PendingUpload":
        fields = {name: value for name, value in item.items() if name != "id"}
        return cls.model_validate({**fields, "expiration": int(item["expiration"])})


class DownloadLink(Model):
    """Body of GET /v1/images/{image_id}?redirect=false for an image served from S3 directly."""

    url: str
    expires_at: str
    content_type: str
    size: int


class MetadataEdit(Model):
    """Body of PATCH /v1/images/{image_id}: the descriptive fields to change (at least one),
    validated exactly as on upload; a null description clears it."""

    image_name: ImageName | None = None
    description: Description | None = None
    tags: Tags | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> "MetadataEdit":
        if not self.model_fields_set:
            raise ValueError("name at least one of image_name, description, tags")
        if "image_name" in self.model_fields_set and self.image_name is None:
            raise ValueError("image_name cannot be null")
        if "tags" in self.model_fields_set and self.tags is None:
            raise ValueError("tags cannot be null (send [] to clear them)")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, with their new values."""
        return {name: getattr(self, name) for name in sorted(self.model_fields_set)}


class ImageMetadata(Model):
    """What the API reports about a stored image."""

    image_id: str
    user_id: str
    image_name: str
    description: str | None = None
    tags: list[str] = []
    content_type: str
    size: int
    sha256: str
    created_at: str = Field(description="UTC, ISO 8601 with microseconds; sorts as text")
    # As shown (after EXIF orientation), and the BlurHash to show while it loads; set at upload
    # (images stored before have them once `nox -s backfill` ran).
    width: int | None = None
    height: int | None = None
    placeholder: str | None = None


class ImageRecord(ImageMetadata):
    """The DynamoDB item: the public metadata plus its tenant and where the bytes live."""

    tenant_id: str = Field(description="API key id of the uploader (requestContext.identity.apiKeyId)")
    revision: int = Field(default=0, description="bumped by every metadata edit (optimistic locking)")
    link_generation: int = Field(default=0, description="bumped to revoke every share link of the image")
    owner: str = Field(description="tenant and user, the key of the by-owner index")
    object_key: str

    def public(self) -> ImageMetadata:
        return ImageMetadata.model_validate(self.model_dump(exclude=_PRIVATE_FIELDS))

    def to_item(self) -> dict[str, Any]:
        # DynamoDB rejects empty sets and stores no None; omit what is absent.
        return self.model_dump(exclude_none=True)

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "ImageRecord":
        return cls.model_validate(
            {
                **item,
                "size": int(item["size"]),
                "revision": int(item.get("revision", 0)),
                "link_generation": int(item.get("link_generation", 0)),
            }
        )


_PRIVATE_FIELDS = {"tenant_id", "revision", "link_generation", "owner", "object_key"}


class ImageList(Model):
    """Body of GET /v1/images: one page of a user's images, newest first."""

    user_id: str
    count: int
    images: list[ImageMetadata]
    next_cursor: str | None = Field(
        default=None,
        exclude_if=lambda cursor: cursor is None,
        description="Pass as `cursor` for the next page; absent on the last page",
    )


class DeleteResult(Model):
    """Body of DELETE /v1/images/{image_id}."""

    image_id: str
    deleted: Literal[True] = True


class ErrorDetail(Model):
    code: str
    message: str


class ErrorResponse(Model):
    """Body of every 4xx/5xx the functions answer with."""

    error: ErrorDetail


def parse_json[ModelT: BaseModel](raw: bytes, model: type[ModelT]) -> ModelT:
    """Body bytes validated against a model: 400 for bytes that are not JSON, 413 for a field over
    a size limit (a model's `payload_too_large` error), 422 for JSON that does not fit the model."""
    if not raw:
        raise MalformedJsonError("The request body must be a JSON object.")
    try:
        return model.model_validate_json(raw)
    except ValidationError as err:
        errors = err.errors(include_url=False, include_input=False)
        if any(error["type"] == "json_invalid" for error in errors):
            raise MalformedJsonError("The request body is not valid JSON.") from err
        too_large = [error for error in errors if error["type"] == "payload_too_large"]
        if too_large:
            raise PayloadTooLargeError(too_large[0]["msg"]) from err
        raise ValidationFailedError(_describe(errors)) from err


def _describe(errors: list[Any]) -> str:
    parts = []
    for error in errors[:10]:
        location = ".".join(str(part) for part in error["loc"]) or "body"
        parts.append(f"{location}: {error['msg']}")
    return "; ".join(parts)


class LinkRequest(Model):
    """Body of POST /v1/images/{image_id}/links."""

    preset: str | None = Field(default=None, pattern=PRESET_NAME_PATTERN)
    expires_in: int = Field(
        default=contract.LINK_DEFAULT_EXPIRY_SECONDS,
        ge=contract.LINK_MIN_EXPIRY_SECONDS,
        le=contract.LINK_MAX_EXPIRY_SECONDS,
        strict=True,
    )


class ShareLink(Model):
    """Body of the 201 of POST /v1/images/{image_id}/links."""

    url: str
    expires_at: str
    preset: str | None


class SigningKey(Model):
    """One version of a tenant's share-link signing key (never its material)."""

    version: int
    state: Literal["current", "active", "revoked"]
    created_at: str
    revoked_at: str | None


class SigningKeyList(Model):
    """Body of GET /v1/signing-keys."""

    current_version: int | None
    keys: list[SigningKey]
