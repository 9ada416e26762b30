"""A deployed stack, read from its Terraform outputs: ids, URLs, keys, resource names.

One path for every stack: `terraform output -json` → `Stack` → the environment the end-to-end
tests read (`test_environment`). The emulator's stack (`load`) takes its outputs from the state
`nox -s deploy` keeps; an AWS stack (`from_outputs_file`) from a file you write with
`terraform output -json > outputs.json`."""

import json
import shlex
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from devtools import terraform
from devtools.emulator_process import aws_environment, endpoint, health


@dataclass(frozen=True)
class Stack:
    api_id: str
    base_url: str
    api_key: str
    stage_name: str
    bucket_name: str
    table_name: str
    uploads_table_name: str
    function_names: dict[str, str]
    cors_allow_origin: str
    api_keys: dict[str, str]
    region: str
    # The emulator's endpoint; None for a stack on AWS (the SDK then uses its own endpoints).
    emulator_endpoint: str | None
    # The named presets (Terraform's image_presets: name -> width, height, fit, format).
    image_presets: dict[str, dict[str, object]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def test_environment(self) -> dict[str, str]:
        """What tests/e2e/conftest.py reads: the same variables whichever platform runs the stack.

        On the emulator they include its endpoint and fake credentials; on AWS the SDK's own
        credential chain (your profile or environment) is left alone."""
        env = {
            "IMAGE_SERVICE_BASE_URL": self.base_url,
            "IMAGE_SERVICE_API_KEY": self.api_key,
            "IMAGE_SERVICE_SECOND_API_KEY": self.api_keys.get("second", ""),
            "IMAGE_SERVICE_BUCKET": self.bucket_name,
            "IMAGE_SERVICE_TABLE": self.table_name,
            "IMAGE_SERVICE_UPLOADS_TABLE": self.uploads_table_name,
            "IMAGE_SERVICE_FUNCTION_NAMES": json.dumps(self.function_names),
            "IMAGE_SERVICE_API_ID": self.api_id,
            "IMAGE_SERVICE_CORS_ORIGIN": self.cors_allow_origin,
            "IMAGE_SERVICE_PLATFORM": "emulator" if self.emulator_endpoint else "aws",
            "IMAGE_SERVICE_PRESETS": json.dumps(self.image_presets),
            "AWS_DEFAULT_REGION": self.region,
        }
        if self.emulator_endpoint is not None:
            env |= aws_environment() | {"AWS_ENDPOINT_URL": self.emulator_endpoint}
        return env


def emulator_base_url(emulator: str, api_id: str, stage_name: str) -> str:
    # LocalStack's path-style execute-api URL, served by MiniStack and LocalStack alike;
    # the host-style one needs *.localhost.localstack.cloud DNS.
    return f"{emulator}/restapis/{api_id}/{stage_name}/_user_request_"


def from_outputs(outputs: Mapping[str, object], *, emulator: str | None) -> Stack | None:
    """The stack `terraform output` describes; on an emulator, reached through `emulator`."""
    if "api_id" not in outputs:
        return None
    api_id, stage_name = str(outputs["api_id"]), str(outputs["stage_name"])
    function_names = outputs.get("function_names")
    keys = outputs.get("api_keys")
    presets = outputs.get("image_presets")
    return Stack(
        api_id=api_id,
        base_url=(
            emulator_base_url(emulator, api_id, stage_name)
            if emulator is not None
            else str(outputs["invoke_url"]).rstrip("/")
        ),
        api_key=str(outputs["api_key"]),
        stage_name=stage_name,
        bucket_name=str(outputs["bucket_name"]),
        table_name=str(outputs["table_name"]),
        uploads_table_name=str(outputs.get("uploads_table_name", "")),
        function_names=dict(function_names) if isinstance(function_names, dict) else {},
        cors_allow_origin=str(outputs.get("cors_allow_origin", "")),
        api_keys={str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {},
        region=str(outputs.get("region", "us-east-1")),
        emulator_endpoint=emulator,
        image_presets=(
            {str(name): dict(preset) for name, preset in presets.items() if isinstance(preset, dict)}
            if isinstance(presets, dict)
            else {}
        ),
    )


def from_outputs_file(path: Path) -> Stack:
    """A stack on AWS from `terraform output -json > FILE` (sensitive values included there)."""
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: not the JSON of `terraform output -json` ({err})") from err
    outputs = {
        name: value["value"] if isinstance(value, dict) and "value" in value else value
        for name, value in document.items()
    }
    stack = from_outputs(outputs, emulator=None)
    if stack is None:
        raise ValueError(f"{path} has no api_id output: is it `terraform output -json` of this stack?")
    return stack


def load() -> Stack | None:
    """What `nox -s deploy` deployed on the emulator, or None."""
    return from_outputs(terraform.outputs(), emulator=endpoint())


# --- `nox -s info` ------------------------------------------------------------------------------


def api_answers(base_url: str, timeout: float = 2.0) -> bool:
    """Whether the gateway knows this API: a listing without a key is refused with 403 when it does
    (on the emulator and on AWS alike); an API the emulator no longer holds answers 404."""
    try:
        with urllib.request.urlopen(f"{base_url}/v1/images", timeout=timeout):  # noqa: S310 - our own URL
            return True
    except urllib.error.HTTPError as err:
        return err.code == 403
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass(frozen=True)
class Info:
    """What `nox -s info` reports: the deployed stack and whether it can be used right now."""

    stack: Stack
    emulator_answers: bool
    api_answers: bool

    @property
    def usable(self) -> bool:
        return self.emulator_answers and self.api_answers

    @property
    def problem(self) -> str:
        """Why the URL and keys can't be used now, and what to run; empty when they can."""
        endpoint = self.stack.emulator_endpoint
        if not self.emulator_answers:
            return (
                f"the emulator at {endpoint} does not answer: the stack's URL and keys are unusable "
                "until it runs again (`nox -s up`, or `nox -s deploy`)"
            )
        if not self.api_answers:
            return (
                f"the emulator at {endpoint} answers but does not hold API {self.stack.api_id}: the stack's "
                "URL and keys are stale (`nox -s deploy` recreates it)"
            )
        return ""

    def as_json(self) -> dict[str, object]:
        """Every value a script needs: the keys by name, the resource names, the emulator's state."""
        stack = self.stack
        return {
            "usable": self.usable,
            "problem": self.problem or None,
            "emulator": {"endpoint": stack.emulator_endpoint, "answers": self.emulator_answers},
            "api_answers": self.api_answers,
            "api_id": stack.api_id,
            "base_url": stack.base_url,
            "api_key": stack.api_key,
            "api_keys": dict(sorted(stack.api_keys.items())),
            "stage_name": stack.stage_name,
            "region": stack.region,
            "bucket_name": stack.bucket_name,
            "table_name": stack.table_name,
            "uploads_table_name": stack.uploads_table_name,
            "function_names": dict(sorted(stack.function_names.items())),
            "cors_allow_origin": stack.cors_allow_origin,
        }

    def text(self) -> str:
        """The plain report: a status line first, then the values, one a line."""
        stack = self.stack
        status = (
            f"emulator  {stack.emulator_endpoint} answers; API {stack.api_id} deployed"
            if self.usable
            else f"DOWN      {self.problem}"
        )
        lines = [
            status,
            f"api_id    {stack.api_id}",
            f"base_url  {stack.base_url}",
            f"api_key   {stack.api_key}  (default)",
            *(
                f"api_key   {value}  ({name}: another tenant)"
                for name, value in sorted(stack.api_keys.items())
                if name != "default"
            ),
            f"bucket    {stack.bucket_name}",
            f"table     {stack.table_name}",
            f"uploads   {stack.uploads_table_name}",
        ]
        return "\n".join(lines)

    def env(self) -> str:
        """`--env`: exports for `eval`; when unusable, a line that tells the user so on stderr instead."""
        if not self.usable:
            return f"echo {shlex.quote('nox -s info: ' + self.problem)} >&2"
        return f"export BASE_URL={shlex.quote(self.stack.base_url)} API_KEY={shlex.quote(self.stack.api_key)}"


def info(stack: Stack) -> Info:
    """The stack and whether its emulator and its API answer now."""
    emulator_answers = health(stack.emulator_endpoint) is not None if stack.emulator_endpoint else True
    return Info(stack, emulator_answers, emulator_answers and api_answers(stack.base_url))
