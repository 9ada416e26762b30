"""The seed script through the real API: loads everything, and a second run adds nothing."""

import json
import subprocess
import sys
from pathlib import Path

from tests.fixtures.deployed_api import Api

ROOT = Path(__file__).resolve().parents[2]


def run_seed(api: Api, data_file: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    script = ROOT / "seed" / "seed_images.py"
    return subprocess.run(
        [
            sys.executable,
            str(script),
            "--base-url",
            api.base_url,
            "--api-key",
            api.api_key,
            "--data",
            str(data_file),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_seed_loads_every_image_once(api: Api, user_id: str, tmp_path: Path) -> None:
    # Given the sample set, re-owned by a fresh user
    entries = json.loads((ROOT / "seed" / "data" / "images.json").read_text())
    data_file = tmp_path / "images.json"
    data_file.write_text(json.dumps([{**entry, "user_id": user_id} for entry in entries]))

    first = run_seed(api, data_file)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"done: {len(entries)} uploaded, 0 skipped, 0 failed" in first.stdout

    second = run_seed(api, data_file)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"done: 0 uploaded, {len(entries)} skipped, 0 failed" in second.stdout

    listing = api.request("GET", "/v1/images", params={"user_id": user_id}).json()
    assert sorted(image["image_name"] for image in listing["images"]) == sorted(
        e["image_name"] for e in entries
    )


def test_seed_reports_failures_and_exits_non_zero(api: Api, user_id: str, tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "fake.png").write_bytes(b"<html>not an image</html>")
    data_file = tmp_path / "images.json"
    data_file.write_text(json.dumps([{"file": "fake.png", "user_id": user_id, "image_name": "fake.png"}]))

    result = run_seed(api, data_file, "--images", str(tmp_path / "images"))

    assert result.returncode == 1
    assert "415 unsupported_media_type" in result.stdout
    assert "done: 0 uploaded, 0 skipped, 1 failed" in result.stdout
