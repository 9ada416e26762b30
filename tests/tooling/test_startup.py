"""What a function does once, on its cold start."""

import os
import subprocess
import sys

import pytest

from bench.function_profile import HANDLERS
from devtools import paths


@pytest.mark.parametrize("handler", [HANDLERS[0], HANDLERS[-1]])
def test_start_up_leaves_what_the_imports_made_out_of_the_cyclic_gc(handler: str) -> None:
    # Given a fresh interpreter (this one has frozen objects of its own by now)
    code = f"import gc, image_service.handlers.{handler}; print(gc.get_freeze_count(), gc.isenabled())"

    # When the function's module is imported, as the Lambda runtime does
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(paths.FUNCTIONS)},
        capture_output=True,
        text=True,
        check=True,
    )

    # Then the objects its imports created are frozen: no collection walks them again; and the
    # collector, off while they were made, is on again for what requests create
    frozen, enabled = result.stdout.split()
    assert int(frozen) > 10_000
    assert enabled == "True"


def test_importing_the_package_outside_a_handler_leaves_the_collector_alone() -> None:
    # Given a fresh interpreter, When a service module is imported without a handler (a test, the
    # bench, a tool), Then the collector is as it was: only a handler's start-up pauses it
    code = "import gc, image_service.inline_upload; print(gc.get_freeze_count(), gc.isenabled())"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(paths.FUNCTIONS)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["0", "True"]
