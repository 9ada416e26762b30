"""Swagger UI for openapi/api.yaml, served from this machine and pointed at a deployed stack.

The assets come from the swagger-ui-py package (no CDN); the document is the contract with its
gateway-only extensions removed and the deployed base URL as the first server. Runs inside the
`docs` (or `test`) session's venv, which has PyYAML and swagger-ui-py.

The server stops, closing its port, on Ctrl-C (SIGINT), on SIGTERM, and when the process that
started it (nox) goes away, however it ended: a port left held would refuse the next `nox -s docs`.
"""

import argparse
import functools
import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from devtools import paths
from devtools.serving import serve_until_stopped

SITE = paths.BUILD / "docs"
ASSETS = (
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "index.css",
    "favicon-16x16.png",
    "favicon-32x32.png",
)
GATEWAY_EXTENSION = "x-amazon-apigateway-"

INDEX_HTML = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>{title} - Swagger UI</title>
    <link rel="stylesheet" href="swagger-ui.css">
    <link rel="stylesheet" href="index.css">
    <link rel="icon" type="image/png" href="favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="swagger-ui-bundle.js"></script>
    <script src="swagger-ui-standalone-preset.js"></script>
    <script src="swagger-initializer.js"></script>
  </body>
</html>
"""

# validatorUrl null: the default badge would call validator.swagger.io.
INITIALIZER_JS = """window.onload = function () {{
  window.ui = SwaggerUIBundle({{
    url: "openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    displayRequestDuration: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    onComplete: function () {{ {on_complete} }},
  }});
}};
"""


def _without_gateway_extensions(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _without_gateway_extensions(value)
            for key, value in node.items()
            if not str(key).startswith(GATEWAY_EXTENSION)
        }
    if isinstance(node, list):
        return [_without_gateway_extensions(value) for value in node]
    return node


def document(server_url: str, spec_path: Path = paths.OPENAPI) -> dict[str, Any]:
    """The contract as a reader needs it: the deployed stack first among the servers."""
    spec: dict[str, Any] = _without_gateway_extensions(yaml.safe_load(spec_path.read_text()))
    deployed = {"url": server_url.rstrip("/"), "description": "The deployed stack"}
    spec["servers"] = [deployed, *spec.get("servers", [])]
    return spec


def build_site(server_url: str, site: Path = SITE, *, api_key: str | None = None) -> Path:
    """Writes index.html, the initializer, the document and Swagger UI's assets into `site`.
    With `api_key`, the page starts authorized with it."""
    site.mkdir(parents=True, exist_ok=True)
    static = resources.files("swagger_ui") / "static"
    for name in ASSETS:
        with resources.as_file(static / name) as source:
            shutil.copyfile(source, site / name)
    spec = document(server_url)
    (site / "openapi.json").write_text(json.dumps(spec, indent=1))
    (site / "index.html").write_text(INDEX_HTML.format(title=spec["info"]["title"]))
    on_complete = f"ui.preauthorizeApiKey('api_key', {json.dumps(api_key)});" if api_key else ""
    (site / "swagger-initializer.js").write_text(INITIALIZER_JS.format(on_complete=on_complete))
    return site


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        pass


def server(site: Path, host: str, port: int) -> ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(site))
    return ThreadingHTTPServer((host, port), handler)


@contextmanager
def serving(site: Path, origin: str) -> Iterator[str]:
    """Serves `site` in a background thread on the origin's port; yields the page URL."""
    parts = urlsplit(origin)
    httpd = server(site, "127.0.0.1", parts.port or 80)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{origin}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-url", required=True, help="base URL of the deployed API")
    parser.add_argument(
        "--origin", default="http://localhost:8080", help="where to serve; the API's CORS origin"
    )
    parser.add_argument("--api-key", help="shown in the terminal; with --preauthorize, filled in")
    parser.add_argument("--preauthorize", action="store_true", help="start the page authorized")
    args = parser.parse_args()

    site = build_site(args.server_url, api_key=args.api_key if args.preauthorize else None)
    parts = urlsplit(args.origin)
    if parts.hostname not in {"localhost", "127.0.0.1"}:
        parser.error(f"--origin must be on this machine, not {args.origin}")
    httpd = server(site, "127.0.0.1", parts.port or 80)
    print(f"Swagger UI: {args.origin}/  (API: {args.server_url})")
    if args.api_key and not args.preauthorize:
        print(f"Authorize -> api_key: {args.api_key}")
    print("Ctrl-C (or SIGTERM) stops it.", flush=True)
    serve_until_stopped(httpd)
    print(f"Swagger UI stopped; port {httpd.server_address[1]} is free.", flush=True)


if __name__ == "__main__":
    main()
