"""Runtime settings, read from the environment once per process: every variable the functions read
is read here (Powertools reads its own: POWERTOOLS_ENVIRONMENT). tests/unit/test_settings.py checks
that Terraform sets exactly these on every function."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar, Final

from image_service.presets import DEFAULT_PRESETS, Preset, parse_presets

# Read by Powertools itself (docs.powertools.aws.dev/lambda/python/latest/#environment-variables):
# the service name of every log line (the logger of http_api takes it from there), and the level.
POWERTOOLS_ENVIRONMENT: Final = ("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL")


@dataclass(frozen=True, slots=True)
class Settings:
    """Names of the resources a function works on, and what a deployment chooses."""

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

    ENVIRONMENT: ClassVar[tuple[str, ...]] = (
        "IMAGES_BUCKET",
        "IMAGES_TABLE",
        "IMAGES_BY_OWNER_INDEX",
        "UPLOADS_TABLE",
        "IDEMPOTENCY_TABLE",
        "STRIP_ORIGINAL_METADATA",
        "IMAGE_PRESETS",
        "ALLOW_ARBITRARY_VARIANTS",
        "SIGNING_KEYS_TABLE",
        "SIGNING_KEY_SECRET_PREFIX",
        "LINK_BASE_URL",
    )

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


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """What the resolver needs when a function starts (http_api.create_app, at import): apart from
    Settings, so that importing a handler needs no resource names."""

    # The one origin browsers may call from (CORS); empty: no CORS headers.
    cors_allow_origin: str = ""

    ENVIRONMENT: ClassVar[tuple[str, ...]] = ("CORS_ALLOW_ORIGIN",)

    @classmethod
    def from_environ(cls) -> "HttpSettings":
        return cls(cors_allow_origin=os.environ.get("CORS_ALLOW_ORIGIN", ""))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_environ()


def environment_read() -> frozenset[str]:
    """Every environment variable the functions read (by Settings, HttpSettings and Powertools)."""
    return frozenset(Settings.ENVIRONMENT + HttpSettings.ENVIRONMENT + POWERTOOLS_ENVIRONMENT)
