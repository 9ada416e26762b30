"""The AWS path, planned: plain `terraform` (no tflocal) as the README's "Deploying to AWS" runs it.

The provider reaches the emulator only through the SDK's environment variables (AWS_ENDPOINT_URL,
fake credentials), exactly as it would reach AWS through a user's; nothing else differs. The
plan runs on a copy of terraform/ and openapi/ as a clone has them (no tflocal override file,
which a concurrent emulator deploy writes into terraform/, no .terraform/; the committed lock file), with
its own TF_DATA_DIR and state under tmp, so the emulator deployment's .build/terraform/ is never
touched. The Lambda zip is the default path the Terraform expects (`nox -s build` writes it); the
plan is for arm64 (`-var lambda_architecture=arm64`), the architecture an AWS user is most likely
to choose and the one the emulator deploy does not exercise.

It drives the emulator as if it were AWS, so it is not run against a stack on AWS (emulator_only)."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest

from devtools import paths, runtime
from devtools.emulator_process import endpoint, health
from tests.fixtures.terraform_plan import REGION, Plan, clone, plan, user_environment

pytestmark = pytest.mark.emulator_only

ARCHITECTURE = "arm64"
ZIP = paths.lambda_zip(ARCHITECTURE)
# One function per handler module (tests/contract/test_contract.py ties them to the spec).
FUNCTIONS = tuple(
    sorted(
        path.stem
        for path in (paths.FUNCTIONS / "image_service" / "handlers").glob("*.py")
        if path.stem != "__init__"
    )
)
EXPECTED_CREATES = {
    "module.bucket.aws_s3_bucket.this",
    "module.table.aws_dynamodb_table.this",
    *(f'module.function["{name}"].aws_lambda_function.this' for name in FUNCTIONS),
    "module.api.aws_api_gateway_rest_api.this",
    "module.api.aws_api_gateway_deployment.this",
    "module.api.aws_api_gateway_stage.this",
    'module.api.aws_api_gateway_api_key.this["default"]',
    "module.api.aws_api_gateway_usage_plan.this",
}
# What pointing the provider at an emulator by hand takes (tflocal writes these in its override file).
EMULATOR_PROVIDER_SETTINGS = {
    "endpoints",
    "access_key",
    "secret_key",
    "token",
    "skip_credentials_validation",
    "skip_metadata_api_check",
    "skip_requesting_account_id",
    "skip_region_validation",
    "s3_use_path_style",
    "s3_force_path_style",
    "insecure",
}


def strings(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON document, with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{where}[{index}]")
    elif isinstance(value, str):
        yield where, value


@pytest.fixture(scope="module")
def aws_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    emulator = endpoint()
    if health(emulator) is None:
        pytest.fail(f"no emulator answers on {emulator}: run the end-to-end tests with `nox -s tests`")
    if not ZIP.is_file():
        pytest.fail(
            f"{ZIP} is missing: `nox -s build -- --architecture {ARCHITECTURE}` writes it (`nox -s tests` does too)"
        )

    # Given a clone's terraform/ and openapi/, and the zip where `nox -s build` puts it
    work = tmp_path_factory.mktemp("aws-plan")
    configuration = clone(work)
    zip_path = configuration.parent / ZIP.relative_to(paths.ROOT)
    zip_path.parent.mkdir(parents=True)
    zip_path.symlink_to(ZIP)

    # When the user runs terraform init and plan
    return plan(
        work, configuration, user_environment(work, emulator), f"-var=lambda_architecture={ARCHITECTURE}"
    )


def test_plan_creates_the_whole_stack_in_an_empty_account(aws_plan: Plan) -> None:
    assert aws_plan.exit_code == 2, f"expected changes (exit code 2):\n{aws_plan.output}"
    changes = aws_plan.resource_changes()
    assert set(changes) >= EXPECTED_CREATES
    assert sum(address.endswith("aws_lambda_function.this") for address in changes) == len(FUNCTIONS)
    assert {address: actions for address, actions in changes.items() if actions != ["create"]} == {}
    # from an empty state of its own (not the emulator deployment's)
    prior = aws_plan.document.get("prior_state", {}).get("values", {}).get("root_module", {})
    assert [r["address"] for r in prior.get("resources", []) if r["mode"] == "managed"] == []


def test_provider_has_no_emulator_settings(aws_plan: Plan) -> None:
    providers = aws_plan.document["configuration"]["provider_config"]
    # One provider configuration, the root module's; modules inherit it
    assert set(providers) == {"aws"}
    aws = providers["aws"]
    assert aws.get("alias") is None
    assert set(aws.get("expressions", {})) & EMULATOR_PROVIDER_SETTINGS == set()


def test_plan_reached_the_emulator_through_the_environment_only(aws_plan: Plan) -> None:
    # The account the provider read is the one the emulator's STS answers for these credentials
    sts = boto3.client(
        "sts",
        endpoint_url=aws_plan.endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    account = sts.get_caller_identity()["Account"]
    identity = next(
        r
        for r in aws_plan.document["prior_state"]["values"]["root_module"]["resources"]
        if r["address"] == "data.aws_caller_identity.current"
    )
    assert identity["values"]["account_id"] == account
    bucket = aws_plan.planned("module.bucket.aws_s3_bucket.this")
    assert bucket["bucket"] == f"image-service-images-{account}-{REGION}"


def test_nothing_in_the_plan_is_emulator_specific(aws_plan: Plan) -> None:
    markers = {urlsplit(aws_plan.endpoint).netloc.lower(), "localstack", "ministack"}
    found = [
        (where, value)
        for where, value in strings(aws_plan.document)
        if any(marker in value.lower() for marker in markers)
    ]
    assert found == []
    # The bucket keeps its images on destroy (emulator.tfvars sets force_destroy_bucket = true)
    assert aws_plan.planned("module.bucket.aws_s3_bucket.this")["force_destroy"] is False


def test_every_function_is_planned_on_the_runtime_and_architecture_chosen(aws_plan: Plan) -> None:
    functions = [
        change["change"]["after"]
        for change in aws_plan.document["resource_changes"]
        if change["type"] == "aws_lambda_function"
    ]
    assert len(functions) == len(FUNCTIONS)
    for function in functions:
        assert function["runtime"] == runtime.LAMBDA_RUNTIME == "python3.13", function["function_name"]
        assert function["architectures"] == [ARCHITECTURE], function["function_name"]
