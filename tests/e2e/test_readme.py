"""The README's "Use it" curl blocks, pasted as a user would: both run verbatim in one bash, from the
repo root, against the deployed stack. They must succeed, write their files to a scratch directory
(none into the repo), print one JSON document a line, and show paging and the tag filter with
results even on a stack that held no image before.

The first line (`eval "$(./noxw -s info -- --env ...)"`) reads the emulator stack's Terraform state,
so this is not run against a stack on AWS."""

import base64
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools import paths
from tests.fixtures.deployed_api import Api

pytestmark = pytest.mark.emulator_only

README_USER = "alice"  # the user the README's commands upload as
# Not the repo's own files: tool state that any command may touch.
SKIPPED_DIRS = {
    ".git",
    ".nox",
    ".venv",
    ".build",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    "__pycache__",
}


def readme_blocks() -> list[str]:
    """The `sh` blocks of the README's "Use it" section, in order."""
    text = (paths.ROOT / "README.md").read_text()
    section = text.split("\n## Use it", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```sh\n(.*?)^```$", section, re.DOTALL | re.MULTILINE)


def repo_files() -> set[str]:
    """Every file of the work tree (tracked, untracked or ignored), outside tool state."""
    found: set[str] = set()
    for folder, dirs, files in os.walk(paths.ROOT):
        dirs[:] = [name for name in dirs if name not in SKIPPED_DIRS]
        found.update(str(Path(folder, name).relative_to(paths.ROOT)) for name in files)
    return found


@pytest.fixture
def readme_images(api: Api) -> Iterator[None]:
    """Deletes afterwards the images the README's commands leave (they keep the large one)."""
    before = {image["image_id"] for image in api.list_all(README_USER)}
    yield
    for image in api.list_all(README_USER):
        if image["image_id"] not in before:
            api.request("DELETE", f"/v1/images/{image['image_id']}")


def listings(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [document for document in documents if "images" in document]


def test_the_readme_curl_blocks_run_in_a_scratch_directory_and_show_pages_and_tags(
    readme_images: None, tmp_path: Path
) -> None:
    # Given the README's two blocks, one after the other as a user pastes them at the repo root
    blocks = readme_blocks()
    assert len(blocks) == 2, "the Use it section has the quick block and the large-image block"
    assert blocks[0].startswith('eval "$(./noxw -s info -- --env 2>/dev/null)"'), (
        "the first line runs at the root"
    )
    bash = shutil.which("bash")
    assert bash is not None, "the README's blocks are bash"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    files_before = repo_files()

    # When they run in bash (stopping at the first failing command), mktemp's directories in `scratch`
    result = subprocess.run(
        [bash, "-euo", "pipefail", "-c", "\n".join(blocks)],
        cwd=paths.ROOT,
        env={**os.environ, "TMPDIR": str(scratch)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    # Then they succeed and leave no file in the repo: the files are in two scratch directories
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert repo_files() == files_before
    made = {folder.name: {file.name for file in folder.iterdir()} for folder in scratch.glob("tmp.*")}
    assert sorted(made.values(), key=len) == [
        {"dot.png", "dot-download.png"},
        {"big.png", "ticket.json", "big-copy.png", "thumb.webp"},
    ]
    big = next(scratch / name for name, files in made.items() if "big.png" in files)
    image = re.search(r"^IMG=(\S+)$", blocks[0], re.MULTILINE)
    assert image is not None
    assert (big / "big-copy.png").read_bytes() == base64.b64decode(image.group(1))

    # And each JSON document is a line of its own (a header may carry one: X-Image-Metadata)
    lines = result.stdout.splitlines()
    documents = [json.loads(line) for line in lines if line.startswith("{")]
    glued = [
        line
        for line in lines
        if '{"' in line and not line.startswith(("{", "X-Image-Metadata:", "x-image-metadata:"))
    ]
    assert glued == []
    assert {"error": {"code": "INVALID_API_KEY", "message": "Forbidden"}} in documents

    # And the listing, both pages and the tag filter show images
    listed, first_page, second_page, tagged = listings(documents)
    assert [image["image_name"] for image in listed["images"]][:1] == ["dot.png"]
    assert len(first_page["images"]) == 1
    assert "next_cursor" in first_page
    assert len(second_page["images"]) == 1
    assert second_page["images"][0]["image_id"] != first_page["images"][0]["image_id"]
    assert tagged["images"]
    assert all("demo" in image["tags"] for image in tagged["images"])
    assert {"dot2.png"} <= {image["image_name"] for image in tagged["images"]}

    # And the share link: made for the thumb preset, served without a key, alive after a rotation
    # until its version is revoked, then 404 at once; the image's links revoked (204)
    [link] = [document for document in documents if "url" in document and "preset" in document]
    assert link["preset"] == "thumb"
    assert "/v1/shared/" in link["url"]
    [keys] = [document for document in documents if "keys" in document]
    assert keys["current_version"] >= 2
    assert {"error": {"code": "not_found", "message": "No such link."}} in documents
    assert "200 image/webp" in lines  # GET ?preset=thumb
    # the link before the revocation, the revocation, the link after it, the image's links revoked
    assert lines[-4:-2] == ["200", "204"]
    assert json.loads(lines[-2])["error"]["code"] == "not_found"
    assert lines[-1] == "204"
    assert "access-control-allow-origin: *" in result.stdout.lower()
