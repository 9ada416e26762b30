"""A measured figure beside its floor, and the results table (Markdown and JSON)."""

import json
import os
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.timing import Spread


@dataclass(frozen=True)
class Figure:
    """One row of the results: a value (median over runs, with min and max) and, where one
    exists, the floor measured in the same run and the ratio the target is stated in."""

    section: str
    name: str
    unit: str
    value: Spread
    floor: Spread | None = None
    floor_name: str = ""
    target: float | None = None  # the highest acceptable value / floor
    budget: float | None = None  # or the highest acceptable value itself (in `unit`)
    note: str = ""
    detail: str = ""  # secondary numbers (p95, p99, throughput), shown in the table
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor.median == 0:
            return None
        return self.value.median / self.floor.median

    @property
    def met(self) -> bool | None:
        if self.budget is not None:
            return self.value.median <= self.budget
        ratio = self.ratio
        if self.target is None or ratio is None:
            return None
        return ratio <= self.target

    def as_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "name": self.name,
            "unit": self.unit,
            "value": self.value.as_dict(),
            "floor": None if self.floor is None else {"name": self.floor_name, **self.floor.as_dict()},
            "ratio": self.ratio,
            "target": self.target,
            "budget": self.budget,
            "met": self.met,
            "note": self.note,
            "detail": self.detail,
            **({"extra": self.extra} if self.extra else {}),
        }


def _number(value: float, unit: str) -> str:
    if unit in ("ms", "s") and value < 10:
        return f"{value:.2f}"
    if unit in ("MB", "x"):
        return f"{value:.2f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _spread(spread: Spread, unit: str) -> str:
    text = f"{_number(spread.median, unit)} {unit}"
    if len(spread.values) > 1:
        text += f" ({_number(spread.low, unit)} to {_number(spread.high, unit)})"
    return text


def machine() -> dict[str, Any]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def markdown(figures: list[Figure], meta: dict[str, Any]) -> str:
    lines = [
        (
            f"Measured {meta['date']} on {meta['machine']['cpu']} ({meta['machine']['cores']} cores), "
            f"Python {meta['machine']['python']}, against {meta['target']}; "
            f"{meta['runs']} run(s) per figure: median (min to max). Load average at start: "
            f"{', '.join(str(value) for value in meta['machine']['load_average'])}. "
            f"Mode: {meta['mode']}, {meta['elapsed_s']:.0f} s."
        ),
        "",
    ]
    section = None
    for figure in figures:
        if figure.section != section:
            section = figure.section
            lines += [
                "",
                f"**{section}**",
                "",
                "| Figure | Value | Floor | Ratio | Target | Detail |",
                "|---|---|---|---|---|---|",
            ]
        floor = "—" if figure.floor is None else f"{_spread(figure.floor, figure.unit)} ({figure.floor_name})"
        ratio = "—" if figure.ratio is None else f"{figure.ratio:.2f}x"
        if figure.budget is not None:
            target = f"≤ {_number(figure.budget, figure.unit)} {figure.unit} {'✅' if figure.met else '❌'}"
        elif figure.target is not None:
            target = f"≤ {figure.target:g}x {'✅' if figure.met else '❌'}"
        else:
            target = "—"
        name = figure.name + (f" — {figure.note}" if figure.note else "")
        value = _spread(figure.value, figure.unit)
        lines.append(f"| {name} | {value} | {floor} | {ratio} | {target} | {figure.detail or '—'} |")
    return "\n".join(lines).lstrip("\n") + "\n"


def write(figures: list[Figure], meta: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    """bench/results/latest.{md,json}, plus a dated copy of the JSON."""
    folder.mkdir(parents=True, exist_ok=True)
    document = {"meta": meta, "figures": [figure.as_dict() for figure in figures]}
    text = json.dumps(document, indent=2)
    json_path = folder / "latest.json"
    json_path.write_text(text + "\n")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (folder / "history").mkdir(exist_ok=True)
    (folder / "history" / f"{stamp}.json").write_text(text + "\n")
    md_path = folder / "latest.md"
    md_path.write_text(markdown(figures, meta))
    return md_path, json_path
