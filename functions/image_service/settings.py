"""Runtime settings, read from the environment once per process."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from image_service.presets import DEFAULT_PRESETS, Preset, parse_presets


@dataclass(frozen=True, slots=True)
class Settings:
    """Names of the resources a function works on; Terraform sets them on every function."""

    images_bucket: str
    images_table: str
    images_by_owner_index: str
    uploads_table: str
    idempotency_table: str | None
    # Remove EXIF/GPS, XMP, comments and text from originals on upload (lossless; orientation kept)
    strip_original_metadata: bool = False
    # Named variants (Terraform's image_presets, as JSON in IMAGE_PRESETS), and whether free-form
    # width/height/fit/format are made too (allow_arbitrary_variants)
    presets: Mapping[str, Preset] = field(default_factory=lambda: dict(DEFAULT_PRESETS))
    allow_arbitrary_variants: bool = True
    # Share links: the tenants' signing-key state (DynamoDB) and their keys' secret names
    # (Secrets Manager: one secret per tenant, this prefix and the tenant id)
    signing_keys_table: str | None = None
    signing_key_secret_prefix: str | None = None
    # Base of a share link's URL, when not the one the request came through (link_base_url)
    link_base_url: str | None = None

    @classmethod
    def from_environ(cls) -> "Settings":
        missing = [
            name for name in ("IMAGES_BUCKET", "IMAGES_TABLE", "UPLOADS_TABLE") if not os.environ.get(name)
        ]
        if missing:
            # A deployment error, not a client error: fail the cold start loudly.
            raise RuntimeError(f"missing environment variables: {', '.join(missing)}")
        return cls(
            images_bucket=os.environ["IMAGES_BUCKET"],
            images_table=os.environ["IMAGES_TABLE"],
            images_by_owner_index=os.environ.get("IMAGES_BY_OWNER_INDEX", "by_owner"),
            uploads_table=os.environ["UPLOADS_TABLE"],
            idempotency_table=os.environ.get("IDEMPOTENCY_TABLE") or None,
            strip_original_metadata=os.environ.get("STRIP_ORIGINAL_METADATA", "false") == "true",
            presets=_presets(os.environ.get("IMAGE_PRESETS")),
            allow_arbitrary_variants=os.environ.get("ALLOW_ARBITRARY_VARIANTS", "true") == "true",
            signing_keys_table=os.environ.get("SIGNING_KEYS_TABLE") or None,
            signing_key_secret_prefix=os.environ.get("SIGNING_KEY_SECRET_PREFIX") or None,
            link_base_url=os.environ.get("LINK_BASE_URL") or None,
        )


def _presets(text: str | None) -> dict[str, Preset]:
    """The preset table Terraform set, validated as Terraform validates it (a bad table fails the
    function's start, never a request's answer)."""
    if not text:
        return dict(DEFAULT_PRESETS)
    try:
        return parse_presets(text)
    except ValueError as err:
        raise RuntimeError(f"IMAGE_PRESETS: {err}") from err


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_environ()
