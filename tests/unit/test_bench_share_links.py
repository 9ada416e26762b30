"""The bench's share-link figure measures the route's real token check beside a bare HMAC."""

from dataclasses import replace

import pytest

from bench import share_links
from bench.plan import QUICK


class _Progress:
    def __init__(self) -> None:
        self.ticks = 0

    def step(self, _description: str, total: int) -> object:
        self.total = total

        def tick() -> None:
            self.ticks += 1

        return tick


def test_the_signature_check_figure_stands_beside_its_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    progress = _Progress()
    plan = replace(QUICK, runs=2)
    monkeypatch.setattr(share_links, "_CALLS", 200)  # a short run: the shape is under test
    [figure] = share_links.signature_check(plan, progress)  # type: ignore[arg-type]
    assert figure.unit == "µs"
    assert len(figure.value.values) == len(figure.floor.values) == 2  # type: ignore[union-attr]
    assert figure.floor_name == "HMAC-SHA256 of the same bytes alone"
    assert all(value > 0 for value in figure.value.values)
    assert progress.ticks == progress.total == 4
