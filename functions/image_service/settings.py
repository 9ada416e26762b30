"""Runtime settings, read from the environment once per process."""

import os
from dataclasses import dataclass
from functools import lru_cache


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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_environ()
