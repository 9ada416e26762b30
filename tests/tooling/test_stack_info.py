"""`nox -s info`: every key and resource name, and a clear word when the emulator or its API is gone.

The emulator and the gateway are stood in for by real HTTP servers on loopback ports, answering as
MiniStack does: its health document, 403 for a keyless request to an API it holds, 404 otherwise."""

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from devtools import stack
from devtools.emulator_process import HEALTH_PATH

API_ID = "e9bd8d2b"


class _FakeEmulator(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body: dict[str, Any]
        if self.path == HEALTH_PATH:
            status, body = 200, {"services": {"s3": "running"}}
        elif self.path.startswith(f"/restapis/{API_ID}/api/_user_request_/"):
            status, body = 403, {"message": "Forbidden"}
        else:
            status, body = 404, {"message": "Not Found"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        pass


@pytest.fixture
def emulator() -> Iterator[str]:
    """An endpoint answering like MiniStack holding API_ID."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _FakeEmulator)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def closed_endpoint() -> str:
    """An endpoint nothing listens on (a port just freed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def deployed(endpoint: str, api_id: str = API_ID) -> stack.Stack:
    outputs = {
        "api_id": api_id,
        "stage_name": "api",
        "api_key": "default-key-0001",
        "api_keys": {"second": "second-key-0002", "default": "default-key-0001"},
        "bucket_name": "image-service-images-123",
        "table_name": "image-service-images",
        "uploads_table_name": "image-service-uploads",
        "function_names": {"upload_image": "image-service-upload-image"},
        "cors_allow_origin": "http://localhost:8080",
        "region": "us-east-1",
    }
    result = stack.from_outputs(outputs, emulator=endpoint)
    assert result is not None
    return result


def test_json_has_every_key_by_name_the_resource_names_and_the_emulator_state(emulator: str) -> None:
    # Given a stack whose emulator and API answer
    report = stack.info(deployed(emulator))

    # When info -- --json is written
    document = json.loads(json.dumps(report.as_json()))

    # Then it holds both keys by name, the bucket and tables, and says the stack is usable
    assert document["api_keys"] == {"default": "default-key-0001", "second": "second-key-0002"}
    assert document["api_key"] == "default-key-0001"
    assert (document["bucket_name"], document["table_name"], document["uploads_table_name"]) == (
        "image-service-images-123",
        "image-service-images",
        "image-service-uploads",
    )
    assert document["emulator"] == {"endpoint": emulator, "answers": True}
    assert document["api_answers"] is True
    assert document["usable"] is True
    assert document["problem"] is None
    assert document["base_url"] == f"{emulator}/restapis/{API_ID}/api/_user_request_"


def test_plain_text_lists_every_key_bucket_and_table_under_a_status_line(emulator: str) -> None:
    lines = stack.info(deployed(emulator)).text().splitlines()
    assert lines[0] == f"emulator  {emulator} answers; API {API_ID} deployed"
    assert "api_key   default-key-0001  (default)" in lines
    assert "api_key   second-key-0002  (second: another tenant)" in lines
    assert "bucket    image-service-images-123" in lines
    assert "table     image-service-images" in lines


def test_env_exports_the_url_and_default_key_when_usable(emulator: str) -> None:
    env = stack.info(deployed(emulator)).env()
    assert env == (
        f"export BASE_URL={emulator}/restapis/{API_ID}/api/_user_request_ API_KEY=default-key-0001"
    )


def test_a_stopped_emulator_is_reported_as_down_in_every_format(closed_endpoint: str) -> None:
    # Given a stack deployed on an emulator that no longer runs
    report = stack.info(deployed(closed_endpoint))

    # Then no format presents the URL and key as usable
    assert not report.usable
    assert f"the emulator at {closed_endpoint} does not answer" in report.problem
    assert "nox -s up" in report.problem
    document = report.as_json()
    assert document["usable"] is False
    assert document["emulator"] == {"endpoint": closed_endpoint, "answers": False}
    assert document["problem"] == report.problem
    assert report.text().splitlines()[0] == f"DOWN      {report.problem}"
    # And --env exports nothing: evaluated, it only says why on stderr
    assert "export" not in report.env()
    assert report.env().startswith("echo ")
    assert report.env().endswith(" >&2")


def test_an_emulator_without_the_api_makes_the_url_stale(emulator: str) -> None:
    # Given an emulator that answers but lost the deployed API (restarted without its state)
    report = stack.info(deployed(emulator, api_id="gone1234"))

    assert report.emulator_answers
    assert not report.api_answers
    assert not report.usable
    assert "does not hold API gone1234" in report.problem
    assert "nox -s deploy" in report.problem


def test_api_answers_only_when_the_gateway_refuses_a_keyless_request(
    emulator: str, closed_endpoint: str
) -> None:
    assert stack.api_answers(f"{emulator}/restapis/{API_ID}/api/_user_request_")
    assert not stack.api_answers(f"{emulator}/restapis/other/api/_user_request_")
    assert not stack.api_answers(closed_endpoint)
