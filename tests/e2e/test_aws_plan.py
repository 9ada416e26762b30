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

import base64
import hashlib
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
    "module.code.aws_s3_bucket.this",
    "module.code.aws_s3_object.package",
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


def planned_stack(tmp_path_factory: pytest.TempPathFactory, name: str, *variables: str) -> Plan:
    """The root module planned as a user plans it, in a clone of its own under `name`."""
    emulator = endpoint()
    if health(emulator) is None:
        pytest.fail(f"no emulator answers on {emulator}: run the end-to-end tests with `nox -s tests`")
    if not ZIP.is_file():
        pytest.fail(
            f"{ZIP} is missing: `nox -s build -- --architecture {ARCHITECTURE}` writes it (`nox -s tests` does too)"
        )

    # Given a clone's terraform/ and openapi/, and the zip where `nox -s build` puts it
    work = tmp_path_factory.mktemp(name)
    configuration = clone(work)
    zip_path = configuration.parent / ZIP.relative_to(paths.ROOT)
    zip_path.parent.mkdir(parents=True)
    zip_path.symlink_to(ZIP)

    # When the user runs terraform init and plan
    return plan(
        work,
        configuration,
        user_environment(work, emulator),
        f"-var=lambda_architecture={ARCHITECTURE}",
        *variables,
    )


@pytest.fixture(scope="module")
def aws_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    return planned_stack(tmp_path_factory, "aws-plan")


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


def test_every_function_runs_the_zip_uploaded_once_to_the_code_bucket(aws_plan: Plan) -> None:
    """Not `filename`: the provider would upload the zip once per function, one at a time."""
    package = aws_plan.planned("module.code.aws_s3_object.package")
    bucket = aws_plan.planned("module.code.aws_s3_bucket.this")
    assert package["key"] == f"functions/{ZIP.name}"
    assert package["source_hash"] == hashlib.md5(ZIP.read_bytes()).hexdigest()  # noqa: S324 (S3's ETag)
    assert bucket["bucket"].startswith("image-service-code-")
    digest = base64.b64encode(hashlib.sha256(ZIP.read_bytes()).digest()).decode()
    changes = [
        change for change in aws_plan.document["resource_changes"] if change["type"] == "aws_lambda_function"
    ]
    assert len(changes) == len(FUNCTIONS)
    for change in changes:
        function, unknown = change["change"]["after"], change["change"]["after_unknown"]
        assert function.get("filename") is None, function["function_name"]
        assert function["s3_key"] == package["key"]
        assert function["source_code_hash"] == digest
        # the bucket (its id) and the exact object version the upload makes, known once made
        assert unknown["s3_bucket"] is True
        assert unknown["s3_object_version"] is True
    # and what they are is the code bucket's package, as the root module passes it
    call = aws_plan.document["configuration"]["root_module"]["module_calls"]["function"]
    assert "module.code.package" in call["expressions"]["package"]["references"]


# The CDN (cdn_enabled), planned as an AWS user would enable it: a domain and its ACM certificate.
CDN_DOMAIN = "images.example.com"
CDN_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0b1e8f5c-7d2a-4c3e-9f61-2a5d8c4b7e90"
CDN = "module.cdn[0]"
DISTRIBUTION = f"{CDN}.aws_cloudfront_distribution.this"
CACHE_POLICY = f"{CDN}.aws_cloudfront_cache_policy.this"
SHARED_PATHS = "/v1/shared/*"


@pytest.fixture(scope="module")
def cdn_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    return planned_stack(
        tmp_path_factory,
        "aws-plan-cdn",
        "-var=cdn_enabled=true",
        f"-var=cdn_domain_name={CDN_DOMAIN}",
        f"-var=cdn_certificate_arn={CDN_CERTIFICATE}",
    )


def module_resource_config(plan: Plan, module: str, address: str) -> dict[str, Any]:
    """A resource's configuration (its expressions and their references) in a module call."""
    resources = plan.document["configuration"]["root_module"]["module_calls"][module]["module"]["resources"]
    return next(resource for resource in resources if resource["address"] == address)


def test_the_cdn_is_off_by_default(aws_plan: Plan) -> None:
    # Links are minted where the request came in (no stage variable naming another base)
    assert aws_plan.planned("module.api.aws_api_gateway_stage.this").get("variables") in (None, {})
    changes = aws_plan.resource_changes()
    assert [address for address in changes if address.startswith("module.cdn")] == []
    assert [
        c["type"] for c in aws_plan.document["resource_changes"] if c["type"].startswith("aws_cloudfront")
    ] == []


def test_cdn_plan_adds_the_distribution_to_the_stack(cdn_plan: Plan) -> None:
    assert cdn_plan.exit_code == 2, cdn_plan.output
    changes = cdn_plan.resource_changes()
    assert set(changes) >= EXPECTED_CREATES | {
        DISTRIBUTION,
        CACHE_POLICY,
        f"{CDN}.aws_cloudfront_response_headers_policy.this",
        f"{CDN}.aws_cloudfront_function.not_found",
        f"{CDN}.aws_cloudfront_function.accept_class",
        f"{CDN}.aws_s3_bucket.logs",
    }
    assert {address: actions for address, actions in changes.items() if actions != ["create"]} == {}
    # No DNS records without a Route 53 zone
    assert [address for address in changes if "aws_route53_record" in address] == []


def test_links_are_minted_on_the_cdn_domain(cdn_plan: Plan) -> None:
    # The stage tells the functions the base of the links they sign: the CDN's domain, known
    # before the distribution exists (no cycle API -> functions -> distribution -> API)
    stage = cdn_plan.planned("module.api.aws_api_gateway_stage.this")
    assert stage["variables"] == {"linkBaseUrl": f"https://{CDN_DOMAIN}"}
    assert cdn_plan.document["output_changes"]["cdn_base_url"]["after"] == f"https://{CDN_DOMAIN}"


def test_distribution_serves_share_links_only_over_modern_tls(cdn_plan: Plan) -> None:
    distribution = cdn_plan.planned(DISTRIBUTION)
    assert distribution["enabled"] is True
    assert distribution["aliases"] == [CDN_DOMAIN]
    [certificate] = distribution["viewer_certificate"]
    assert certificate["acm_certificate_arn"] == CDN_CERTIFICATE
    assert certificate["cloudfront_default_certificate"] is False
    assert certificate["minimum_protocol_version"] == "TLSv1.2_2021"
    assert certificate["ssl_support_method"] == "sni-only"

    # The share-link route: GET/HEAD, HTTPS (HTTP is redirected), nothing forwarded but the path
    [shared] = distribution["ordered_cache_behavior"]
    assert shared["path_pattern"] == SHARED_PATHS
    assert shared["viewer_protocol_policy"] == "redirect-to-https"
    assert sorted(shared["allowed_methods"]) == sorted(shared["cached_methods"]) == ["GET", "HEAD"]
    assert not shared.get("origin_request_policy_id")
    [normalise] = shared["function_association"]  # Accept becomes its class (the cache key)
    assert normalise["event_type"] == "viewer-request"
    assert shared["lambda_function_association"] == []
    # Every other path is answered at the edge by the function, before any origin
    [default] = distribution["default_cache_behavior"]
    assert default["viewer_protocol_policy"] == "redirect-to-https"
    [association] = default["function_association"]
    assert association["event_type"] == "viewer-request"
    config = module_resource_config(cdn_plan, "cdn", "aws_cloudfront_distribution.this")["expressions"]
    behaviour = config["ordered_cache_behavior"][0]
    assert "aws_cloudfront_cache_policy.this.id" in behaviour["cache_policy_id"]["references"]
    assert "aws_cloudfront_function.not_found.arn" in str(config["default_cache_behavior"])
    assert "aws_cloudfront_function.accept_class.arn" in str(behaviour["function_association"])
    accept_function = cdn_plan.planned(f"{CDN}.aws_cloudfront_function.accept_class")
    assert accept_function["code"] == (paths.TERRAFORM / "modules" / "cdn" / "accept_class.js").read_text()


def test_distribution_reaches_the_api_stage_over_https(cdn_plan: Plan) -> None:
    [origin] = cdn_plan.planned(DISTRIBUTION)["origin"]
    assert origin["origin_path"] == "/api"
    [custom] = origin["custom_origin_config"]
    assert custom["origin_protocol_policy"] == "https-only"
    assert custom["origin_ssl_protocols"] == ["TLSv1.2"]
    # No header of its own: the Accept class (never empty) is what the origin sees
    assert origin["custom_header"] == []
    # The origin host is the REST API's regional endpoint (its id is known only after apply)
    call = cdn_plan.document["configuration"]["root_module"]["module_calls"]["cdn"]["expressions"]
    assert "module.api.api_id" in call["origin_domain_name"]["references"]


def test_cache_key_is_the_token_and_the_accept_class_and_the_origin_decides_how_long(cdn_plan: Plan) -> None:
    policy = cdn_plan.planned(CACHE_POLICY)
    assert (policy["min_ttl"], policy["default_ttl"], policy["max_ttl"]) == (0, 0, 300)
    [parameters] = policy["parameters_in_cache_key_and_forwarded_to_origin"]
    assert parameters["cookies_config"][0]["cookie_behavior"] == "none"
    # the only header in the key (and forwarded): Accept, once normalised to its class
    assert parameters["headers_config"][0]["header_behavior"] == "whitelist"
    assert parameters["headers_config"][0]["headers"][0]["items"] == ["Accept"]
    assert parameters["query_strings_config"][0]["query_string_behavior"] == "none"
    assert parameters["enable_accept_encoding_gzip"] is False
    assert parameters["enable_accept_encoding_brotli"] is False


def test_distribution_logs_every_request_to_a_private_bucket(cdn_plan: Plan) -> None:
    [logging] = cdn_plan.planned(DISTRIBUTION)["logging_config"]
    assert logging["include_cookies"] is False
    assert logging["prefix"] == "cloudfront/"
    config = module_resource_config(cdn_plan, "cdn", "aws_cloudfront_distribution.this")["expressions"]
    assert "aws_s3_bucket.logs.bucket_domain_name" in config["logging_config"][0]["bucket"]["references"]
    public_access = cdn_plan.planned(f"{CDN}.aws_s3_bucket_public_access_block.logs")
    assert all(
        public_access[flag] is True
        for flag in (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        )
    )
    [rule] = cdn_plan.planned(f"{CDN}.aws_s3_bucket_server_side_encryption_configuration.logs")["rule"]
    assert rule["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "AES256"
    [expiry] = cdn_plan.planned(f"{CDN}.aws_s3_bucket_lifecycle_configuration.logs")["rule"]
    assert expiry["expiration"][0]["days"] == 14  # the root's log_retention_days
