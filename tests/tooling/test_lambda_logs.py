"""`nox -s logs`: Powertools lines compacted, platform lines kept, --follow showing each event once."""

import json
import time

import boto3
import pytest

from devtools import lambda_logs
from devtools.lambda_logs import (
    Tail,
    UnknownFunctionError,
    describe,
    event_time,
    fetch_events,
    format_event,
    lambda_groups,
    merged,
    resolve,
)

GROUP = "/aws/lambda/image-service-get-image"
POWERTOOLS_LINE = json.dumps(
    {
        "level": "INFO",
        "location": "_domain_error:86",
        "message": "request rejected",
        "timestamp": "2026-11-24 22:03:09,616+0000",
        "service": "image-service",
        "cold_start": True,
        "function_name": "image-service-get-image",
        "function_arn": "arn:aws:lambda:us-east-1:000000000000:function:image-service-get-image",
        "function_request_id": "936432f1",
        "correlation_id": "86d0af11",
        "error_code": "image_not_found",
        "status": 404,
        "reason": "No image with this id.",
    }
)


@pytest.fixture
def log_group(aws: None) -> str:
    logs = boto3.client("logs")
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="2026/11/24/[$LATEST]abc")
    return GROUP


DEPLOYED = {
    "upload_image": "image-service-upload-image",
    "get_image": "image-service-get-image",
    "list_images": "image-service-list-images",
}


def put(messages: list[str], timestamp: int, stream: str = "2026/11/24/[$LATEST]abc") -> None:
    boto3.client("logs").put_log_events(
        logGroupName=GROUP,
        logStreamName=stream,
        logEvents=[{"timestamp": timestamp, "message": message} for message in messages],
    )


def now_ms() -> int:
    return int(time.time() * 1000)


def test_powertools_lines_show_level_message_and_the_request_fields_only() -> None:
    level, text = describe(POWERTOOLS_LINE)
    assert level == "INFO"
    assert text == 'request rejected  error_code=image_not_found  status=404  reason="No image with this id."'


def test_a_logged_exception_shows_its_last_traceback_line() -> None:
    line = json.dumps(
        {
            "level": "ERROR",
            "message": "unhandled error",
            "exception": 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: boom',
            "exception_name": "ValueError",
        }
    )
    assert describe(line) == ("ERROR", 'unhandled error  exception="ValueError: boom"')


def test_plain_and_platform_lines_are_kept_as_written() -> None:
    report = "REPORT RequestId: r1\tDuration: 5 ms"
    assert describe(report) == ("", "REPORT RequestId: r1  Duration: 5 ms")
    assert describe("{not json") == ("", "{not json")
    assert describe("[1, 2]") == ("", "[1, 2]")


def test_an_event_line_has_time_function_level_and_text() -> None:
    line = format_event("get-image", {"timestamp": 1_795_557_789_622, "message": POWERTOOLS_LINE}, width=12)
    assert line.plain.startswith("2026-11-24 22:03:09.622  get-image     INFO    request rejected")
    assert "\n" not in line.plain
    assert event_time(0) == "1970-01-01 00:00:00.000"


def test_events_of_every_stream_come_oldest_first_and_a_missing_group_has_none(log_group: str) -> None:
    # Given a later invocation in one stream and an earlier one in another
    logs = boto3.client("logs")
    logs.create_log_stream(logGroupName=log_group, logStreamName="other")
    start = now_ms()
    put(["later"], start + 2)
    put(["earlier"], start + 1, stream="other")
    put(["too old"], start - 60_000, stream="other")

    # Then reading from `start` gives both by time, and nothing before it
    assert [event["message"] for event in fetch_events(logs, log_group, start)] == ["earlier", "later"]
    assert fetch_events(logs, "/aws/lambda/never-invoked", start) == []


def test_follow_shows_each_event_once_even_when_identical_lines_repeat(log_group: str) -> None:
    # Given an invocation already logged (MiniStack stamps all its lines with one time)
    logs = boto3.client("logs")
    start = now_ms()
    put(["START RequestId: r1", "same", "same", "END RequestId: r1"], start)
    tail = Tail(log_group, start - 1000)

    # When the group is polled, then polled again after another invocation
    first = [event["message"] for event in tail.poll(logs)]
    put(["START RequestId: r2", "same", "END RequestId: r2"], start + 5)
    second = [event["message"] for event in tail.poll(logs)]
    third = tail.poll(logs)

    # Then every line shows once, the repeated one included, and nothing is shown twice
    assert first == ["START RequestId: r1", "same", "same", "END RequestId: r1"]
    assert second == ["START RequestId: r2", "same", "END RequestId: r2"]
    assert third == []


def test_follow_shows_a_line_repeated_later_with_the_same_time(log_group: str) -> None:
    logs = boto3.client("logs")
    start = now_ms()
    put(["same"], start)
    tail = Tail(log_group, start - 1000)
    assert [event["message"] for event in tail.poll(logs)] == ["same"]

    put(["same"], start)

    assert [event["message"] for event in tail.poll(logs)] == ["same"]
    assert tail.poll(logs) == []


def test_lambda_groups_are_found_when_no_function_is_named(aws: None) -> None:
    logs = boto3.client("logs")
    for name in ("/aws/lambda/b", "/aws/lambda/a", "/ecs/other"):
        logs.create_log_group(logGroupName=name)
    assert lambda_groups(logs) == ["/aws/lambda/a", "/aws/lambda/b"]


def test_groups_are_merged_by_time_keeping_each_groups_order() -> None:
    pairs = merged(
        [
            ("/aws/lambda/a", [{"timestamp": 1, "message": "a1"}, {"timestamp": 3, "message": "a3"}]),
            ("/aws/lambda/b", [{"timestamp": 2, "message": "b2"}, {"timestamp": 3, "message": "b3"}]),
        ]
    )
    assert [(function, event["message"]) for function, event in pairs] == [
        ("a", "a1"),
        ("b", "b2"),
        ("a", "a3"),
        ("b", "b3"),
    ]


def test_a_function_is_found_by_its_operation_name_or_its_full_name() -> None:
    # Given the deployed functions (terraform's function_names), one of them never invoked (no group)
    groups = ["/aws/lambda/image-service-get-image"]

    # Then the README's short names and the full names both give the function's log group, once each
    assert resolve(["upload_image"], DEPLOYED, groups) == ["/aws/lambda/image-service-upload-image"]
    assert resolve(["image-service-upload-image", "upload-image", "upload_image"], DEPLOYED, groups) == [
        "/aws/lambda/image-service-upload-image"
    ]
    assert resolve(["/aws/lambda/image-service-get-image", "list_images"], DEPLOYED, groups) == [
        "/aws/lambda/image-service-get-image",
        "/aws/lambda/image-service-list-images",
    ]


def test_a_function_outside_the_stack_is_found_in_full_when_its_group_exists() -> None:
    assert resolve(["other-fn"], DEPLOYED, ["/aws/lambda/other-fn"]) == ["/aws/lambda/other-fn"]


def test_an_unknown_function_is_an_error_listing_the_valid_names() -> None:
    with pytest.raises(UnknownFunctionError) as raised:
        resolve(["upload_image", "uplaod_image"], DEPLOYED, [])
    message = str(raised.value)
    assert "'uplaod_image'" in message
    assert "'upload_image'" not in message  # the valid one is not reported as unknown
    assert "get_image (image-service-get-image)" in message
    assert "upload_image (image-service-upload-image)" in message


def test_without_a_stack_an_operation_name_finds_the_one_group_ending_in_it() -> None:
    groups = ["/aws/lambda/image-service-upload-image", "/aws/lambda/image-service-start-upload"]
    assert resolve(["upload_image"], {}, groups) == ["/aws/lambda/image-service-upload-image"]
    with pytest.raises(UnknownFunctionError, match="valid: image-service-start-upload, image-service-upload"):
        resolve(["delete_image"], {}, groups)
    with pytest.raises(UnknownFunctionError, match="nothing deployed"):
        resolve(["upload_image"], {}, [])


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = lambda_logs.main(argv)
    return code, capsys.readouterr().out


def test_logs_by_short_name_show_that_functions_events(
    log_group: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an event in get_image's group and the stack's function names as the session passes them
    put(["a get_image line"], now_ms())
    deployed = ["--deployed", json.dumps(DEPLOYED)]

    # When `logs -- --function get_image` runs
    code, out = run_main([*deployed, "--function", "get_image"], capsys)

    # Then it reads that group and shows the event
    assert code == 0
    assert "CloudWatch Logs of 1 function(s)" in out
    assert "image-service-get-image  a get_image line" in out


def test_logs_of_an_unknown_function_fail_and_say_which_names_are_valid(
    log_group: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_main(["--deployed", json.dumps(DEPLOYED), "--function", "nope"], capsys)
    assert code == 1
    assert "no function 'nope'" in out
    assert "upload_image (image-service-upload-image)" in out
    assert "CloudWatch Logs of" not in out


def test_without_function_the_deployed_ones_are_read(
    log_group: str, capsys: pytest.CaptureFixture[str]
) -> None:
    boto3.client("logs").create_log_group(logGroupName="/aws/lambda/not-in-the-stack")
    code, out = run_main(["--deployed", json.dumps(DEPLOYED)], capsys)
    assert code == 0
    assert "CloudWatch Logs of 3 function(s)" in out


def test_deployed_must_be_an_object_of_names() -> None:
    with pytest.raises(SystemExit):
        lambda_logs.parse_args(["--deployed", '["upload_image"]'])
    with pytest.raises(SystemExit):
        lambda_logs.parse_args(["--deployed", "{not json"])
