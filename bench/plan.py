"""How much to measure: the default run (about 5 minutes) and --quick (under a minute)."""

from dataclasses import dataclass

KB = 1000
MB = 1000 * KB


@dataclass(frozen=True)
class Plan:
    mode: str
    runs: int  # repetitions of every figure: median, min and max are reported
    concurrency: tuple[int, ...]
    # requests per run at each concurrency, by payload size
    requests: dict[int, dict[int, int]]
    list_sizes: tuple[int, ...]
    list_requests: int
    variant_requests: int
    cold_start_runs: int
    deploy: bool


SIZES = (100 * KB, 4 * MB)

DEFAULT = Plan(
    mode="default",
    runs=3,
    concurrency=(1, 4, 16),
    requests={100 * KB: {1: 20, 4: 40, 16: 64}, 4 * MB: {1: 6, 4: 12, 16: 32}},
    list_sizes=(10, 1_000, 10_000),
    list_requests=20,
    variant_requests=6,
    cold_start_runs=10,
    deploy=True,
)

QUICK = Plan(
    mode="quick",
    runs=1,
    concurrency=(1, 4),
    requests={100 * KB: {1: 10, 4: 16}, 4 * MB: {1: 3, 4: 4}},
    list_sizes=(10, 1_000),
    list_requests=8,
    variant_requests=3,
    cold_start_runs=3,
    deploy=False,
)
