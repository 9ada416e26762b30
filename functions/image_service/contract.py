"""Facts the API promises, defined once: openapi/api.yaml states the same numbers and names,
and tests/unit/test_contract.py fails when the two disagree."""

from typing import Final

# Inline uploads and downloads travel through Lambda's 6 MB payload limit as base64,
# so the raw image is capped at 4 MiB (base64: 5,592,408 characters).
MAX_IMAGE_BYTES: Final = 4 * 1024 * 1024
MAX_IMAGE_BASE64_CHARS: Final = 4 * -(-MAX_IMAGE_BYTES // 3)

# Larger images go straight to S3 with a presigned POST (POST /v1/images/uploads), are verified by
# POST /v1/images/{image_id}/complete, and are served with a presigned GET (a redirect).
MAX_LARGE_IMAGE_BYTES: Final = 50 * 1024 * 1024
# How long an upload may take from its start to its completion: the presigned POST and the
# pending upload expire together (the pending record by DynamoDB TTL, its bytes by the bucket's
# lifecycle rule on STAGING_PREFIX, a day later at most).
UPLOAD_EXPIRY_SECONDS: Final = 60 * 60
# A presigned GET for an image over the inline limit is good for this long.
DOWNLOAD_URL_EXPIRY_SECONDS: Final = 5 * 60
# Where uploaded bytes wait for their completion; the bucket expires whatever stays here.
STAGING_PREFIX: Final = "uploads/"

MAX_USER_ID_CHARS: Final = 128
USER_ID_PATTERN: Final = r"^[A-Za-z0-9_.@-]+$"
MAX_IMAGE_NAME_CHARS: Final = 255
MAX_DESCRIPTION_CHARS: Final = 1024
MAX_TAGS: Final = 20
MAX_TAG_CHARS: Final = 64

# Decoded pixels (width x height) an image may declare: a few KB of PNG can claim 100 MP,
# which would exhaust a function's memory when decoded (decompression bomb).
MAX_IMAGE_PIXELS: Final = 50_000_000

# Types are detected from the bytes, never from a name or a declared type.
ALLOWED_CONTENT_TYPES: Final = ("image/jpeg", "image/png", "image/gif", "image/webp")

# Listings come in pages; a page's cost does not grow with the user's total.
DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 100
MAX_CURSOR_CHARS: Final = 1024

# Resized variants: made with Pillow on first request, stored in S3, served from there after.
MAX_VARIANT_SIDE: Final = 2048
VARIANT_FITS: Final = ("contain", "cover", "fill")
VARIANT_FORMATS: Final = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}

METADATA_HEADER: Final = "X-Image-Metadata"

# An object the functions failed to delete (its metadata write failed, or its image was deleted)
# carries this tag; the bucket's lifecycle rule (terraform/modules/image_bucket) expires it.
ORPHAN_TAG: Final = ("image-service:orphan", "true")
IMAGE_ID_PATTERN: Final = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

# A client retrying an upload sends the same key; the first answer is returned for 24 hours.
IDEMPOTENCY_HEADER: Final = "Idempotency-Key"
IDEMPOTENCY_KEY_PATTERN: Final = r"^[!-~]{1,255}$"  # printable ASCII, no spaces
IDEMPOTENCY_TTL_SECONDS: Final = 24 * 60 * 60

# Browsers may send these request headers and read these response headers (CORS); the
# gateway's preflight answers in openapi/api.yaml list the same names.
CORS_ALLOW_HEADERS: Final = ("Content-Type", "X-Api-Key", IDEMPOTENCY_HEADER, "If-None-Match", "If-Match")
CORS_EXPOSE_HEADERS: Final = ("Content-Disposition", "ETag", "Location", METADATA_HEADER)
CORS_MAX_AGE_SECONDS: Final = 600
