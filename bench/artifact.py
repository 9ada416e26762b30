"""The Lambda zip: its size packed and unpacked, beside the dependencies alone."""

import zipfile
from collections import Counter
from pathlib import Path

from bench.figures import Figure
from bench.timing import Spread

MB = 1_000_000
OURS = "image_service/"


def artifact_figures(zip_path: Path) -> list[Figure]:
    with zipfile.ZipFile(zip_path) as archive:
        entries = archive.infolist()
    deps = [entry for entry in entries if not entry.filename.startswith(OURS)]
    by_package: Counter[str] = Counter()
    for entry in deps:
        by_package[entry.filename.split("/", 1)[0]] += entry.file_size
    largest = ", ".join(f"{name} {size / MB:.1f}" for name, size in by_package.most_common(4))
    packed = zip_path.stat().st_size / MB
    unpacked = sum(entry.file_size for entry in entries) / MB
    section = "Artifact (the Lambda zip)"
    return [
        Figure(
            section,
            "zip size",
            "MB",
            Spread([packed]),
            Spread([sum(entry.compress_size for entry in deps) / MB]),
            "dependencies alone",
        ),
        Figure(
            section,
            "unpacked size",
            "MB",
            Spread([unpacked]),
            Spread([sum(entry.file_size for entry in deps) / MB]),
            "dependencies alone",
            detail=f"largest (MB unpacked): {largest}",
        ),
    ]
