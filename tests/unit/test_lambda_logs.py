"""`nox -s logs`: Powertools lines compacted, platform lines kept, --follow showing each event once."""

import json
import time

import boto3
import pytest

from devtools.lambda_logs import Tail, describe, event_time, fetch_events, format_event, lambda_groups, merged

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
