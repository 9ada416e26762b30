"""Reading one image (service): its bytes, the original or a resized variant (made on first
request and stored, see variants.py), with or without its metadata; revalidated by ETag, and over
what a Lambda response carries, a presigned GET instead."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO

from image_service import contract, http_caching, presets, variants
from image_service.errors import ImageNotFoundError
from image_service.models import DownloadLink, ImageRecord
from image_service.records import check_image_id, content_disposition, metadata_json, timestamp
from image_service.settings import get_settings
from image_service.storage.image_store import ImageStore, get_image_store


@dataclass(frozen=True, slots=True)
class Served:
    """An object a GET answers with: its key, type and size, and its bytes when they fit inline
    (None: too large for a Lambda response, so the client gets a presigned URL instead)."""

    key: str
    content_type: str
    size: int
    data: bytes | None


@dataclass(frozen=True, slots=True)
class Reading:
    """One GET's answer: the record and its validators always; unless the client's copy is current
    (`served` None), what is served, how (Content-Disposition), and over the inline limit a
    presigned GET of it (`link`)."""

    record: ImageRecord
    etag: str
    metadata: str | None  # the X-Image-Metadata header value, when asked for
    vary_accept: bool = False  # format=auto: the answer depends on the Accept header
    served: Served | None = None
    disposition: str = ""
    link: DownloadLink | None = None


def read(
    image_id: str,
    tenant_id: str,
    *,
    query: dict[str, str],
    with_metadata: bool,
    download: bool,
    if_none_match: str | None,
    accept: str | None = None,
) -> Reading:
    """What GET /v1/images/{image_id} answers; no S3 read when If-None-Match names it. With
    format=auto the variant's format is negotiated from `accept` (each made once, like any other)."""
    check_image_id(image_id)
    store = get_image_store()
    record = store.catalog.get(image_id, tenant_id)
    metadata = metadata_json(record) if with_metadata else None
    settings = get_settings()
    spec, _preset = presets.requested_variant(
        query,
        record.content_type,
        presets=settings.presets,
        allow_arbitrary=settings.allow_arbitrary_variants,
        accept=accept,
    )
    etag = http_caching.entity_tag(record.sha256, metadata, variant=None if spec is None else spec.tag)
    vary = spec is not None and spec.negotiated
    if http_caching.not_modified(if_none_match, etag):
        return Reading(record, etag, metadata, vary)  # the client's copy is current: no S3 read
    disposition = content_disposition(record.image_name, download=download)
    served = _original(store, record) if spec is None else _variant(store, record, spec)
    if served.data is not None:
        return Reading(record, etag, metadata, vary, served, disposition)
    # Over what a Lambda response can carry: the client reads it from S3 directly.
    url = store.objects.presigned_get(
        served.key,
        content_type=served.content_type,
        disposition=disposition,
        expires_in=contract.DOWNLOAD_URL_EXPIRY_SECONDS,
    )
    valid = timedelta(seconds=contract.DOWNLOAD_URL_EXPIRY_SECONDS)
    link = DownloadLink(
        url=url,
        expires_at=timestamp(datetime.now(UTC) + valid),
        content_type=served.content_type,
        size=served.size,
    )
    return Reading(record, etag, metadata, vary, served, disposition, link)


def serve(record: ImageRecord, spec: variants.VariantSpec | None) -> Served:
    """An image read before (its record), as the original or a variant: for another service that
    found the record its own way (a share link)."""
    store = get_image_store()
    return _original(store, record) if spec is None else _variant(store, record, spec)


def presigned(served: Served, *, disposition: str) -> str:
    """A presigned GET of what is served over the inline limit, valid DOWNLOAD_URL_EXPIRY_SECONDS."""
    return get_image_store().objects.presigned_get(
        served.key,
        content_type=served.content_type,
        disposition=disposition,
        expires_in=contract.DOWNLOAD_URL_EXPIRY_SECONDS,
    )


def _original(store: ImageStore, record: ImageRecord) -> Served:
    """The uploaded image; its bytes only when they fit a Lambda response."""
    inline = record.size <= contract.MAX_IMAGE_BYTES
    data = store.objects.get(record.object_key) if inline else None
    return Served(record.object_key, record.content_type, record.size, data)


def _variant(store: ImageStore, record: ImageRecord, spec: variants.VariantSpec) -> Served:
    """A resized variant: from S3 when made before, else made now and stored."""
    key = variants.object_key(record.image_id, spec)
    data = store.objects.find(key)
    if data is None:
        with source_of(store, record) as source:
            data = variants.render(source, spec)
        store.store_variant(record, key, data, spec.content_type)
    inline = len(data) <= contract.MAX_IMAGE_BYTES
    return Served(key, spec.content_type, len(data), data if inline else None)


@contextmanager
def source_of(store: ImageStore, record: ImageRecord) -> Iterator[bytes | IO[bytes]]:
    """An image's bytes to decode: in memory up to the inline limit; a large upload's (up to
    50 MiB) spooled to /tmp instead, so that they take no part of the decode budget."""
    if record.size <= contract.MAX_IMAGE_BYTES:
        yield store.objects.get(record.object_key)
        return
    stored = store.objects.open(record.object_key)
    if stored is None:
        raise ImageNotFoundError("No image with this id.")
    with tempfile.TemporaryFile() as spool:
        for chunk in stored.chunks:
            spool.write(chunk)
        yield spool
