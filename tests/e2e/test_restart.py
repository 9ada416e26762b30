"""A restart keeps the stack (README: state across restarts): after `./noxw -s down` and
`./noxw -s deploy`, the same base URL and key serve every image, byte for byte, and the deploy
changes nothing. It stops and starts the embedded emulator, so it runs against that one only."""

import base64
import os
import subprocess
import uuid

import pytest

from devtools import emulator_process, paths
from tests.fixtures.deployed_api import Api
from tests.fixtures.images import png

pytestmark = pytest.mark.emulator_only


def _noxw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["./noxw", "-s", *args],
        cwd=paths.ROOT,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _printed(output: str, name: str) -> str:
    return next(line.split("=", 1)[1] for line in output.splitlines() if line.startswith(f"{name}="))


def test_down_then_deploy_keeps_the_url_the_key_and_every_image(api: Api, user_id: str) -> None:
    if emulator_process.running_pid() is None:
        pytest.skip(
            "the emulator answering was not started by `up` (e.g. LocalStack): `down` leaves it alone"
        )
    # Given two images stored through the API
    images = {}
    for side in (3, 5):
        data = png(side, side)
        body = {
            "user_id": user_id,
            "image_name": f"{uuid.uuid4().hex}.png",
            "file": base64.b64encode(data).decode(),
        }
        created = api.request("POST", "/v1/images", json=body)
        assert created.status_code == 201, created.text
        images[created.json()["image_id"]] = data
    # When the emulator is stopped (`down`) and the README's first command runs again
    down = _noxw("down")
    assert down.returncode == 0, down.stderr
    assert "emulator stopped" in down.stderr
    assert emulator_process.health() is None
    deployed = _noxw("deploy")
    assert deployed.returncode == 0, deployed.stderr
    # Then nothing was re-created: same URL, same key, no change planned
    assert "terraform: no changes, nothing to apply" in deployed.stderr, deployed.stderr
    assert _printed(deployed.stdout, "BASE_URL") == api.base_url
    assert _printed(deployed.stdout, "API_KEY") == api.api_key
    # And every image is listed and served byte for byte
    assert {image["image_id"] for image in api.list_all(user_id)} == set(images)
    for image_id, data in images.items():
        served = api.request("GET", f"/v1/images/{image_id}", headers={"Accept": "image/png"})
        assert served.status_code == 200, served.text
        assert served.content == data
