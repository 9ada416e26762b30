"""What a crash of the embedded emulator loses, as the README says: the state saved at the last
graceful stop comes back; what changed after it is lost, except S3 bytes (written as they arrive);
and `status` says when the Terraform state records what the emulator no longer holds.

A real emulator process (the one `up` starts: devtools.emulator_process) on a free port, with its
state in a temporary directory (the `local_emulator` fixture, tests/fixtures/local_emulator.py), stopped
gracefully once and then killed with SIGKILL."""

import io
import json
import os
import signal
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devtools import cleaning, emulator_process, paths, stack, stack_status
from tests.fixtures.local_emulator import client

pytestmark = pytest.mark.emulator

BUCKET = "crash-bucket"
SAVED_TABLE = "saved-table"  # created before the graceful stop
LOST_TABLE = "lost-table"  # created after it, then the emulator is killed


def _clients(endpoint: str) -> tuple[Any, Any]:
    return client("s3", endpoint), client("dynamodb", endpoint)


def _table(dynamodb: Any, name: str) -> None:
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def _item(dynamodb: Any, key: str) -> dict[str, Any] | None:
    answer = dynamodb.get_item(TableName=SAVED_TABLE, Key={"id": {"S": key}})
    found: dict[str, Any] | None = answer.get("Item")
    return found


def _tables(dynamodb: Any) -> list[str]:
    names: list[str] = dynamodb.list_tables()["TableNames"]
    return names


def _invoke_a_function(endpoint: str) -> None:
    """Create and invoke a one-line Python function: MiniStack unpacks its code for the worker."""
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return {'ok': True}\n")
    functions = client("lambda", endpoint)
    if not functions.list_functions()["Functions"]:
        functions.create_function(
            FunctionName="scratch-probe",
            Runtime="python3.13",
            Role="arn:aws:iam::000000000000:role/probe",
            Handler="handler.handler",
            Code={"ZipFile": code.getvalue()},
        )
    answer = functions.invoke(FunctionName="scratch-probe", Payload=b"{}")
    assert json.loads(answer["Payload"].read()) == {"ok": True}


def _unpacked_code() -> list[Path]:
    return sorted(emulator_process.scratch_dir().glob("ministack-lambda-scratch-probe-*"))


def _terraform_state(path: Path) -> None:
    """A Terraform state recording the bucket and both tables, as an apply would have written it."""
    resources = [
        {"mode": "managed", "type": "aws_s3_bucket", "name": "images", "instances": [{"attributes": {"bucket": BUCKET}}]},
        *(
            {"mode": "managed", "type": "aws_dynamodb_table", "name": name.replace("-", "_"),
             "instances": [{"attributes": {"name": name}}]}
            for name in (SAVED_TABLE, LOST_TABLE)
        ),
    ]  # fmt: skip
    path.write_text(json.dumps({"version": 4, "resources": resources}))


def test_a_crash_loses_what_changed_since_the_last_graceful_stop_but_not_s3_bytes(
    local_emulator: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an emulator holding a bucket, an object, a table and an item, stopped gracefully (`down`)
    emulator_process.start(sys.executable)
    s3, dynamodb = _clients(local_emulator)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="before", Body=b"saved bytes")
    _table(dynamodb, SAVED_TABLE)
    dynamodb.put_item(TableName=SAVED_TABLE, Item={"id": {"S": "before"}})
    assert emulator_process.stop() is True

    # When it is started again (`up`), changed, and then killed (SIGKILL: no chance to save)
    emulator_process.start(sys.executable)
    s3, dynamodb = _clients(local_emulator)
    # the state saved at the graceful stop came back
    assert s3.get_object(Bucket=BUCKET, Key="before")["Body"].read() == b"saved bytes"
    assert _item(dynamodb, "before") is not None
    s3.put_object(Bucket=BUCKET, Key="after", Body=b"bytes written as they arrive")
    dynamodb.put_item(TableName=SAVED_TABLE, Item={"id": {"S": "after"}})
    _table(dynamodb, LOST_TABLE)
    pid = emulator_process.running_pid()
    assert pid is not None
    os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)

    # Then after the next start, the last graceful stop's state is back and what followed is lost...
    emulator_process.start(sys.executable)
    s3, dynamodb = _clients(local_emulator)
    assert s3.get_object(Bucket=BUCKET, Key="before")["Body"].read() == b"saved bytes"
    assert _item(dynamodb, "before") is not None
    assert _item(dynamodb, "after") is None
    assert LOST_TABLE not in _tables(dynamodb)
    assert SAVED_TABLE in _tables(dynamodb)
    # ...except S3 bytes, written to disk as they arrived (an image's object without its metadata)
    assert s3.get_object(Bucket=BUCKET, Key="after")["Body"].read() == b"bytes written as they arrive"
    with pytest.raises(ClientError):
        s3.get_object(Bucket=BUCKET, Key="never-written")

    # And `status` says the Terraform state records what the emulator lost, and what to run
    _terraform_state(paths.EMULATOR_STATE)
    monkeypatch.setattr(stack, "load", lambda: None)  # no outputs in this state: no URL to print
    assert stack_status.main() == 1
    said = capsys.readouterr().out
    assert "lacks 1 of the 3 resources" in said
    assert "aws_dynamodb_table.lost_table" in said
    assert "aws_dynamodb_table.saved_table" not in said
    assert "`./noxw -s deploy` recreates them" in said
    assert "`./noxw -s reset` starts from a clean slate" in said

    # And once the emulator holds everything again, status says they agree
    _table(dynamodb, LOST_TABLE)
    assert stack_status.main() == 0
    assert "holds all 3 resources" in capsys.readouterr().out
    assert emulator_process.stop() is True


def test_reset_wipes_both_halves_so_the_next_start_is_empty(
    local_emulator: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a stack saved at a graceful stop, and the Terraform state recording it
    emulator_process.start(sys.executable)
    s3, dynamodb = _clients(local_emulator)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="before", Body=b"saved bytes")
    _table(dynamodb, SAVED_TABLE)
    _table(dynamodb, LOST_TABLE)
    _terraform_state(paths.EMULATOR_STATE)
    paths.EMULATOR_ENV.write_text("export AWS_ENDPOINT_URL=...\n")
    assert emulator_process.stop() is True
    # When `reset` removes what it removes (nox -s reset: stop, then cleaning.stack_state())
    removed = cleaning.remove(cleaning.stack_state())
    # Then both halves are gone, and the next start is an empty emulator with nothing recorded
    assert paths.EMULATOR_STATE_DIR in removed
    assert paths.EMULATOR_STATE in removed
    assert not paths.EMULATOR_ENV.exists()
    emulator_process.start(sys.executable)
    s3, dynamodb = _clients(local_emulator)
    assert _tables(dynamodb) == []
    assert s3.list_buckets()["Buckets"] == []
    monkeypatch.setattr(stack, "load", lambda: None)
    assert stack_status.main() == 0
    assert "nothing deployed" in capsys.readouterr().out
    assert emulator_process.stop() is True


def test_no_unpacked_function_code_outlives_a_stop_or_survives_a_crash_past_the_next_start(
    local_emulator: str,
) -> None:
    # Given an emulator whose warm Lambda worker has its code unpacked in the emulator's TMPDIR
    emulator_process.start(sys.executable)
    _invoke_a_function(local_emulator)
    assert _unpacked_code(), "MiniStack unpacks worker code under TMPDIR, the emulator's scratch dir"
    # When it is killed (SIGKILL: MiniStack removes nothing), the unpacked code is still there...
    pid = emulator_process.running_pid()
    assert pid is not None
    os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert _unpacked_code()
    # ...until the next start, which empties the scratch dir before the emulator runs
    emulator_process.start(sys.executable)
    assert not _unpacked_code()
    _invoke_a_function(local_emulator)
    assert _unpacked_code()
    # And a graceful stop (`down`) leaves no scratch dir at all
    assert emulator_process.stop() is True
    assert not emulator_process.scratch_dir().exists()
