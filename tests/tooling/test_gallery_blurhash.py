"""The gallery's BlurHash decoder (devtools/gallery_site/blurhash.js) paints what the service's
encoder (image_service.placeholder) describes: a solid image decodes to its own colour, and a
left-to-right gradient decodes darker on the dark side."""

import json
import shutil
import subprocess

import pytest

from devtools import paths
from image_service import placeholder

DECODER = paths.ROOT / "devtools" / "gallery_site" / "blurhash.js"


def _decode(hash_: str, width: int, height: int) -> list[int]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node: install Node.js (Debian's `nodejs`) to run the page's decoder here")
    script = (
        f"const {{ blurhashPixels }} = require({json.dumps(str(DECODER))});\n"
        f"process.stdout.write(JSON.stringify(Array.from(blurhashPixels({json.dumps(hash_)}, {width}, {height}))));"
    )
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=60, check=True)
    pixels: list[int] = json.loads(result.stdout)
    return pixels


def _pixel(pixels: list[int], width: int, x: int, y: int) -> list[int]:
    at = 4 * (x + y * width)
    return pixels[at : at + 4]


def test_a_solid_image_decodes_to_its_colour() -> None:
    # BlurHash's basis (cos(pi i x / width), x from 0) leaves small AC terms even for a solid
    # image; at the centre of a 32 x 32 decode every one of them is zero, so it shows the DC alone.
    colour = [200, 30, 60]
    pixels = _decode(placeholder.blurhash(32, 32, bytes(colour) * 32 * 32), 32, 32)
    assert len(pixels) == 32 * 32 * 4
    red, green, blue, alpha = _pixel(pixels, 32, 16, 16)
    assert alpha == 255
    assert max(abs(red - colour[0]), abs(green - colour[1]), abs(blue - colour[2])) <= 2, (red, green, blue)
    assert all(_pixel(pixels, 32, x, y)[3] == 255 for x in range(32) for y in range(32))


def test_a_gradient_keeps_its_direction() -> None:
    # Given a left-to-right grey ramp, 0 to 248
    rows = bytes(value for _ in range(32) for x in range(32) for value in (x * 8,) * 3)
    pixels = _decode(placeholder.blurhash(32, 32, rows), 32, 32)
    # Then the decode is dark on the left, light on the right, grey throughout
    left, right = _pixel(pixels, 32, 2, 16), _pixel(pixels, 32, 29, 16)
    assert left[0] < 80
    assert right[0] > 170
    assert left[0] == left[1] == left[2]
    assert right[0] == right[1] == right[2]
