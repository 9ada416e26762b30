"""Run MiniStack in the foreground with the compatibility layer installed.

`nox -s up` starts this in the background; `python -m emulator` works by hand too.

MiniStack runs Python functions with this very interpreter, so the health document also says
which Python and CPU that is (`functions_runtime`): the deploy compares it with the zip before
Terraform runs (devtools/deploy_checks.py). Its HTTP server leaves idle connections open for an
hour, so that their clients, not the server, close them (`IDLE_CONNECTION_TIMEOUT_S`)."""

import importlib
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


# An idle keep-alive connection is closed by its client, never by the server. MiniStack's server
# (hypercorn) closes one after 75 s idle; the AWS provider's Go client keeps idle connections for
# 90 s (aws-sdk-go-v2's IdleConnTimeout), so it can send a request down a connection just as the
# server closes it: with the server's timeout cut to 1 s to make that frequent, a logging proxy
# showed the server resetting a connection as a CreateFunction arrived on it. A request the server
# has already read when it closes is run with its answer lost; the SDK sends it again, and a create
# then fails with "already exists". An hour outlasts every SDK's own idle timeout; an idle
# connection costs the emulator one socket.
IDLE_CONNECTION_TIMEOUT_S = 3600.0


def _keep_idle_connections_open() -> None:
    """Serve with `IDLE_CONNECTION_TIMEOUT_S`: MiniStack's `main` imports `hypercorn.asyncio.serve`
    when it runs and passes it the Config it built (tests/emulator/test_keep_alive.py)."""
    server: Any = importlib.import_module("hypercorn.asyncio")
    serve = server.serve

    async def serve_keeping_idle_connections(app: Any, config: Any, *args: Any, **kwargs: Any) -> Any:
        config.keep_alive_timeout = IDLE_CONNECTION_TIMEOUT_S
        return await serve(app, config, *args, **kwargs)

    server.serve = serve_keeping_idle_connections


def main() -> None:
    ministack_compat.install()
    _describe_functions_runtime()
    _keep_idle_connections_open()
    from ministack.app import main as ministack_main  # noqa: PLC0415  after the layer is in place

    ministack_main()


if __name__ == "__main__":
    main()
