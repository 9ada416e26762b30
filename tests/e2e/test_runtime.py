"""The deployed functions run the runtime the zip was built for (devtools/runtime.py)."""

import os

import boto3

from devtools import runtime


def test_every_function_runs_python_3_13_on_one_architecture(function_names: dict[str, str]) -> None:
    client = boto3.client("lambda")
    configurations = [
        client.get_function_configuration(FunctionName=name) for name in function_names.values()
    ]
    assert {configuration["Runtime"] for configuration in configurations} == {runtime.LAMBDA_RUNTIME}
    architectures = {tuple(configuration["Architectures"]) for configuration in configurations}
    assert len(architectures) == 1
    (chosen,) = architectures
    assert chosen[0] in runtime.ARCHITECTURES
    if os.environ.get("IMAGE_SERVICE_PLATFORM") == "emulator":
        # The emulator executes the host's CPU only (the deploy refuses any other zip).
        assert chosen == (runtime.host_architecture(),)
