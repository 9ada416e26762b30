"""Facts the API promises, defined once: openapi/api.yaml states the same numbers and names,
and tests/contract/test_contract.py fails when the two disagree."""

from typing import Final

from image_service import formats

# Inline uploads and downloads travel through Lambda's 6 MB payload limit as base64,
# so the raw image is capped at 4 MiB (base64: 5,592,408 characters).
MAX_IMAGE_BYTES: Final = 4 * 1024 * 1024
MAX_IMAGE_BASE64_CHARS: Final = 4 * -(-MAX_IMAGE_BYTES // 3)
# Where a client sends what is over the inline limit (named in the 413 an inline upload gets).
LARGE_UPLOAD_PATH: Final = "/v1/images/uploads"

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

# Types are detected from the bytes, never from a name or a declared type (formats.py: the table).
ALLOWED_CONTENT_TYPES: Final = formats.CONTENT_TYPES

# Listings come in pages; a page's cost does not grow with the user's total.
DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 100
MAX_CURSOR_CHARS: Final = 1024

# Resized variants: made with Pillow on first request, stored in S3, served from there after.
# Both sides of a variant stay within MAX_VARIANT_SIDE whatever is asked (a side not asked for
# follows the aspect ratio, within that bound too), so its pixels stay within MAX_VARIANT_PIXELS.
MAX_VARIANT_SIDE: Final = 2048
MAX_VARIANT_PIXELS: Final = MAX_VARIANT_SIDE * MAX_VARIANT_SIDE

# ---- The cost model of image work (cost_model.py applies it; bench/ measures it) ----
# Every function has this much memory (terraform/variables.tf: lambda_memory_size's default and
# minimum; tests/unit/test_hostile_images.py compares them).
FUNCTION_MEMORY_MB: Final = 512
# What one image's pixels may take of it, decoded and resized: 40%. The runtime, boto3, Powertools,
# pydantic and Pillow take about 70 MB of the rest, the request up to 30 MB: the worst case stays
# under 60% of the function's memory (measured by `nox -s bench`).
IMAGE_MEMORY_BYTES: Final = FUNCTION_MEMORY_MB * 1024 * 1024 * 2 // 5
# Resizing reduces by whole factors first (reduce(), in bands of VARIANT_BAND_BYTES) to a working
# copy under VARIANT_REDUCING_GAP times the variant's sides, then resamples (Lanczos): the copy, a
# band and then the variant are reserved out of IMAGE_MEMORY_BYTES.
VARIANT_REDUCING_GAP: Final = 2
VARIANT_BAND_BYTES: Final = 4 * 1024 * 1024
VARIANT_WORK_BYTES: Final = 4 * (VARIANT_REDUCING_GAP * MAX_VARIANT_SIDE) ** 2 + VARIANT_BAND_BYTES
# What decoding an image may allocate (its pixels in Pillow's layout, the decoder's own buffers):
# an upload whose full decode would need more is refused (400), so every stored image can be
# verified, resized and converted inside IMAGE_MEMORY_BYTES.
DECODE_BUDGET_BYTES: Final = IMAGE_MEMORY_BYTES - VARIANT_WORK_BYTES
VARIANT_FITS: Final = ("contain", "cover", "fill")
VARIANT_FORMATS: Final = formats.VARIANT_FORMATS
# format=auto: the format negotiated from the request's Accept header (negotiation.py); the answer
# says `Vary: Accept`. The `format` query parameter takes these values.
AUTO_FORMAT: Final = "auto"
VARIANT_FORMAT_VALUES: Final = (*VARIANT_FORMATS, AUTO_FORMAT)

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

# Named presets (presets.py): names as Terraform's image_presets validates them.
PRESET_NAME_PATTERN: Final = r"^[a-z0-9][a-z0-9_-]{0,31}$"

# Share links (POST /v1/images/{image_id}/links): valid this long by default, within these bounds.
LINK_DEFAULT_EXPIRY_SECONDS: Final = 60 * 60
LINK_MIN_EXPIRY_SECONDS: Final = 60
LINK_MAX_EXPIRY_SECONDS: Final = 7 * 24 * 60 * 60
# The keyless route that serves them: <base URL><SHARED_PATH><token>.
SHARED_PATH: Final = "/v1/shared/"
# Headers a share link's answer carries so that an <img> (or fetch) on any origin may use it.
SHARED_CORS_HEADERS: Final = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag",
    "Cross-Origin-Resource-Policy": "cross-origin",
}
