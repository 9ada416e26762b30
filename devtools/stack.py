"""What `nox -s deploy` deployed on the emulator: ids, URLs, key, resource names."""

from dataclasses import asdict, dataclass

from devtools import terraform
from devtools.emulator_process import endpoint


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

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def emulator_base_url(api_id: str, stage_name: str) -> str:
    # LocalStack's path-style execute-api URL, served by MiniStack and LocalStack alike;
    # the host-style one needs *.localhost.localstack.cloud DNS.
    return f"{endpoint()}/restapis/{api_id}/{stage_name}/_user_request_"


def load() -> Stack | None:
    outputs = terraform.outputs()
    if "api_id" not in outputs:
        return None
    api_id, stage_name = str(outputs["api_id"]), str(outputs["stage_name"])
    function_names = outputs["function_names"]
    keys = outputs.get("api_keys")
    return Stack(
        api_id=api_id,
        base_url=emulator_base_url(api_id, stage_name),
        api_key=str(outputs["api_key"]),
        stage_name=stage_name,
        bucket_name=str(outputs["bucket_name"]),
        table_name=str(outputs["table_name"]),
        uploads_table_name=str(outputs.get("uploads_table_name", "")),
        function_names=dict(function_names) if isinstance(function_names, dict) else {},
        cors_allow_origin=str(outputs.get("cors_allow_origin", "")),
        api_keys={str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {},
    )
