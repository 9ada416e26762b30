"""The floor of every API request: a function that does nothing, behind the same gateway.

A REST API of its own on the same emulator, with one proxy route to a Python function that
does no AWS call: it answers 201 to any body, or 200 with `bytes` bytes (an image-sized response
through the same base64 path as get_image). Its key requirement, usage plan and binary media types
mirror the service's, so a request pays what every request pays and nothing more. It prints one
log line, as every handler does: MiniStack waits up to 50 ms for a first log line from a function
that prints none, which would make the floor slower than the service."""

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import boto3

from devtools import runtime

if TYPE_CHECKING:
    from mypy_boto3_lambda.literals import RuntimeType

NAME = "image-service-bench-noop"
STAGE = "bench"

_HANDLER = """
import base64
import json


def handler(event, context):
    query = event.get("queryStringParameters") or {}
    size = int(query.get("bytes", "0"))
    print(json.dumps({"message": "noop", "bytes": size}))
    if size == 0:
        return {"statusCode": 201, "headers": {"Content-Type": "application/json"}, "body": "{}"}
    # Encoded per request, as any binary answer of a proxy integration must be.
    body = base64.b64encode(bytes(size)).decode()
    headers = {"Content-Type": "image/png"}
    return {"statusCode": 200, "headers": headers, "body": body, "isBase64Encoded": True}
"""


@dataclass(frozen=True)
class NoopGateway:
    url: str
    api_key: str


def _package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("noop.py", _HANDLER)
    return buffer.getvalue()


def _remove(apigateway: Any, lambda_client: Any) -> None:
    """What an earlier, interrupted run left behind."""
    for plan in apigateway.get_usage_plans()["items"]:
        if plan["name"] == NAME:
            for key in apigateway.get_usage_plan_keys(usagePlanId=plan["id"])["items"]:
                apigateway.delete_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"])
            apigateway.delete_usage_plan(usagePlanId=plan["id"])
    for api in apigateway.get_rest_apis()["items"]:
        if api["name"] == NAME:
            apigateway.delete_rest_api(restApiId=api["id"])
    with suppress(lambda_client.exceptions.ResourceNotFoundException):
        lambda_client.delete_function(FunctionName=NAME)


@contextmanager
def noop_gateway(endpoint: str, api_key: str, region: str = "us-east-1") -> Iterator[NoopGateway]:
    """Deploy the no-op route on the emulator at `endpoint`, accepting the service's `api_key`."""
    apigateway = boto3.client("apigateway", endpoint_url=endpoint, region_name=region)
    lambda_client = boto3.client("lambda", endpoint_url=endpoint, region_name=region)
    _remove(apigateway, lambda_client)
    function = lambda_client.create_function(
        FunctionName=NAME,
        Runtime=cast("RuntimeType", runtime.LAMBDA_RUNTIME),
        Role="arn:aws:iam::000000000000:role/image-service-bench-noop",
        Handler="noop.handler",
        Code={"ZipFile": _package()},
        MemorySize=512,
        Timeout=30,
    )
    lambda_client.get_waiter("function_active_v2").wait(FunctionName=NAME)
    api = apigateway.create_rest_api(name=NAME, binaryMediaTypes=["*/*"])
    root = next(
        item for item in apigateway.get_resources(restApiId=api["id"])["items"] if item["path"] == "/"
    )
    resource = apigateway.create_resource(restApiId=api["id"], parentId=root["id"], pathPart="noop")
    apigateway.put_method(
        restApiId=api["id"],
        resourceId=resource["id"],
        httpMethod="ANY",
        authorizationType="NONE",
        apiKeyRequired=True,
    )
    arn = function["FunctionArn"]
    apigateway.put_integration(
        restApiId=api["id"],
        resourceId=resource["id"],
        httpMethod="ANY",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations",
    )
    apigateway.create_deployment(restApiId=api["id"], stageName=STAGE)
    key = next(
        item for item in apigateway.get_api_keys(includeValues=True)["items"] if item.get("value") == api_key
    )
    plan = apigateway.create_usage_plan(name=NAME, apiStages=[{"apiId": api["id"], "stage": STAGE}])
    apigateway.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    try:
        yield NoopGateway(f"{endpoint}/restapis/{api['id']}/{STAGE}/_user_request_/noop", api_key)
    finally:
        _remove(apigateway, lambda_client)
