"""`nox -s status`: the Terraform state's resources, and the verdict when the emulator lacks some."""

import json
from pathlib import Path

from devtools import cleaning, stack_status


def write_state(path: Path) -> Path:
    state = {
        "resources": [
            {
                "mode": "managed",
                "type": "aws_api_gateway_rest_api",
                "name": "this",
                "module": "module.api",
                "instances": [{"attributes": {"id": "abc123"}}],
            },
            {
                "mode": "managed",
                "type": "aws_lambda_function",
                "name": "this",
                "module": 'module.function["get_image"]',
                "instances": [{"attributes": {"function_name": "image-service-get-image"}}],
            },
            {
                "mode": "managed",
                "type": "aws_api_gateway_api_key",
                "name": "this",
                "module": "module.api",
                "instances": [{"index_key": "default", "attributes": {"id": "key1"}}],
            },
            # Neither checked (an IAM role) nor managed (a data source): not compared
            {
                "mode": "managed",
                "type": "aws_iam_role",
                "name": "r",
                "instances": [{"attributes": {"id": "x"}}],
            },
            {
                "mode": "data",
                "type": "aws_s3_bucket",
                "name": "d",
                "instances": [{"attributes": {"bucket": "b"}}],
            },
        ]
    }
    path.write_text(json.dumps(state))
    return path


def test_recorded_lists_the_checked_resources_with_their_addresses(tmp_path: Path) -> None:
    resources = stack_status.recorded(write_state(tmp_path / "emulator.tfstate"))
    assert [(resource.type, resource.name) for resource in resources] == [
        ("aws_api_gateway_rest_api", "abc123"),
        ("aws_lambda_function", "image-service-get-image"),
        ("aws_api_gateway_api_key", "key1"),
    ]
    assert resources[2].address == 'module.api.aws_api_gateway_api_key.this["default"]'
    assert stack_status.recorded(tmp_path / "none.tfstate") == []


def test_a_crash_that_lost_resources_is_reported_with_what_to_run(tmp_path: Path) -> None:
    resources = stack_status.recorded(write_state(tmp_path / "emulator.tfstate"))
    # Given an emulator restarted from an older saved state: it has the API key only
    absent = stack_status.missing(resources, lambda resource: resource.type == "aws_api_gateway_api_key")
    agree, said = stack_status.verdict(len(resources), absent)
    assert not agree
    assert "lacks 2 of the 3" in said
    assert "module.api.aws_api_gateway_rest_api.this" in said
    assert "./noxw -s deploy" in said
    assert "./noxw -s reset" in said


def test_agreement_and_an_empty_state_are_said_so() -> None:
    assert stack_status.verdict(3, []) == (
        True,
        "the emulator holds all 3 resources the Terraform state records",
    )
    agree, said = stack_status.verdict(0, [])
    assert agree
    assert "nothing deployed" in said


def test_clean_removes_what_is_rebuilt_and_keeps_the_stack(tmp_path: Path) -> None:
    for relative in (
        ".nox/unit/bin/python",
        ".build/lambda/image-service-x86_64.zip",
        ".build/emulator/venv/bin/python",
        ".build/emulator/state/dynamodb.json",
        ".build/terraform/emulator.tfstate",
        "functions/image_service/__pycache__/api.cpython-313.pyc",
        ".ruff_cache/x",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x")
    removed = {path.relative_to(tmp_path).as_posix() for path in cleaning.derived(tmp_path)}
    assert removed == {
        ".nox",
        ".ruff_cache",
        ".build/lambda",
        ".build/emulator/venv",
        "functions/image_service/__pycache__",
    }
