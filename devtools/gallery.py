"""`nox -s gallery`: a local page that shows a user's images through share links and presets.

The page's own server (this module) holds the API key and uses it for two calls only: the
listing (`GET /v1/images?user_id=...`) and link creation (`POST /v1/images/{id}/links`, one link
for the original and one per preset). The browser never sees the key: it gets the links, puts
them in `<img>` tags, and fetches the bytes from the keyless route (`GET /v1/shared/{token}`)
itself, straight from the API (or its CDN), with nothing proxied. That is how an application
backend is meant to use share links.

The page and its assets are files of this repository (devtools/gallery_site/): no CDN, no
package. The server stops, closing its port, on Ctrl-C (SIGINT), on SIGTERM, and when the process
that started it (nox) goes away, as the docs server does (devtools/api_docs.py)."""

import argparse
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from devtools.serving import serve_until_stopped

SITE = Path(__file__).resolve().parent / "gallery_site"
# The page and its assets, by the path the browser asks for.
ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/gallery.js": ("gallery.js", "text/javascript; charset=utf-8"),
    "/blurhash.js": ("blurhash.js", "text/javascript; charset=utf-8"),
    "/gallery.css": ("gallery.css", "text/css; charset=utf-8"),
}
DEFAULT_PORT = 8081  # beside `nox -s docs` (8080, the API's CORS origin), which this page does not need
DEFAULT_EXPIRES_IN = 3600  # seconds: the API's default link life
PAGE_SIZE = 24  # images on the page: the newest of the user's
# A link still valid for less than this is not handed to the browser again; a fresh one is made.
REUSE_MARGIN_SECONDS = 300
TIMEOUT_SECONDS = 30


class GalleryError(RuntimeError):
    """The API answered the server's call with an error; the message says which call and what."""


@dataclass(frozen=True)
class Link:
    url: str
    expires_at: str  # RFC 3339, as the API gives it

    def seconds_left(self, now: float) -> float:
        return datetime.fromisoformat(self.expires_at).timestamp() - now


class ImageApi:
    """The two keyed calls the page needs, made with the stdlib (the session installs nothing)."""

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key

    def _call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - the deployed API's own URL
            f"{self.base_url}{path}",
            data=data,
            method=method,
            headers={
                "x-api-key": self._api_key,
                "accept": "application/json",
                "content-type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            raise GalleryError(
                f"{method} {path}: {err.code} {err.read().decode(errors='replace')[:300]}"
            ) from err
        except (urllib.error.URLError, OSError) as err:
            raise GalleryError(
                f"{method} {path}: the API at {self.base_url} does not answer ({err})"
            ) from err

    def list_images(self, user_id: str, limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode({"user_id": user_id, "limit": str(limit)})
        return list(self._call("GET", f"/v1/images?{query}")["images"])

    def create_link(self, image_id: str, preset: str | None, expires_in: int) -> Link:
        body: dict[str, Any] = {"expires_in": expires_in}
        if preset is not None:
            body["preset"] = preset
        answer = self._call("POST", f"/v1/images/{urllib.parse.quote(image_id)}/links", body)
        return Link(url=str(answer["url"]), expires_at=str(answer["expires_at"]))


class Gallery:
    """What the page shows: a user's newest images, each as share links to its original and to
    every preset. Links are reused while they have REUSE_MARGIN_SECONDS left, so reloading the
    page does not mint new ones each time."""

    def __init__(self, api: ImageApi, presets: Sequence[str], expires_in: int = DEFAULT_EXPIRES_IN) -> None:
        self.api = api
        self.presets = list(presets)
        self.expires_in = expires_in
        self._links: dict[tuple[str, str | None], Link] = {}
        self._lock = threading.Lock()

    def link(self, image_id: str, preset: str | None) -> Link:
        key = (image_id, preset)
        margin = min(REUSE_MARGIN_SECONDS, self.expires_in / 2)
        with self._lock:
            cached = self._links.get(key)
        if cached is not None and cached.seconds_left(time.time()) > margin:
            return cached
        made = self.api.create_link(image_id, preset, self.expires_in)
        with self._lock:
            self._links[key] = made
        return made

    def document(self, user_id: str) -> dict[str, Any]:
        images = []
        for image in self.api.list_images(user_id):
            image_id = str(image["image_id"])
            original = self.link(image_id, None)
            images.append(
                {
                    "image_id": image_id,
                    "image_name": image.get("image_name", ""),
                    "content_type": image.get("content_type", ""),
                    # What the page paints before the image loads (computed at upload)
                    "width": image.get("width"),
                    "height": image.get("height"),
                    "placeholder": image.get("placeholder"),
                    "original": {"url": original.url, "expires_at": original.expires_at},
                    "presets": {
                        name: {"url": link.url, "expires_at": link.expires_at}
                        for name in self.presets
                        for link in [self.link(image_id, name)]
                    },
                }
            )
        return {"user_id": user_id, "presets": self.presets, "images": images}


def _handler(gallery: Gallery) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
            pass

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            # The page loads only its own files and images; it calls nothing but this server.
            self.send_header(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' http: https:; connect-src 'self'; object-src 'none'",
            )
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, document: Mapping[str, Any]) -> None:
            self._send(status, "application/json", json.dumps(document).encode())

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path in ASSETS:
                name, content_type = ASSETS[url.path]
                self._send(HTTPStatus.OK, content_type, (SITE / name).read_bytes())
                return
            if url.path == "/gallery.json":
                user_id = urllib.parse.parse_qs(url.query).get("user_id", [""])[0].strip()
                if not user_id:
                    self._json(HTTPStatus.BAD_REQUEST, {"error": "user_id is required"})
                    return
                try:
                    self._json(HTTPStatus.OK, gallery.document(user_id))
                except GalleryError as err:
                    self._json(HTTPStatus.BAD_GATEWAY, {"error": str(err)})
                return
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no such page: {url.path}"})

    return Handler


def server(gallery: Gallery, host: str, port: int) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), _handler(gallery))


@contextmanager
def serving(gallery: Gallery, port: int = 0) -> Iterator[str]:
    """Serves the gallery in a background thread on 127.0.0.1:port (0: any free one); yields its URL."""
    httpd = server(gallery, "127.0.0.1", port)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--server-url", required=True, help="base URL of the deployed API")
    parser.add_argument(
        "--api-key", required=True, help="used by this server only, never sent to the browser"
    )
    parser.add_argument("--presets", default="", help="preset names to show, comma-separated")
    parser.add_argument("--user-id", default="demo-alice", help="whose images the page opens on")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"where to serve (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--expires-in",
        type=int,
        default=DEFAULT_EXPIRES_IN,
        help=f"life of the links made, in seconds (60 to 604800; default {DEFAULT_EXPIRES_IN})",
    )
    args = parser.parse_args(argv)
    if not 60 <= args.expires_in <= 604800:
        parser.error("--expires-in must be from 60 to 604800 seconds")
    presets = [name.strip() for name in args.presets.split(",") if name.strip()]
    gallery = Gallery(ImageApi(args.server_url, args.api_key), presets, args.expires_in)
    httpd = server(gallery, "127.0.0.1", args.port)
    port = httpd.server_address[1]
    query = urllib.parse.urlencode({"user_id": args.user_id})
    print(f"Gallery: http://localhost:{port}/?{query}  (API: {args.server_url})")
    print(f"Presets: {', '.join(presets) or 'none'}; links valid {args.expires_in} s; the key stays here.")
    print("Ctrl-C (or SIGTERM) stops it.", flush=True)
    serve_until_stopped(httpd)
    print(f"Gallery stopped; port {port} is free.", flush=True)


if __name__ == "__main__":
    main()
