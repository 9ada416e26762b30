"""Share links: signing them, opening them (the keyless route), and revoking them; the tenants'
signing keys and their rotation.

Opening a link reads the image's item (whose it is, its link generation) and its tenant's key
state on every request, so revocations hold at once; the key material is read from Secrets
Manager once per process and version. Every way a link can be wrong but not expired (not a token,
unknown or deleted image, unknown or revoked key version, a MAC that does not verify, an older
link generation, a preset no longer in the table) is one LinkNotFoundError, with no hint which;
a genuine link past its expiry is a LinkExpiredError. The expiry is checked last, so a forged
expiry never earns the 410."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal

from aws_lambda_powertools import Logger

from image_service import http_caching, link_tokens, presets, serving, share_urls
from image_service.errors import (
    CurrentSigningKeyError,
    DependencyUnavailableError,
    LinkExpiredError,
    LinkNotFoundError,
    SigningKeyNotFoundError,
)
from image_service.link_tokens import MAX_UINT32, LinkClaims
from image_service.models import ImageRecord, LinkRequest, ShareLink, SigningKey, SigningKeyList
from image_service.presets import Preset
from image_service.records import check_image_id, timestamp
from image_service.settings import get_settings
from image_service.storage.image_links import ImageLinks
from image_service.storage.image_store import ImageStore, get_image_store
from image_service.storage.signing_keys import KeyRing, KeyVersion, SigningKeySecrets, SigningKeyState
from image_service.variants import VariantSpec

logger = Logger(child=True)

# Conditional writes lost to a concurrent rotation are retried this often, on fresh state.
_ROTATION_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class SignedLink:
    token: str
    expires_at: datetime
    preset: str | None


@dataclass(frozen=True, slots=True)
class OpenedLink:
    """A link that verified: its image, the variant it shows (None: the original), its expiry."""

    record: ImageRecord
    spec: VariantSpec | None
    claims: LinkClaims


@dataclass(frozen=True, slots=True)
class LinkService:
    store: ImageStore
    images: ImageLinks
    state: SigningKeyState
    secrets: SigningKeySecrets
    presets: Mapping[str, Preset]

    def sign(
        self, image_id: str, tenant_id: str, *, preset: str | None, expires_in: int, now: datetime
    ) -> SignedLink:
        """A link to the tenant's image (or a preset of it), valid `expires_in` seconds."""
        if preset is not None:
            presets.preset_named(preset, self.presets)
        record = self.store.catalog.get(image_id, tenant_id)
        version, key = self._signing_key(tenant_id, now)
        expires_at = int(now.timestamp()) + expires_in
        claims = LinkClaims(
            image_id=record.image_id,
            preset=preset,
            expires_at=expires_at,
            key_version=version,
            generation=record.link_generation,
        )
        token = link_tokens.encode(claims, tenant_id=tenant_id, key=key)
        return SignedLink(token=token, expires_at=datetime.fromtimestamp(expires_at, UTC), preset=preset)

    def open(self, token: str, *, now: datetime, accept: str | None = None) -> OpenedLink:
        """The image a link shows, once every check passed (see the module's docstring); a preset
        of format `auto` takes its format from `accept`, the request's Accept header."""
        parsed = link_tokens.parse(token)
        claims = parsed.claims
        record = self.images.record(claims.image_id)
        if record is None:
            raise LinkNotFoundError("No such link.")
        version = self.state.version(record.tenant_id, claims.key_version)
        if version is not None and not version.usable:
            version = None  # revoked
        key = None if version is None else self.secrets.material(record.tenant_id, version.secret_version_id)
        if key is None or not link_tokens.verify(parsed, tenant_id=record.tenant_id, key=key):
            raise LinkNotFoundError("No such link.")
        if claims.generation != record.link_generation:
            raise LinkNotFoundError("No such link.")  # the image's links were revoked since
        spec = None
        if claims.preset is not None:
            preset = self.presets.get(claims.preset)
            if preset is None:
                raise LinkNotFoundError("No such link.")  # the preset left the table since
            spec = preset.spec(record.content_type, accept=accept)
        if now.timestamp() >= claims.expires_at:
            raise LinkExpiredError("This link has expired.")
        return OpenedLink(record=record, spec=spec, claims=claims)

    def revoke_image_links(self, image_id: str, tenant_id: str) -> int:
        return self.images.revoke_all(image_id, tenant_id)

    def key_list(self, tenant_id: str) -> SigningKeyList:
        ring = self.state.get(tenant_id)
        if ring is None:
            return SigningKeyList(current_version=None, keys=[])
        return SigningKeyList(
            current_version=ring.current,
            keys=[_public(ring, ring.versions[n]) for n in sorted(ring.versions)],
        )

    def rotate(self, tenant_id: str, *, now: datetime) -> SigningKey:
        """A new current key version (the first one on a tenant's first use); links signed with
        older versions keep working until those are revoked."""
        for _attempt in range(_ROTATION_ATTEMPTS):
            ring = self.state.get(tenant_id)
            secret_version = self.secrets.add(tenant_id)
            created = timestamp(now)
            if ring is None:
                won = self.state.create(tenant_id, secret_version, created)
            else:
                won = self.state.rotate(ring, secret_version, created)
            if won:
                new = 1 if ring is None else ring.current + 1
                logger.info("signing key rotated", tenant_id=tenant_id, key_version=new)
                return SigningKey(version=new, state="current", created_at=created, revoked_at=None)
        raise DependencyUnavailableError("Signing keys are being rotated concurrently; retry.")

    def revoke_key(self, tenant_id: str, version: int, *, now: datetime) -> None:
        """Links signed with this version die at once. The current version cannot be revoked
        (rotate first); revoking a revoked version again changes nothing."""
        if self.state.revoke(tenant_id, version, timestamp(now)):
            logger.info("signing key revoked", tenant_id=tenant_id, key_version=version)
            return
        ring = self.state.get(tenant_id)
        if ring is None or version not in ring.versions:
            raise SigningKeyNotFoundError(f"No signing key version {version}.")
        raise CurrentSigningKeyError(
            f"Version {version} signs new links; rotate (POST /v1/signing-keys), then revoke it."
        )

    def _signing_key(self, tenant_id: str, now: datetime) -> tuple[int, bytes]:
        """The current version and its material, the tenant's first version made on first use."""
        ring = self.state.get(tenant_id)
        if ring is None:
            self.rotate(tenant_id, now=now)
            ring = self.state.get(tenant_id)
        if ring is None:
            raise DependencyUnavailableError("The signing-key store did not keep the new key; retry.")
        current = ring.versions[ring.current]
        key = self.secrets.material(tenant_id, current.secret_version_id)
        if key is None:
            raise DependencyUnavailableError("The current signing key is missing from the secret store.")
        return ring.current, key


def _public(ring: KeyRing, version: KeyVersion) -> SigningKey:
    state: Literal["current", "active", "revoked"]
    if version.revoked_at is not None:
        state = "revoked"
    elif version.version == ring.current:
        state = "current"
    else:
        state = "active"
    return SigningKey(
        version=version.version, state=state, created_at=version.created_at, revoked_at=version.revoked_at
    )


@lru_cache(maxsize=1)
def get_link_service() -> LinkService:
    settings = get_settings()
    if not settings.signing_keys_table or not settings.signing_key_secret_prefix:
        # A deployment error, not a client's: Terraform sets both on every link function.
        raise RuntimeError("missing environment variables: SIGNING_KEYS_TABLE, SIGNING_KEY_SECRET_PREFIX")
    return LinkService(
        store=get_image_store(),
        images=ImageLinks(settings.images_table),
        state=SigningKeyState(settings.signing_keys_table),
        secrets=SigningKeySecrets(settings.signing_key_secret_prefix),
        presets=settings.presets,
    )


# ---- The operations the handlers call, one each ----

# Longest freshness a shared answer gets, whatever the link's expiry (a year, as RFC 9111 suggests).
_MAX_AGE_SECONDS = 31_536_000


@dataclass(frozen=True, slots=True)
class RequestOrigin:
    """Where a request came in, as API Gateway's event says (see share_urls): the base of the
    absolute URL of a link made by that request."""

    stage_variables: Mapping[str, str] | None
    host: str | None
    domain_name: str | None
    api_id: str | None
    stage: str | None
    request_path: str | None
    resource_path: str


def create_link(
    image_id: str, tenant_id: str, request: LinkRequest, *, origin: RequestOrigin, now: datetime
) -> ShareLink:
    """POST /v1/images/{image_id}/links: a signed link with its absolute URL."""
    check_image_id(image_id)
    signed = get_link_service().sign(
        image_id, tenant_id, preset=request.preset, expires_in=request.expires_in, now=now
    )
    base = share_urls.base_url(
        stage_variables=origin.stage_variables,
        configured=get_settings().link_base_url,
        host=origin.host,
        domain_name=origin.domain_name,
        api_id=origin.api_id,
        stage=origin.stage,
        request_path=origin.request_path,
        resource_path=origin.resource_path,
    )
    logger.info("share link signed", image_id=image_id, preset=request.preset, expires_in=request.expires_in)
    return ShareLink(
        url=share_urls.share_url(base, signed.token),
        expires_at=timestamp(signed.expires_at),
        preset=signed.preset,
    )


@dataclass(frozen=True, slots=True)
class SharedReading:
    """What GET /v1/shared/{token} answers: the validators and freshness always; the bytes unless
    the client's copy is current (`served` None); over the inline limit, a presigned GET."""

    record: ImageRecord
    etag: str
    max_age: int
    served: serving.Served | None = None
    redirect: str | None = None
    vary_accept: bool = False  # a preset of format auto: the answer depends on the Accept header


def read_shared(
    token: str, *, now: datetime, if_none_match: str | None, accept: str | None = None
) -> SharedReading:
    """The image (or preset) a link names, once the link verified (LinkService.open); a preset of
    format auto is negotiated from `accept` (each format made once, like any variant)."""
    opened = get_link_service().open(token, now=now, accept=accept)
    record, spec = opened.record, opened.spec
    vary = spec is not None and spec.negotiated
    max_age = max(0, min(_MAX_AGE_SECONDS, opened.claims.expires_at - int(now.timestamp())))
    etag = http_caching.entity_tag(record.sha256, variant=None if spec is None else spec.tag)
    if http_caching.not_modified(if_none_match, etag):
        return SharedReading(record, etag, max_age, vary_accept=vary)  # verified, and current
    served = serving.serve(record, spec)
    logger.info(
        "shared image served", image_id=record.image_id, preset=opened.claims.preset, size=served.size
    )
    if served.data is None:
        redirect = serving.presigned(served, disposition="inline")
        return SharedReading(record, etag, max_age, served, redirect, vary_accept=vary)
    return SharedReading(record, etag, max_age, served, vary_accept=vary)


def revoke_links(image_id: str, tenant_id: str) -> None:
    """DELETE /v1/images/{image_id}/links."""
    check_image_id(image_id)
    generation = get_link_service().revoke_image_links(image_id, tenant_id)
    logger.info("share links revoked", image_id=image_id, link_generation=generation)


def signing_keys(tenant_id: str) -> SigningKeyList:
    """GET /v1/signing-keys."""
    return get_link_service().key_list(tenant_id)


def rotate_signing_key(tenant_id: str, *, now: datetime) -> SigningKey:
    """POST /v1/signing-keys."""
    return get_link_service().rotate(tenant_id, now=now)


def revoke_signing_key(tenant_id: str, version: str, *, now: datetime) -> None:
    """DELETE /v1/signing-keys/{version}: `version` as the path has it (not a number: not found)."""
    if not version.isascii() or not version.isdigit() or not 1 <= int(version) <= MAX_UINT32:
        raise SigningKeyNotFoundError(f"No signing key version {version[:20]!r}.")
    get_link_service().revoke_key(tenant_id, int(version), now=now)
