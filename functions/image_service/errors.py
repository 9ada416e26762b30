"""Domain errors. Each carries the HTTP status and the stable error code the API answers with,
so handlers raise and one exception handler (image_service.http_api) shapes the response."""

from typing import ClassVar


class ImageServiceError(Exception):
    """Base of every error the API reports to the client."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequestError(ImageServiceError):
    status = 400
    code = "bad_request"


class MalformedJsonError(BadRequestError):
    code = "malformed_json"


class InvalidBase64Error(BadRequestError):
    code = "invalid_base64"


class EmptyImageError(BadRequestError):
    code = "empty_image"


class ForbiddenError(ImageServiceError):
    """The request carries no tenant (API key identity); the gateway should never let one through."""

    status = 403
    code = "forbidden"


class TooManyPixelsError(BadRequestError):
    code = "too_many_pixels"


class ImageTooCostlyError(BadRequestError):
    """Decoding the image would take more memory than the cost model allows (contract.py)."""

    code = "image_too_costly"


class ValidationFailedError(ImageServiceError):
    status = 422
    code = "validation_error"


class IdempotencyKeyReusedError(ValidationFailedError):
    code = "idempotency_key_reused"


class IdempotencyInProgressError(ImageServiceError):
    status = 409
    code = "idempotency_in_progress"


class PreconditionFailedError(ImageServiceError):
    status = 412
    code = "precondition_failed"


class ConcurrentUpdateError(ImageServiceError):
    status = 409
    code = "concurrent_update"


class ImageNotFoundError(ImageServiceError):
    status = 404
    code = "image_not_found"


class PayloadTooLargeError(ImageServiceError):
    status = 413
    code = "payload_too_large"


class UnsupportedImageTypeError(ImageServiceError):
    status = 415
    code = "unsupported_media_type"


class CorruptImageError(UnsupportedImageTypeError):
    """The bytes start as an image but do not decode: truncated, or forged dimensions."""

    code = "corrupt_image"


class TrailingDataError(UnsupportedImageTypeError):
    """Data follows the image's end marker (a polyglot: HTML, a script or an archive appended)."""

    code = "trailing_data"


class DependencyUnavailableError(ImageServiceError):
    """S3 or DynamoDB failed or refused; the request may be retried."""

    status = 503
    code = "service_unavailable"


class UploadNotReceivedError(ImageServiceError):
    """Completion was asked for before any bytes reached the presigned upload."""

    status = 409
    code = "upload_not_received"


class UploadExpiredError(ImageServiceError):
    status = 410
    code = "upload_expired"


class UnknownPresetError(BadRequestError):
    """A preset name the deployment's table (Terraform's image_presets) does not hold."""

    code = "unknown_preset"


class ArbitraryVariantsDisabledError(BadRequestError):
    """Free-form width/height/fit/format asked for where allow_arbitrary_variants is off."""

    code = "arbitrary_variants_disabled"


class LinkNotFoundError(ImageServiceError):
    """A share link that is tampered with, unknown, revoked, forged by another tenant, or whose
    image is deleted: one answer, with no hint which."""

    status = 404
    code = "not_found"


class LinkExpiredError(ImageServiceError):
    """A genuine share link past its expiry."""

    status = 410
    code = "link_expired"


class SigningKeyNotFoundError(ImageServiceError):
    status = 404
    code = "signing_key_not_found"


class CurrentSigningKeyError(ImageServiceError):
    """The current signing key cannot be revoked: new links are signed with it. Rotate first."""

    status = 409
    code = "current_signing_key"
