"""Unit fixtures: every test runs with the functions' environment and fake credentials (no
network); `aws` (tests/fixtures/moto_aws.py) adds the moto bucket and tables, `api` the
route-aware client of the handlers (tests/fixtures/lambda_api.py)."""

import pytest

from tests.fixtures.lambda_api import LambdaApi


@pytest.fixture(autouse=True)
def _functions_environment(aws_environment: None) -> None:
    """No unit test reaches a real AWS account or an emulator, whatever the shell exports."""


@pytest.fixture
def api() -> LambdaApi:
    """The functions as API Gateway calls them, for the default tenant."""
    return LambdaApi()
