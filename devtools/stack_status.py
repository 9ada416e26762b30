"""Does the emulator hold what the Terraform state says is deployed? (`nox -s status`)

The embedded emulator saves its state at a graceful stop; a crash (SIGKILL, power loss) loses
what changed since. Terraform's state, written at every apply, may then record resources the
emulator no longer has. This compares the two, resource by resource, so that a disagreement is
reported with what to run instead of showing up as 404s."""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

# The resources whose absence breaks the stack, and the attribute naming each in the state.
CHECKED = {
    "aws_api_gateway_rest_api": "id",
    "aws_s3_bucket": "bucket",
    "aws_dynamodb_table": "name",
    "aws_lambda_function": "function_name",
    "aws_api_gateway_api_key": "id",
}


@dataclass(frozen=True)
class Resource:
    type: str
    name: str  # the id or name the emulator knows it by
    address: str


def recorded(state_file: Path) -> list[Resource]:
    """The checked resources a Terraform state file records."""
    try:
        state = json.loads(state_file.read_text())
    except FileNotFoundError:
        return []
    found = []
    for resource in state.get("resources", []):
        attribute = CHECKED.get(resource.get("type", ""))
        if resource.get("mode") != "managed" or attribute is None:
            continue
        for instance in resource.get("instances", []):
            key = instance.get("index_key")
            address = f"{resource.get('module', '')}.{resource['type']}.{resource['name']}".lstrip(".")
            if key is not None:
                address += f"[{json.dumps(key)}]"
            found.append(Resource(resource["type"], str(instance["attributes"][attribute]), address))
    return found


def _exists(call: Callable[[], Any], *missing_codes: str) -> bool:
    try:
        call()
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in missing_codes:
            return False
        raise
    return True


def exists_on(endpoint: str, region: str) -> Callable[[Resource], bool]:
    """A probe answering whether the emulator at `endpoint` has a resource."""
    options: dict[str, Any] = {
        "endpoint_url": endpoint,
        "region_name": region,
        "aws_access_key_id": "test",
        "aws_secret_access_key": "test",  # the emulator's fake credentials
    }
    apigateway = boto3.client("apigateway", **options)
    s3 = boto3.client("s3", **options)
    dynamodb = boto3.client("dynamodb", **options)
    lambda_client = boto3.client("lambda", **options)

    def probe(resource: Resource) -> bool:
        match resource.type:
            case "aws_api_gateway_rest_api":
                return _exists(lambda: apigateway.get_rest_api(restApiId=resource.name), "NotFoundException")
            case "aws_api_gateway_api_key":
                return _exists(lambda: apigateway.get_api_key(apiKey=resource.name), "NotFoundException")
            case "aws_s3_bucket":
                return _exists(lambda: s3.head_bucket(Bucket=resource.name), "404", "NoSuchBucket")
            case "aws_dynamodb_table":
                return _exists(
                    lambda: dynamodb.describe_table(TableName=resource.name),
                    "ResourceNotFoundException",
                )
            case "aws_lambda_function":
                return _exists(
                    lambda: lambda_client.get_function(FunctionName=resource.name),
                    "ResourceNotFoundException",
                )
        raise ValueError(f"not a checked resource type: {resource.type}")

    return probe


def missing(resources: Iterable[Resource], exists: Callable[[Resource], bool]) -> list[Resource]:
    """The recorded resources the emulator does not have."""
    return [resource for resource in resources if not exists(resource)]


def verdict(recorded_count: int, absent: list[Resource]) -> tuple[bool, str]:
    """(in agreement, one line saying so or what to run)."""
    if recorded_count == 0:
        return (
            True,
            "nothing deployed (the Terraform state records no resource): `./noxw -s deploy` makes it",
        )
    if not absent:
        return True, f"the emulator holds all {recorded_count} resources the Terraform state records"
    names = ", ".join(resource.address for resource in absent[:5]) + (" ..." if len(absent) > 5 else "")
    return False, (
        f"the emulator lacks {len(absent)} of the {recorded_count} resources the Terraform state records"
        f" ({names}), e.g. after a crash lost what changed since its last graceful stop:"
        " `./noxw -s deploy` recreates them (new ids and URL where the API is among them),"
        " `./noxw -s reset` starts from a clean slate"
    )


def main() -> int:
    """Print the status; exit 1 when the emulator is down with a stack recorded, or they disagree."""
    from devtools import emulator_process, paths, stack  # noqa: PLC0415  (python -m only)

    endpoint = emulator_process.endpoint()
    answer = emulator_process.health()
    resources = recorded(paths.EMULATOR_STATE)
    pid = emulator_process.running_pid()
    started = f" (embedded, pid {pid})" if pid else " (not started by `up`)" if answer is not None else ""
    print(f"emulator   {endpoint}: {'answering' if answer is not None else 'not answering'}{started}")
    saved = emulator_process.has_saved_state()
    what = "state of its last graceful stop" if saved else "no saved state"
    print(f"saved      {what} ({paths.EMULATOR_STATE_DIR})")
    print(f"terraform  {len(resources)} resources recorded ({paths.EMULATOR_STATE})")
    if answer is None:
        if resources:
            print("verdict    the emulator is down: `./noxw -s up` brings it back with its saved state")
            return 1
        print("verdict    nothing deployed, no emulator running: `./noxw -s deploy` starts both")
        return 0
    deployed = stack.load() if resources else None
    if deployed is not None:
        print(f"base_url   {deployed.base_url}\napi_key    {deployed.api_key}")
    region = emulator_process.aws_environment()["AWS_DEFAULT_REGION"]
    agree, said = verdict(len(resources), missing(resources, exists_on(endpoint, region)))
    print(f"verdict    {said}")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
