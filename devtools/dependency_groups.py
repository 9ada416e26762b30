"""PEP 735 dependency groups of pyproject.toml, with include-group resolved."""

import tomllib

from devtools import paths


def requirements(*names: str) -> list[str]:
    groups = tomllib.loads(paths.PYPROJECT.read_text())["dependency-groups"]
    resolved: list[str] = []

    def add(name: str) -> None:
        for item in groups[name]:
            if isinstance(item, dict):
                add(item["include-group"])
            elif item not in resolved:
                resolved.append(item)

    for name in names:
        add(name)
    return resolved
