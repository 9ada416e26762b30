"""`nox -s logs`: recent Lambda log events from CloudWatch Logs, one line each, oldest first.

Usage: python -m devtools.lambda_logs [--function NAME ...] [--since MINUTES] [--follow]

Reads the log group `/aws/lambda/<function>` of each function: the deployed ones by default (the
session passes terraform's `function_names` output as `--deployed`), else every `/aws/lambda/` group.
A function is named by its operation (`upload_image`, a key of `function_names`) or in full
(`image-service-upload-image`); a name matching no function is an error listing the valid ones.
MiniStack writes there what AWS does: START, the handler's output, END and REPORT per invocation.
Powertools JSON lines are shown as `LEVEL message key=value ...`.
Runs in the session's virtualenv (boto3, rich); noxfile.py never imports it."""

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient

GROUP_PREFIX = "/aws/lambda/"
DEFAULT_SINCE_MINUTES = 30.0
POLL_SECONDS = 2.0
# --follow re-reads this much before the newest event seen: a slow invocation may write late.
OVERLAP_MS = 10_000
MAX_VALUE = 80
# Powertools keys that repeat on every line of an invocation; the rest are the interesting ones.
CONTEXT_KEYS = frozenset(
    {
        "level",
        "message",
        "timestamp",
        "location",
        "service",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "correlation_id",
        "xray_trace_id",
        "sampling_rate",
        "exception",
        "exception_name",
        "stack_trace",
    }
)
LEVEL_STYLES = {"DEBUG": "dim", "WARNING": "yellow", "ERROR": "bold red", "CRITICAL": "bold red"}
PLATFORM_PREFIXES = ("START RequestId:", "END RequestId:", "REPORT RequestId:", "INIT_START", "EXTENSION")

EventKey = tuple[str, int, str, int]


def function_of(group: str) -> str:
    """The function name of a `/aws/lambda/<name>` log group."""
    return group.removeprefix(GROUP_PREFIX)


def event_time(milliseconds: int) -> str:
    """An event timestamp (ms since the epoch) as `YYYY-MM-DD HH:MM:SS.mmm` UTC."""
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def short(value: object) -> str:
    """A log field value on one line, at most MAX_VALUE characters, quoted when it has spaces."""
    text = value if isinstance(value, str) else json.dumps(value, default=str, separators=(",", ":"))
    text = " ".join(text.split())
    if len(text) > MAX_VALUE:
        text = text[: MAX_VALUE - 1] + "…"
    return json.dumps(text) if " " in text or not text else text


def parse_structured(message: str) -> dict[str, Any] | None:
    """A Powertools (or any JSON-object) log line as a dict; None for plain text."""
    stripped = message.strip()
    if not stripped.startswith("{"):
        return None
    try:
        document = json.loads(stripped)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def describe(message: str) -> tuple[str, str]:
    """(level, text) of one log message: JSON lines compacted, plain lines as they are."""
    document = parse_structured(message)
    if document is None:
        return "", message.replace("\t", "  ").rstrip()
    level = str(document.get("level", ""))
    parts = [str(document.get("message", ""))]
    parts += [f"{name}={short(value)}" for name, value in document.items() if name not in CONTEXT_KEYS]
    if "exception_name" in document or "exception" in document:
        last_line = str(document.get("exception", "")).strip().splitlines()[-1:] or [""]
        parts.append(f"exception={short(last_line[0] or document.get('exception_name', ''))}")
    return level, "  ".join(part for part in parts if part)


def format_event(function: str, event: Mapping[str, Any], width: int = 0) -> Text:
    """One output line: time, function (padded to `width`), level and the compacted message."""
    level, text = describe(str(event.get("message", "")))
    line = Text(no_wrap=True)
    line.append(event_time(int(event["timestamp"])), style="dim")
    line.append("  ")
    line.append(function.ljust(width), style="cyan")
    line.append("  ")
    if level:
        line.append(f"{level:<7} ", style=LEVEL_STYLES.get(level.upper(), "bold"))
    platform = text.startswith(PLATFORM_PREFIXES)
    line.append(text, style="dim" if platform else "")
    return line


def event_keys(events: Iterable[Mapping[str, Any]]) -> list[EventKey]:
    """An identity per event (stream, time, message, repeat count): MiniStack events have no eventId."""
    seen: Counter[tuple[str, int, str]] = Counter()
    keys: list[EventKey] = []
    for event in events:
        base = (str(event.get("logStreamName", "")), int(event["timestamp"]), str(event.get("message", "")))
        keys.append((*base, seen[base]))
        seen[base] += 1
    return keys


def fetch_events(logs: "CloudWatchLogsClient", group: str, start_ms: int) -> list[dict[str, Any]]:
    """Every event of a log group from `start_ms` on, oldest first; none when the group doesn't exist."""
    events: list[dict[str, Any]] = []
    try:
        for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group, startTime=start_ms):
            events.extend(dict(event) for event in page.get("events", []))
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return []
        raise
    return sorted(events, key=lambda event: int(event["timestamp"]))


@dataclass
class Tail:
    """The part of one log group not shown yet: polled again and again by --follow."""

    group: str
    start_ms: int
    seen: set[EventKey] = field(default_factory=set)

    def poll(self, logs: "CloudWatchLogsClient") -> list[dict[str, Any]]:
        """Events that arrived since the last poll (all of them from `start_ms` on the first)."""
        events = fetch_events(logs, self.group, self.start_ms)
        keyed = list(zip(event_keys(events), events, strict=True))
        fresh = [event for key, event in keyed if key not in self.seen]
        if events:
            self.start_ms = max(self.start_ms, int(events[-1]["timestamp"]) - OVERLAP_MS)
        self.seen = {key for key, event in keyed if int(event["timestamp"]) >= self.start_ms}
        return fresh


def lambda_groups(logs: "CloudWatchLogsClient") -> list[str]:
    """Every `/aws/lambda/` log group on the endpoint."""
    return sorted(
        group["logGroupName"]
        for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=GROUP_PREFIX)
        for group in page.get("logGroups", [])
    )


class UnknownFunctionError(ValueError):
    """A --function name that matches no deployed function and no log group."""


def resolve(requested: Sequence[str], deployed: Mapping[str, str], groups: Sequence[str]) -> list[str]:
    """The log groups of the functions asked for, each named by operation or in full.

    `deployed` maps operation names to function names (terraform's `function_names`); `groups` are
    the `/aws/lambda/` groups on the endpoint, so a function outside the stack can be named in full.
    Without a stack, an operation name also finds the one group whose name ends in it, hyphenated
    (`upload_image` -> `...-upload-image`). Raises UnknownFunctionError naming the valid choices."""
    existing = {function_of(group) for group in groups}
    full_names = set(deployed.values()) | existing
    resolved: list[str] = []
    unknown: list[str] = []
    for name in requested:
        bare = function_of(name)
        operation = bare.replace("-", "_")
        if operation in deployed:
            resolved.append(deployed[operation])
        elif bare in full_names:
            resolved.append(bare)
        else:
            suffix = "-" + operation.replace("_", "-")
            matches = sorted(function for function in existing if function.endswith(suffix))
            if not deployed and len(matches) == 1:
                resolved.append(matches[0])
            else:
                unknown.append(name)
    if unknown:
        if deployed:
            choices = [f"{short} ({full})" for short, full in sorted(deployed.items())]
        else:
            choices = sorted(existing)
        raise UnknownFunctionError(
            f"no function {', '.join(map(repr, unknown))}; valid: "
            + (", ".join(choices) if choices else "none (nothing deployed, no /aws/lambda/ log group)")
        )
    return [GROUP_PREFIX + function for function in dict.fromkeys(resolved)]


def deployed_functions(text: str) -> dict[str, str]:
    """--deployed: a JSON object of operation name -> function name."""
    try:
        document = json.loads(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not JSON: {err}") from err
    if not isinstance(document, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in document.items()
    ):
        raise argparse.ArgumentTypeError("expected a JSON object of operation name -> function name")
    return document


def merged(batches: Iterable[tuple[str, list[dict[str, Any]]]]) -> list[tuple[str, dict[str, Any]]]:
    """(function, event) pairs of several groups by time; each group's own order is kept."""
    pairs = [(function_of(group), event) for group, events in batches for event in events]
    return sorted(pairs, key=lambda pair: int(pair[1]["timestamp"]))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nox -s logs --", description="Recent Lambda logs, oldest first.")
    parser.add_argument(
        "--function",
        action="append",
        dest="functions",
        metavar="NAME",
        help="function to show, by operation (upload_image) or in full (image-service-upload-image); "
        "repeatable; default: the deployed ones, else every /aws/lambda/ group",
    )
    parser.add_argument(
        "--deployed",
        type=deployed_functions,
        default={},
        metavar="JSON",
        help="the stack's functions as terraform's function_names output (nox -s logs passes it)",
    )
    parser.add_argument(
        "--since",
        type=float,
        default=DEFAULT_SINCE_MINUTES,
        metavar="MINUTES",
        help=f"how far back to start (default {DEFAULT_SINCE_MINUTES:g})",
    )
    parser.add_argument("--follow", "-f", action="store_true", help=f"keep polling every {POLL_SECONDS:g} s")
    args = parser.parse_args(argv)
    if args.since <= 0:
        parser.error("--since must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(soft_wrap=True, highlight=False)
    logs = boto3.client("logs")
    try:
        if args.functions:
            groups = resolve(args.functions, args.deployed, lambda_groups(logs))
        elif args.deployed:
            groups = [GROUP_PREFIX + name for name in sorted(args.deployed.values())]
        else:
            groups = lambda_groups(logs)
    except (ClientError, BotoCoreError, UnknownFunctionError) as err:
        console.print(Text(f"logs: {err}", style="bold red"))
        return 1
    start_ms = int((time.time() - args.since * 60) * 1000)
    tails = [Tail(group, start_ms) for group in groups]
    width = max((len(function_of(group)) for group in groups), default=0)
    console.print(
        Text(
            f"CloudWatch Logs of {len(groups)} function(s) since {event_time(start_ms)} UTC"
            + (" (Ctrl-C stops)" if args.follow else ""),
            style="bold",
        )
    )
    shown = 0
    try:
        while True:
            for function, event in merged((tail.group, tail.poll(logs)) for tail in tails):
                console.print(format_event(function, event, width))
                shown += 1
            if not args.follow:
                break
            time.sleep(POLL_SECONDS)
    except (ClientError, BotoCoreError) as err:
        console.print(Text(f"logs: {err}", style="bold red"))
        return 1
    except KeyboardInterrupt:
        return 0
    if shown == 0:
        console.print(Text(f"no events in the last {args.since:g} min (invoke the API, or raise --since)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
