"""Timing primitives: latencies of repeated calls, percentiles, and spread over repetitions."""

import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (0 < fraction <= 1) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Load:
    """One run of `requests` calls by `concurrency` clients."""

    concurrency: int
    latencies_ms: list[float]
    wall_s: float

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 0.50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 0.95)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 0.99)

    @property
    def throughput(self) -> float:
        """Completed calls per second over the run's wall time."""
        return len(self.latencies_ms) / self.wall_s


def timed_ms(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def run_load(
    call: Callable[[int], Any],
    *,
    requests: int,
    concurrency: int,
    tick: Callable[[], None] = lambda: None,
    warm: bool = True,
) -> Load:
    """`call(i)` for i in range(requests), `concurrency` at a time; each call's latency in ms.
    First, unless `warm` is False, one untimed round of `concurrency` calls at once, so that every
    client meets a warm function (the emulator starts a worker per concurrent invocation)."""
    latencies: list[float] = [0.0] * requests

    def one(index: int) -> None:
        latencies[index] = timed_ms(lambda: call(index))
        tick()

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        if warm:
            list(pool.map(call, range(requests, requests + concurrency)))
        started = time.perf_counter()
        list(pool.map(one, range(requests)))
        wall = time.perf_counter() - started
    return Load(concurrency, latencies, wall)


@dataclass(frozen=True)
class Spread:
    """A figure measured `len(values)` times: its median, and the min and max (the noise)."""

    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def as_dict(self) -> dict[str, Any]:
        return {"median": self.median, "min": self.low, "max": self.high, "runs": self.values}
