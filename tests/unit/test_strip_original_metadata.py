"""The strip_original_metadata setting: off, originals are stored byte for byte; on, inline and
large uploads are stored without GPS, camera and text, and their size and sha256 describe the
bytes stored."""

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from PIL import Image

from image_service.settings import get_settings
from tests.fixtures.image_calls import complete, send, start_ok, upload_ok
from tests.fixtures.images import GPS_IFD, ORIENTATION, avif, exif_of, heic, tagged
from tests.fixtures.moto_aws import BUCKET, clear_process_caches

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def stripping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIP_ORIGINAL_METADATA", "true")
    clear_process_caches()


def stored(image_id: str) -> bytes:
    return boto3.client("s3").get_object(Bucket=BUCKET, Key=f"images/{image_id}")["Body"].read()


def test_off_by_default_originals_are_stored_byte_for_byte() -> None:
    photo = tagged("JPEG")
    assert get_settings().strip_original_metadata is False
    image = upload_ok(photo)
    assert stored(image["image_id"]) == photo


@pytest.mark.usefixtures("stripping")
def test_on_an_inline_upload_is_stored_without_its_metadata() -> None:
    photo = tagged("JPEG")

    image = upload_ok(photo)

    kept = stored(image["image_id"])
    assert exif_of(kept) == {ORIENTATION: 6}
    assert GPS_IFD in exif_of(photo)
    assert (image["size"], image["sha256"]) == (len(kept), hashlib.sha256(kept).hexdigest())
    with Image.open(io.BytesIO(kept)) as clean, Image.open(io.BytesIO(photo)) as original:
        assert clean.tobytes() == original.tobytes()


@pytest.mark.usefixtures("stripping")
def test_on_a_large_upload_is_stored_without_its_metadata() -> None:
    photo = tagged("PNG")
    ticket = start_ok()
    send(ticket, photo)

    image = complete(ticket["image_id"]).json()

    kept = stored(image["image_id"])
    assert exif_of(kept) == {ORIENTATION: 6}
    assert (image["size"], image["sha256"]) == (len(kept), hashlib.sha256(kept).hexdigest())


@pytest.mark.usefixtures("stripping")
def test_on_an_image_without_metadata_is_still_stored_as_sent() -> None:
    plain = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(plain, "PNG")
    ticket = start_ok()
    send(ticket, plain.getvalue())
    image = complete(ticket["image_id"]).json()
    assert stored(image["image_id"]) == plain.getvalue()
    assert stored(upload_ok(plain.getvalue())["image_id"]) == plain.getvalue()


def test_terraform_passes_the_setting_the_functions_read() -> None:
    main = (ROOT / "terraform" / "main.tf").read_text()
    assert re.search(r"STRIP_ORIGINAL_METADATA\s*=\s*tostring\(var\.strip_original_metadata\)", main)
    variables = (ROOT / "terraform" / "variables.tf").read_text()
    assert re.search(r'variable "strip_original_metadata" \{\s*type\s*=\s*bool', variables)
    settings = (ROOT / "functions" / "image_service" / "settings.py").read_text()
    assert '"STRIP_ORIGINAL_METADATA"' in settings


@pytest.mark.usefixtures("stripping")
@pytest.mark.parametrize("make", [heic, avif], ids=["heic", "avif"])
def test_on_heif_uploads_are_stored_without_their_exif_item(make: Any) -> None:
    pytest.importorskip("pillow_heif").register_heif_opener()
    photo = make((40, 30), orientation=6, gps=True)
    inline = upload_ok(photo)
    ticket = start_ok(content_type=inline["content_type"])
    send(ticket, photo)
    large = complete(ticket["image_id"]).json()
    for image in (inline, large):
        kept = stored(image["image_id"])
        assert GPS_IFD in exif_of(photo)
        assert GPS_IFD not in exif_of(kept)
        assert b"PhoneMaker" not in kept
        assert (image["size"], image["sha256"]) == (len(kept), hashlib.sha256(kept).hexdigest())
        assert (image["width"], image["height"]) == (30, 40)  # the rotation is HEIF's own (irot)
        with Image.open(io.BytesIO(kept)) as clean, Image.open(io.BytesIO(photo)) as original:
            assert clean.tobytes() == original.tobytes()
