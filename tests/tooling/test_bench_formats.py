"""bench/formats.py measures through the functions' own code, in a fresh interpreter: each
operation answers with what it measured (here on small samples; `nox -s bench` uses 12 MP)."""

from pathlib import Path

import pytest

from bench import formats
from tests.fixtures.images import JPEG, avif, heic


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {"jpeg": tmp_path / "a.jpg", "heic": tmp_path / "a.heic", "avif": tmp_path / "a.avif"}
    made["jpeg"].write_bytes(JPEG)
    made["heic"].write_bytes(heic((64, 48)))
    made["avif"].write_bytes(avif((64, 48)))
    return made


@pytest.mark.parametrize("output", ["jpeg", "webp", "avif"])
def test_a_variant_is_measured(files: dict[str, Path], output: str) -> None:
    measured = formats._run("variant", str(files["jpeg"]), output)
    assert measured["bytes"] > 0
    assert measured["s"] > 0
    assert measured["peak_bytes"] >= 0


@pytest.mark.parametrize("kind", ["heic", "avif"])
def test_an_upload_verification_is_measured(files: dict[str, Path], kind: str) -> None:
    measured = formats._run("inspect", str(files[kind]))
    assert measured["size"] == [64, 48]
    assert measured["s"] > 0


def test_the_placeholder_is_timed(files: dict[str, Path]) -> None:
    assert len(formats._run("placeholder", str(files["jpeg"]), "3")["times"]) == 3


def test_the_photo_is_twelve_megapixels_and_photo_like() -> None:
    picture = formats.photo((400, 300))
    assert picture.size == (400, 300)
    assert formats.SIZE[0] * formats.SIZE[1] == 12_000_000
    extrema = picture.getextrema()
    assert all(high - low > 100 for low, high in extrema)  # gradients and detail, not flat
