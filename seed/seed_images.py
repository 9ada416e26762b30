"""Load the sample images through the deployed API. Safe to re-run: what is there is skipped.

Usage: seed_images.py [--base-url URL | --api-id ID] [--api-key KEY] [--data FILE] [--force]
Without URL and key it reads them from the stack `nox -s deploy` made."""

import argparse
import base64
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data" / "images.json"
DEFAULT_IMAGES = HERE / "images"


@dataclass(frozen=True)
class Entry:
    file: Path
    user_id: str
    image_name: str
    description: str | None
    tags: list[str]

    def payload(self, data: bytes) -> dict[str, Any]:
        body: dict[str, Any] = {"user_id": self.user_id, "image_name": self.image_name, "tags": self.tags}
        if self.description is not None:
            body["description"] = self.description
        body["file"] = base64.b64encode(data).decode()
        return body


def load_entries(data_file: Path, images_dir: Path = DEFAULT_IMAGES) -> list[Entry]:
    raw = json.loads(data_file.read_text())
    return [
        Entry(
            file=images_dir / item["file"],
            user_id=item["user_id"],
            image_name=item["image_name"],
            description=item.get("description"),
            tags=list(item.get("tags", [])),
        )
        for item in raw
    ]


def existing_id(entry: Entry, sha256: str, listing: list[dict[str, Any]]) -> str | None:
    """The id of an image of the same user, name and bytes, if one is stored."""
    for image in listing:
        if image.get("image_name") == entry.image_name and image.get("sha256") == sha256:
            return str(image["image_id"])
    return None


def list_all(http: requests.Session, base_url: str, user_id: str) -> list[dict[str, Any]] | requests.Response:
    """Every image of a user, page by page; the failed response if a page fails."""
    images: list[dict[str, Any]] = []
    params = {"user_id": user_id, "limit": "100"}
    while True:
        page = http.get(f"{base_url}/v1/images", params=params, timeout=60)
        if not page.ok:
            return page
        images += page.json()["images"]
        cursor = page.json().get("next_cursor")
        if cursor is None:
            return images
        params["cursor"] = cursor


def _error_text(response: requests.Response) -> str:
    try:
        error = response.json()["error"]
        return f"{response.status_code} {error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        return f"{response.status_code}: {response.text[:200]}"


def seed(base_url: str, api_key: str, entries: list[Entry], *, force: bool) -> dict[str, int]:
    http = requests.Session()
    http.headers["x-api-key"] = api_key
    listings: dict[str, list[dict[str, Any]]] = {}
    counts = {"uploaded": 0, "skipped": 0, "failed": 0}
    width = len(str(len(entries)))
    for number, entry in enumerate(entries, start=1):
        prefix = f"[{number:>{width}}/{len(entries)}] {entry.user_id}/{entry.image_name}"
        try:
            data = entry.file.read_bytes()
        except OSError as err:
            counts["failed"] += 1
            print(f"{prefix}: FAILED, cannot read {entry.file}: {err}", flush=True)
            continue
        sha256 = hashlib.sha256(data).hexdigest()
        if not force:
            if entry.user_id not in listings:
                listed = list_all(http, base_url, entry.user_id)
                if isinstance(listed, requests.Response):
                    counts["failed"] += 1
                    print(f"{prefix}: FAILED, cannot list existing images: {_error_text(listed)}", flush=True)
                    continue
                listings[entry.user_id] = listed
            found = existing_id(entry, sha256, listings[entry.user_id])
            if found:
                counts["skipped"] += 1
                print(f"{prefix}: skipped, already stored as {found}", flush=True)
                continue
        started = time.perf_counter()
        response = http.post(f"{base_url}/v1/images", json=entry.payload(data), timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code == 201:
            counts["uploaded"] += 1
            image_id = response.json()["image_id"]
            print(f"{prefix}: uploaded {len(data):,} bytes as {image_id} ({elapsed:.0f} ms)", flush=True)
        else:
            counts["failed"] += 1
            print(f"{prefix}: FAILED, {_error_text(response)}", flush=True)
    return counts


def _devtools_stack() -> Any:
    """devtools.stack: the one place that knows the emulator URL format and the deployed stack."""
    sys.path.insert(0, str(HERE.parent))
    from devtools import stack  # noqa: PLC0415  only when no URL/key is given

    return stack


def _stack_defaults() -> tuple[str, str]:
    deployed = _devtools_stack().load()
    if deployed is None:
        raise SystemExit("no deployed stack: run `nox -s deploy`, or pass --base-url/--api-id and --api-key")
    return deployed.base_url, deployed.api_key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", help="API base URL (the stage URL; routes are <base-url>/v1/...)")
    parser.add_argument("--api-id", help="REST API id on the emulator (with --stage and AWS_ENDPOINT_URL)")
    parser.add_argument("--stage", default="api", help="stage name, with --api-id (default: api)")
    parser.add_argument("--api-key", help="API key (x-api-key)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="metadata (default: %(default)s)")
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES, help="folder of the image files")
    parser.add_argument("--force", action="store_true", help="upload even images that are already stored")
    args = parser.parse_args(argv)

    base_url, api_key = args.base_url, args.api_key
    if base_url is None and args.api_id:
        devtools_stack = _devtools_stack()
        base_url = devtools_stack.emulator_base_url(devtools_stack.endpoint(), args.api_id, args.stage)
    if base_url is None or api_key is None:
        stack_url, stack_key = _stack_defaults()
        base_url, api_key = base_url or stack_url, api_key or stack_key

    entries = load_entries(args.data, args.images)
    print(f"seeding {len(entries)} images into {base_url}", flush=True)
    counts = seed(base_url.rstrip("/"), api_key, entries, force=args.force)
    print(f"done: {counts['uploaded']} uploaded, {counts['skipped']} skipped, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
