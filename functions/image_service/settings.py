"""Runtime settings, read from the environment once per process: every variable the functions read
is read here (Powertools reads its own: POWERTOOLS_ENVIRONMENT). tests/unit/test_settings.py checks
that Terraform sets exactly these on every function."""

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Final

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

    ENVIRONMENT: ClassVar[tuple[str, ...]] = (
        "IMAGES_BUCKET",
        "IMAGES_TABLE",
        "IMAGES_BY_OWNER_INDEX",
        "UPLOADS_TABLE",
        "IDEMPOTENCY_TABLE",
        "STRIP_ORIGINAL_METADATA",
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
        )


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
