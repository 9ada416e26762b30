"""The share-link signature check in-process: what the keyless route spends on a token before any
AWS call (parse it strictly, recompute its HMAC-SHA256, compare in constant time), beside the
bare HMAC-SHA256 of the same bytes, measured in this process. The HTTP figure of a share-link GET
beside its floor is api_paths' (issue 15's CDN part)."""

import hashlib
import hmac
import secrets
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench.figures import Figure
from bench.plan import Plan
from bench.progress import Progress
from bench.timing import Spread

ROOT = Path(__file__).resolve().parent.parent
# Calls per timed run: enough that a run lasts tens of milliseconds, well above the timer's grain.
_CALLS = 20_000


def _per_call_us(call: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls * 1e6


def signature_check(plan: Plan, progress: Progress) -> list[Figure]:
    """The token check of GET /v1/shared/{token} (link_tokens.parse + verify), per token."""
    functions = str(ROOT / "functions")
    if functions not in sys.path:
        sys.path.insert(0, functions)
    from image_service import link_tokens  # noqa: PLC0415

    key, tenant = secrets.token_bytes(link_tokens.KEY_BYTES), "bench0tenant"
    claims = link_tokens.LinkClaims(
        image_id=str(uuid.uuid4()), preset="thumb", expires_at=2_000_000_000, key_version=1, generation=0
    )
    token = link_tokens.encode(claims, tenant_id=tenant, key=key)
    parsed = link_tokens.parse(token)
    message = parsed.signed

    def check() -> None:
        if not link_tokens.verify(link_tokens.parse(token), tenant_id=tenant, key=key):
            raise RuntimeError("the benchmark's own token did not verify")

    def bare_mac() -> None:
        hmac.new(key, message, hashlib.sha256).digest()

    tick = progress.step("share-link signature check", plan.runs * 2)
    checks, macs = [], []
    for _ in range(plan.runs):
        checks.append(_per_call_us(check, _CALLS))
        tick()
        macs.append(_per_call_us(bare_mac, _CALLS))
        tick()
    return [
        Figure(
            "Share links in-process",
            "signature check per token (parse, HMAC-SHA256, compare_digest)",
            "µs",
            Spread(checks),
            Spread(macs),
            "HMAC-SHA256 of the same bytes alone",
            detail=f"token {len(token)} characters; {_CALLS:,} calls per run",
        )
    ]
