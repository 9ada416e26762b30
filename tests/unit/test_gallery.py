"""`nox -s gallery`'s server: what the page gets (links, never the key), which API calls it makes
with the key, and that it stops on SIGTERM and Ctrl-C with its port freed."""

import json
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from devtools import gallery, paths
from tests.fixtures.ports import can_bind, free_port, listening, start_module

API_KEY = "gallery-test-key-0123456789"
PRESETS = ["thumb", "small"]


class FakeApi(BaseHTTPRequestHandler):
    """The two API routes the gallery calls, recording every request (method, path, key, body)."""

    calls: list[dict[str, Any]]
    images: list[dict[str, Any]]
    expires_in_seconds: int = 3600
    fail_links: bool = False

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _answer(self, status: int, document: dict[str, Any]) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self, body: Any = None) -> None:
        self.calls.append(
            {"method": self.command, "path": self.path, "key": self.headers.get("x-api-key"), "body": body}
        )

    def do_GET(self) -> None:
        self._record()
        if self.headers.get("x-api-key") != API_KEY:
            self._answer(403, {"message": "Forbidden"})
            return
        self._answer(200, {"user_id": "u", "count": len(self.images), "images": self.images})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        self._record(body)
        if self.fail_links:
            self._answer(404, {"error": {"code": "not_found", "message": "image not found"}})
            return
        image_id = self.path.split("/")[3]
        expires = datetime.now(UTC) + timedelta(seconds=self.expires_in_seconds)
        token = f"{image_id}.{body.get('preset') or 'original'}.{len(self.calls)}"
        self._answer(
            201,
            {
                "url": f"http://127.0.0.1:1/v1/shared/{token}",
                "expires_at": expires.isoformat().replace("+00:00", "Z"),
                "preset": body.get("preset"),
            },
        )


@pytest.fixture
def fake_api() -> Iterator[tuple[str, type[FakeApi]]]:
    handler = type(
        "Api",
        (FakeApi,),
        {
            "calls": [],
            "images": [{"image_id": "a1", "image_name": "a.png"}, {"image_id": "b2", "image_name": "b.jpg"}],
        },
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/api", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url) as response:  # noqa: S310 - a test server on loopback
            return response.status, response.headers["content-type"], response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["content-type"], err.read()


def test_the_page_gets_a_link_per_image_and_preset_and_never_the_key(
    fake_api: tuple[str, type[FakeApi]],
) -> None:
    base_url, api = fake_api
    # Given the gallery in front of the API, with two presets
    with gallery.serving(gallery.Gallery(gallery.ImageApi(base_url, API_KEY), PRESETS)) as url:
        # When the page asks for a user's images
        status, content_type, body = get(f"{url}gallery.json?user_id=alice")

    # Then it gets every image with a link to its original and one to each preset
    assert (status, content_type) == (200, "application/json")
    document = json.loads(body)
    assert document["presets"] == PRESETS
    assert [image["image_id"] for image in document["images"]] == ["a1", "b2"]
    for image in document["images"]:
        assert "/v1/shared/" in image["original"]["url"]
        assert set(image["presets"]) == set(PRESETS)
    # ...and the key was used for the listing and the link creations only, never handed out
    assert API_KEY not in body.decode()
    assert [(c["method"], c["path"].split("?")[0]) for c in api.calls] == [
        ("GET", "/api/v1/images"),
        *[("POST", f"/api/v1/images/{image_id}/links") for image_id in ("a1", "b2") for _ in range(3)],
    ]
    assert {c["key"] for c in api.calls} == {API_KEY}
    assert [c["body"].get("preset") for c in api.calls if c["method"] == "POST"] == [None, *PRESETS] * 2
    assert {c["body"]["expires_in"] for c in api.calls if c["method"] == "POST"} == {
        gallery.DEFAULT_EXPIRES_IN
    }
    assert "user_id=alice" in api.calls[0]["path"]


def test_links_are_reused_while_they_have_time_left(fake_api: tuple[str, type[FakeApi]]) -> None:
    base_url, api = fake_api
    shown = gallery.Gallery(gallery.ImageApi(base_url, API_KEY), PRESETS)
    first = shown.document("alice")
    second = shown.document("alice")
    assert first["images"] == second["images"]
    assert sum(c["method"] == "POST" for c in api.calls) == 6  # 2 images x (original + 2 presets), once

    # A link near its expiry is not handed out again: a fresh one is made
    api.expires_in_seconds = 60
    short = gallery.Gallery(gallery.ImageApi(base_url, API_KEY), [], expires_in=60)
    short.document("alice")
    short.document("alice")
    assert sum(c["method"] == "POST" and c["body"]["expires_in"] == 60 for c in api.calls) == 2
    api.expires_in_seconds = 20  # less than half the life left: made again on every page
    shorter = gallery.Gallery(gallery.ImageApi(base_url, API_KEY), [], expires_in=60)
    shorter.document("alice")
    shorter.document("alice")
    assert sum(c["method"] == "POST" and c["body"]["expires_in"] == 60 for c in api.calls) == 6


def test_api_errors_become_a_502_with_the_reason_and_no_key(fake_api: tuple[str, type[FakeApi]]) -> None:
    base_url, api = fake_api
    api.fail_links = True
    with gallery.serving(gallery.Gallery(gallery.ImageApi(base_url, API_KEY), PRESETS)) as url:
        status, _, body = get(f"{url}gallery.json?user_id=alice")
        missing_user = get(f"{url}gallery.json")
        unknown = get(f"{url}nothing-here")
    assert status == 502
    assert "POST /v1/images/a1/links: 404" in json.loads(body)["error"]
    assert API_KEY not in body.decode()
    assert missing_user[0] == 400
    assert unknown[0] == 404
    # A wrong key is reported the same way (the listing's 403)
    wrong = gallery.Gallery(gallery.ImageApi(base_url, "not-the-key"), PRESETS)
    with pytest.raises(gallery.GalleryError, match=r"GET /v1/images.*403"):
        wrong.document("alice")


def test_an_api_that_does_not_answer_is_named() -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(gallery.GalleryError, match="does not answer"):
        gallery.Gallery(gallery.ImageApi(closed, API_KEY), PRESETS).document("alice")


def test_the_page_and_its_assets_come_from_the_repository(fake_api: tuple[str, type[FakeApi]]) -> None:
    base_url, _ = fake_api
    with gallery.serving(gallery.Gallery(gallery.ImageApi(base_url, API_KEY), PRESETS)) as url:
        for path, (name, content_type) in gallery.ASSETS.items():
            status, served_type, body = get(f"{url}{path.lstrip('/')}")
            assert (status, served_type) == (200, content_type)
            assert body == (gallery.SITE / name).read_bytes()
    index = (gallery.SITE / "index.html").read_text()
    assert "http" not in index.replace("GET /v1/shared", "")  # nothing from elsewhere: no CDN
    script = (gallery.SITE / "gallery.js").read_text()
    assert "x-api-key" not in script.lower()


def start_gallery(port: int, output: Path, *extra: str) -> subprocess.Popen[bytes]:
    """`python -m devtools.gallery` as the gallery session runs it, on `port`, its output in a file."""
    return start_module(
        "devtools.gallery",
        "--server-url",
        f"http://127.0.0.1:{free_port()}",
        "--api-key",
        API_KEY,
        "--presets",
        "thumb",
        "--port",
        str(port),
        *extra,
        port=port,
        output=output,
        what="the gallery server",
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_the_gallery_stops_on_sigterm_and_ctrl_c_and_frees_its_port(
    stop: signal.Signals, tmp_path: Path
) -> None:
    # Given the gallery server answering on a port
    port = free_port()
    output = tmp_path / "gallery.log"
    process = start_gallery(port, output)
    try:
        status, _, _ = get(f"http://127.0.0.1:{port}/")
        assert status == 200

        # When it is sent the signal
        process.send_signal(stop)
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    # Then it exits cleanly, having closed its socket
    log = output.read_text()
    assert code == 0, log
    assert f"Gallery stopped; port {port} is free." in log
    assert API_KEY not in log  # the terminal shows the page's URL, not the key
    assert not listening(port)
    assert can_bind(port)


def test_link_life_outside_the_apis_bounds_is_refused() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "devtools.gallery",
            "--server-url",
            "http://x",
            "--api-key",
            "k",
            "--expires-in",
            "59",
        ],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--expires-in must be from 60 to 604800 seconds" in result.stderr
