"""The everyday sessions as a user runs them against the emulator stack: `info` (every key, and a
clear word when the emulator is down), `logs --function` by the README's short names, and the
`inspect` sections for buckets and tables.

They read the emulator stack's Terraform state, so they are not run against a stack on AWS."""

import base64
import json
import os
import subprocess

import pytest

from devtools import paths
from tests.fixtures.deployed_api import Api, Storage
from tests.fixtures.images import png
from tests.fixtures.ports import free_port

pytestmark = pytest.mark.emulator_only


def noxw(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`./noxw -s ...` from the repo root; stdout and stderr apart (nox logs on stderr)."""
    return subprocess.run(
        ["./noxw", "-s", *args],
        cwd=paths.ROOT,
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_info_json_has_every_key_the_resource_names_and_that_the_emulator_answers(
    api: Api, storage: Storage
) -> None:
    result = noxw("info", "--", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["usable"] is True
    assert info["emulator"]["answers"] is True
    assert info["base_url"] == api.base_url
    assert info["api_keys"] == {
        "default": os.environ["IMAGE_SERVICE_API_KEY"],
        "second": os.environ["IMAGE_SERVICE_SECOND_API_KEY"],
    }
    assert (info["bucket_name"], info["table_name"], info["uploads_table_name"]) == (
        storage.bucket,
        storage.table,
        storage.uploads_table,
    )


def test_info_says_the_emulator_is_down_and_env_exports_nothing() -> None:
    # Given the same deployed stack, looked for on an endpoint where no emulator runs
    env = {**os.environ, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}

    plain = noxw("info", env=env)
    as_json = noxw("info", "--", "--json", env=env)
    as_env = noxw("info", "--", "--env", env=env)

    # Then every format says it is down instead of offering the URL and key as usable
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.startswith("DOWN      the emulator at http://127.0.0.1:")
    assert json.loads(as_json.stdout)["usable"] is False
    assert json.loads(as_json.stdout)["emulator"]["answers"] is False
    assert as_env.returncode != 0
    assert "export" not in as_env.stdout
    assert "does not answer" in as_env.stderr


def test_logs_find_a_function_by_the_readmes_short_name(api: Api, user_id: str) -> None:
    # Given an upload just handled by upload_image
    body = {"user_id": user_id, "image_name": "logs.png", "file": base64.b64encode(png()).decode()}
    upload = api.request("POST", "/v1/images", json=body)
    assert upload.status_code == 201, upload.text
    image_id = upload.json()["image_id"]

    # When its logs are asked for by operation name
    result = noxw("logs", "--", "--function", "upload_image", "--since", "10")

    # Then they are that function's, this upload's line among them
    assert result.returncode == 0, result.stderr
    assert "CloudWatch Logs of 1 function(s)" in result.stdout
    assert f"image-service-upload-image  INFO    image stored  image_id={image_id}" in result.stdout


def test_logs_of_an_unknown_function_fail_listing_the_valid_names() -> None:
    result = noxw("logs", "--", "--function", "upload_images")
    assert result.returncode != 0
    assert "no function 'upload_images'" in result.stdout
    assert "upload_image (image-service-upload-image)" in result.stdout


def test_inspect_shows_the_buckets_and_tables_sections(storage: Storage) -> None:
    result = noxw("inspect", "--", "buckets", "tables", env={**os.environ, "COLUMNS": "250"})
    assert result.returncode == 0, result.stderr
    assert "S3 buckets" in result.stdout
    assert "DynamoDB tables" in result.stdout
    for name in (storage.bucket, storage.table, storage.uploads_table):
        assert name in result.stdout
    assert "items in" not in result.stdout
