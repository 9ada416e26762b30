"""Validators and freshness for image responses (RFC 9110/9111): pure functions, no I/O.

An image's bytes never change under its id, so a bytes-only answer is cached as immutable and its
ETag is the stored sha256. An answer carrying the metadata header can change when the metadata
does, so its ETag also covers the metadata and it is revalidated on every use."""

import hashlib
from datetime import datetime
from email.utils import format_datetime

IMMUTABLE = "private, max-age=31536000, immutable"
REVALIDATE = "private, no-cache"


def entity_tag(sha256: str, metadata_json: str | None = None, *, variant: str | None = None) -> str:
    """The sha256 of the stored bytes, plus what else shapes this answer (metadata, variant)."""
    parts = [sha256]
    if variant is not None:
        parts.append(variant)
    if metadata_json is not None:
        parts.append(hashlib.sha256(metadata_json.encode()).hexdigest()[:16])
    return '"' + ".".join(parts) + '"'


def last_modified(created_at: str) -> str:
    """The HTTP date of a stored ISO 8601 UTC timestamp (`...Z`)."""
    return format_datetime(datetime.fromisoformat(created_at.replace("Z", "+00:00")), usegmt=True)


def matches(header: str | None, etag: str, *, weak: bool) -> bool:
    """Whether an If-None-Match (weak comparison) or If-Match (strong: W/ tags never match)
    header names this entity tag, or is `*`."""
    if not header:
        return False
    candidates = [tag.strip() for tag in header.split(",")]
    if "*" in candidates:
        return True
    return any((tag.removeprefix("W/") if weak else tag) == etag for tag in candidates)


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """True when If-None-Match names this representation (weak comparison, as RFC 9110 asks)."""
    return matches(if_none_match, etag, weak=True)
