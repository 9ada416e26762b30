"""Shared test configuration: the e2e marker is applied by folder; the fixture plugins of
tests/fixtures are registered here (pytest takes `pytest_plugins` only from the root conftest)."""

import pytest

pytest_plugins = [
    "tests.fixtures.moto_aws",
    "tests.fixtures.ministack_api",
    "tests.fixtures.terraform_plan",
    "tests.fixtures.local_emulator",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/e2e/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)
