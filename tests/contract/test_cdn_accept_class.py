"""The CDN's cache key and the API's `format=auto` agree: the viewer-request function
(terraform/modules/cdn/accept_class.js) turns Accept into the class negotiation.accept_class
finds in it, so a class cached at the edge is what the origin would have served that viewer."""

import json
import shutil
import subprocess

import pytest

from devtools import paths
from image_service import negotiation

FUNCTION = paths.TERRAFORM / "modules" / "cdn" / "accept_class.js"

# Real browsers' headers, curl's, and the edge cases of the rule (q=0, malformed q, case, spaces)
HEADERS = [
    None,
    "",
    "*/*",
    "image/*",
    "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",  # Chrome's <img>
    "image/webp,*/*",  # older Firefox
    "image/avif,image/webp,*/*",  # Firefox
    "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5",  # Safari
    "image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5",  # old Safari
    "text/html,application/xhtml+xml",
    "image/avif;q=0, image/webp",
    "image/avif;q=0,image/webp;q=0",
    "IMAGE/AVIF",
    " image/webp ; q=0.5 ",
    "image/avif;q=abc,image/webp",
    "image/avif;q=",
    "image/avif;level=1;q=0.2",
    "image/jpeg",
]

CLASS_VALUE = {"image/avif": "image/avif,*/*", "image/webp": "image/webp,*/*", None: "*/*"}


def _run_function(headers: list[str | None]) -> list[str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node: install Node.js (Debian's `nodejs`) to run the CloudFront function here")
    script = (
        f"const {{ handler }} = require({json.dumps(str(FUNCTION))});\n"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "const out = cases.map((value) => {\n"
        "  const headers = value === null ? {} : { accept: { value } };\n"
        "  return handler({ request: { uri: '/v1/shared/t', headers } }).headers.accept.value;\n"
        "});\n"
        "process.stdout.write(JSON.stringify(out));\n"
    )
    result = subprocess.run(
        [node, "-e", script],
        input=json.dumps(headers),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values: list[str] = json.loads(result.stdout)
    return values


def test_the_edge_normalises_accept_to_the_class_format_auto_negotiates() -> None:
    edge = _run_function(HEADERS)
    assert edge == [CLASS_VALUE[negotiation.accept_class(header)] for header in HEADERS]


def test_each_normalised_value_negotiates_to_its_own_class() -> None:
    # What the origin sees is the class itself: it negotiates to the same answer
    for named, value in CLASS_VALUE.items():
        assert negotiation.accept_class(value) == named
        assert value.endswith("*/*")  # every class still gets bytes from API Gateway (*/* binary)
