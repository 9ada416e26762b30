"""The sample data is valid for the API and the seed script's skip logic is right."""

import base64
import hashlib
import importlib.util
from pathlib import Path

import pytest

from image_service.image_verification import detect_content_type
from image_service.models import UploadRequest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("seed_images", ROOT / "seed" / "seed_images.py")
assert _spec
assert _spec.loader
seed_images = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seed_images)

ENTRIES = seed_images.load_entries(seed_images.DEFAULT_DATA)
EXTENSIONS = {".jpg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp"}


def test_sample_set_covers_every_allowed_format() -> None:
    assert {detect_content_type(entry.file.read_bytes()) for entry in ENTRIES} == set(EXTENSIONS.values())


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.image_name)
def test_each_sample_is_an_image_the_api_accepts(entry: object) -> None:
    data = entry.file.read_bytes()  # type: ignore[attr-defined]
    assert detect_content_type(data) == EXTENSIONS[entry.file.suffix]  # type: ignore[attr-defined]
    assert len(data) < 300_000, "keep the repository light"
    UploadRequest.model_validate(entry.payload(data))  # type: ignore[attr-defined]


def test_every_image_file_is_listed_once() -> None:
    files = sorted(path.name for path in seed_images.DEFAULT_IMAGES.iterdir())
    assert sorted(entry.file.name for entry in ENTRIES) == files


def test_an_entry_is_present_only_with_the_same_name_and_bytes() -> None:
    entry = ENTRIES[0]
    digest = hashlib.sha256(entry.file.read_bytes()).hexdigest()
    same = {"image_id": "1", "image_name": entry.image_name, "sha256": digest}
    renamed = {"image_id": "2", "image_name": "other.jpg", "sha256": digest}
    changed = {"image_id": "3", "image_name": entry.image_name, "sha256": "0" * 64}

    assert seed_images.existing_id(entry, digest, [renamed, changed, same]) == "1"
    assert seed_images.existing_id(entry, digest, [renamed, changed]) is None


def test_payload_carries_the_bytes_as_base64() -> None:
    entry = ENTRIES[0]
    data = entry.file.read_bytes()
    assert base64.b64decode(entry.payload(data)["file"]) == data
