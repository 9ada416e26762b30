"""Run MiniStack in the foreground with the compatibility layer installed.

`nox -s up` starts this in the background; `python -m emulator` works by hand too.

MiniStack runs Python functions with this very interpreter, so the health document also says
which Python and CPU that is (`functions_runtime`): the deploy compares it with the zip before
Terraform runs (devtools/deploy_checks.py)."""

import json
import platform
import sys
from typing import Any

from emulator import ministack_compat


def _describe_functions_runtime() -> None:
    from ministack import app  # noqa: PLC0415  after the layer is in place

    health = app._handle_health_request

    def with_runtime(path: str, request_id: str) -> Any:
        answer = health(path, request_id)
        if answer is None:
            return None
        status, headers, body = answer
        document = json.loads(body)
        document["functions_runtime"] = {
            "python": ".".join(map(str, sys.version_info[:3])),
            "machine": platform.machine(),
        }
        return status, headers, json.dumps(document).encode()

    app._handle_health_request = with_runtime


def main() -> None:
    ministack_compat.install()
    _describe_functions_runtime()
    from ministack.app import main as ministack_main  # noqa: PLC0415  after the layer is in place

    ministack_main()


if __name__ == "__main__":
    main()
