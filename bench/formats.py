"""The formats of issue 16 measured on a 12 MP photo (4000x3000, generated here), through the
functions' own code (variants.render, image_verification.inspect, placeholder.placeholder_of):

- a 2048-pixel variant (MAX_VARIANT_SIDE) in AVIF and WebP beside JPEG: time and size;
- decoding a HEIC (and an AVIF) as an upload verifies it: time and peak RSS beside the function's
  memory;
- the placeholder, from the copy an upload's verification decodes: time beside the upload's floor.

Each measurement runs in a fresh interpreter (`python -m bench.formats OP ...`) with the functions'
modules imported and warmed on a tiny image first; peak memory is the peak RSS (VmHWM, reset
through /proc/self/clear_refs) above the RSS just before the work: native allocations count,
which tracemalloc would not see. Also `python -m bench.formats --research` prints every figure of
the library choice (decoders, encoder settings, placeholder encoders) as JSON lines."""

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.figures import Figure
from bench.progress import Progress
from bench.timing import Spread
from devtools import paths

MB = 1_000_000
SIZE = (4000, 3000)
SECTION = "Modern formats (12 MP photo, in-process, fresh interpreter each)"
SAMPLES = paths.BUILD / "bench" / "formats"
_PEAK_TARGET = 0.6  # of the function's memory, as the worst-case image work


def photo(size: tuple[int, int] = SIZE) -> Any:
    """A photo-like picture: smooth gradients, fractal detail at several scales, fine grain (pure
    noise would be a worst case no camera makes, flat colour a best case)."""
    from PIL import Image, ImageChops, ImageFilter  # noqa: PLC0415

    width, height = size
    detail = Image.effect_mandelbrot((width // 4, height // 4), (-0.75, 0.05, -0.70, 0.09), 200)
    detail = detail.resize(size, Image.Resampling.BICUBIC)
    across = Image.linear_gradient("L").rotate(90).resize(size)
    down = Image.linear_gradient("L").resize(size)
    clouds = Image.effect_noise((width // 32, height // 32), 64).resize(size, Image.Resampling.BICUBIC)
    middle = Image.effect_noise((width // 4, height // 4), 48).filter(ImageFilter.GaussianBlur(2))
    middle = middle.resize(size, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(size, 10)
    red = ImageChops.add(ImageChops.multiply(detail, across), clouds, scale=1.6)
    green = ImageChops.add(ImageChops.blend(down, detail, 0.5), middle, scale=1.5)
    blue = ImageChops.add(ImageChops.blend(clouds, across, 0.4), grain, scale=1.3)
    return Image.merge("RGB", (red, green, blue))


def samples() -> dict[str, Path]:
    """The photo as JPEG (quality 90), HEIC (libheif's x265, quality 80) and AVIF (libavif, the
    service's settings), made once and kept under .build/ (a 12 MP HEIC takes x265 a minute)."""
    import pillow_heif  # noqa: PLC0415

    files = {"jpeg": SAMPLES / "photo.jpg", "heic": SAMPLES / "photo.heic", "avif": SAMPLES / "photo.avif"}
    if all(path.exists() for path in files.values()):
        return files
    SAMPLES.mkdir(parents=True, exist_ok=True)
    picture = photo()
    picture.save(files["jpeg"], quality=90)
    pillow_heif.from_pillow(picture).save(files["heic"], quality=80)
    picture.save(files["avif"], quality=60, speed=10)
    return files


# ---- in the fresh interpreter ----


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _measured(work: Callable[[], Any]) -> dict[str, Any]:
    before = _status("VmRSS:")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    return {"s": seconds, "peak_bytes": _status("VmHWM:") - before, "result": result}


def _functions() -> None:
    sys.path.insert(0, str(paths.FUNCTIONS))


def op_variant(source: str, output: str) -> dict[str, Any]:
    _functions()
    from image_service import variants  # noqa: PLC0415

    data = Path(source).read_bytes()
    spec = variants.VariantSpec(width=2048, height=None, fit="contain", content_type=f"image/{output}")
    tiny = variants.VariantSpec(width=8, height=None, fit="contain", content_type=f"image/{output}")
    variants.render(data, tiny)  # code pages and codec set-up, not buffers
    measured = _measured(lambda: len(variants.render(data, spec)))
    return {"s": measured["s"], "peak_bytes": measured["peak_bytes"], "bytes": measured["result"]}


def op_inspect(source: str) -> dict[str, Any]:
    _functions()
    from image_service.image_verification import inspect  # noqa: PLC0415

    data = Path(source).read_bytes()
    measured = _measured(lambda: inspect(data))
    shown = measured["result"]
    return {"s": measured["s"], "peak_bytes": measured["peak_bytes"], "size": [shown.width, shown.height]}


def op_placeholder(source: str, runs: str) -> dict[str, Any]:
    _functions()
    from PIL import Image  # noqa: PLC0415

    from image_service.placeholder import placeholder_of  # noqa: PLC0415

    with Image.open(source) as image:  # as verification decodes a JPEG: at 1/8 scale
        image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()
        decoded = image.copy()
    placeholder_of(decoded)
    times = []
    for _ in range(int(runs)):
        started = time.perf_counter()
        placeholder_of(decoded)
        times.append(time.perf_counter() - started)
    return {"times": times}


_OPS: dict[str, Callable[..., dict[str, Any]]] = {
    "variant": op_variant,
    "inspect": op_inspect,
    "placeholder": op_placeholder,
}


def _run(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.formats", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=paths.ROOT,
    )
    if done.returncode:
        raise RuntimeError(f"bench.formats {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def format_figures(runs: int, progress: Progress, *, upload_floor: Spread | None) -> list[Figure]:
    """The rows of `nox -s bench` for the new formats (see the module docstring)."""
    sys.path.insert(0, str(paths.FUNCTIONS))
    from image_service import contract  # noqa: PLC0415

    tick = progress.step("modern formats (12 MP samples, variants, decodes, placeholder)", 1 + 5 * runs + 1)
    files = samples()
    tick()
    figures: list[Figure] = []
    variants: dict[str, list[dict[str, Any]]] = {}
    for output in ("jpeg", "webp", "avif"):
        variants[output] = []
        for _ in range(runs):
            variants[output].append(_run("variant", str(files["jpeg"]), output))
            tick()
    jpeg_time = Spread([run["s"] * 1000 for run in variants["jpeg"]])
    jpeg_size = variants["jpeg"][0]["bytes"]
    for output in ("webp", "avif", "jpeg"):
        measured = variants[output]
        size = measured[0]["bytes"]
        figures.append(
            Figure(
                SECTION,
                f"2048x1536 {output.upper()} variant of a 12 MP JPEG: time",
                "ms",
                Spread([run["s"] * 1000 for run in measured]),
                None if output == "jpeg" else jpeg_time,
                "" if output == "jpeg" else "the JPEG variant",
                detail=(
                    f"{size / 1000:,.0f} KB ({size / jpeg_size:.0%} of JPEG's {jpeg_size / 1000:,.0f} KB); "
                    f"peak RSS +{max(run['peak_bytes'] for run in measured) / MB:.0f} MB"
                ),
                extra={"bytes": size, "jpeg_bytes": jpeg_size},
            )
        )
    memory = Spread([contract.FUNCTION_MEMORY_MB * 2**20 / MB])
    for kind in ("heic", "avif"):
        measured = [_run("inspect", str(files[kind])) for _ in range(runs)]
        for _ in range(runs):
            tick()
        seconds = statistics.median([run["s"] for run in measured])
        figures.append(
            Figure(
                SECTION,
                f"12 MP {kind.upper()} verified as an upload (decode + placeholder): peak RSS above baseline",
                "MB",
                Spread([run["peak_bytes"] / MB for run in measured]),
                memory,
                f"lambda_memory_size {contract.FUNCTION_MEMORY_MB} MB",
                _PEAK_TARGET,
                detail=(
                    f"{seconds * 1000:,.0f} ms; file {files[kind].stat().st_size / MB:.1f} MB; decode budget "
                    f"{contract.DECODE_BUDGET_BYTES / MB:.0f} MB"
                ),
            )
        )
    placeholder = _run("placeholder", str(files["jpeg"]), "50")
    tick()
    figures.append(
        Figure(
            SECTION,
            "placeholder (BlurHash 4x3 from the 1/8-scale decode of a 12 MP JPEG), median of 50",
            "ms",
            Spread([statistics.median(placeholder["times"]) * 1000]),
            upload_floor,
            "upload_image 100 KB's floor (S3 put + DynamoDB put)" if upload_floor else "",
            detail=(
                f"min {min(placeholder['times']) * 1000:.2f} ms, "
                f"max {max(placeholder['times']) * 1000:.2f} ms"
            ),
        )
    )
    return figures


def research() -> None:
    """The library choice's figures (bench/formats.py's docstring), one JSON line each."""
    files = samples()
    for kind in ("jpeg", "heic", "avif"):
        print(json.dumps({"op": f"inspect {kind}", **_run("inspect", str(files[kind]))}), flush=True)
    for output in ("jpeg", "webp", "avif"):
        print(
            json.dumps({"op": f"variant {output}", **_run("variant", str(files["jpeg"]), output)}), flush=True
        )
    placeholder = _run("placeholder", str(files["jpeg"]), "50")
    print(json.dumps({"op": "placeholder", "median_ms": statistics.median(placeholder["times"]) * 1000}))


if __name__ == "__main__":
    if sys.argv[1:] == ["--research"]:
        research()
    else:
        print(json.dumps(_OPS[sys.argv[1]](*sys.argv[2:])), flush=True)
