"""HEIF/AVIF files read without decoding: type, sizes, rotation, truncation, appended data, and the
lossless metadata strip. Samples are encoded here (libheif's x265, Pillow's libavif)."""

import io
import struct

import pytest
from PIL import Image

from image_service import heif_container
from image_service.errors import CorruptImageError, UnsupportedImageTypeError
from tests.fixtures.images import GPS_IFD, MAKE, avif, exif_of, heic

pytest.importorskip("pillow_heif").register_heif_opener()


def _patched(data: bytes, marker: bytes, offset: int, value: bytes) -> bytes:
    """`data` with `value` written `offset` bytes after the first `marker` (a box type)."""
    at = data.index(marker) + offset
    return data[:at] + value + data[at + len(value) :]


@pytest.mark.parametrize(("make", "content_type"), [(heic, "image/heic"), (avif, "image/avif")])
def test_sniff_reads_the_brands(make: object, content_type: str) -> None:
    data = make()  # type: ignore[operator]
    assert heif_container.sniff(data[:64]) == content_type


def test_sniff_needs_an_ftyp_with_a_known_brand() -> None:
    assert heif_container.sniff(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom") is None
    assert heif_container.sniff(b"\x00\x00\x00\x18moovmif1") is None
    assert heif_container.sniff(b"short") is None
    # a generic brand with the AVIF brand among the compatible ones
    assert heif_container.sniff(b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif") == "image/avif"


@pytest.mark.parametrize("orientation", [None, 3, 5, 6, 8])
@pytest.mark.parametrize("size", [(64, 48), (33, 17), (1, 1)])
def test_heic_layout_is_what_libheif_decodes(size: tuple[int, int], orientation: int | None) -> None:
    data = heic(size, orientation=orientation)
    layout = heif_container.read(data, "image/heic")
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert image.size == (layout.width, layout.height)
    # x265 codes whole 8x8 blocks (padded, then cropped by the clean aperture)
    assert layout.coded_width >= size[0]
    assert layout.end == len(data)
    assert layout.tiles == 1


@pytest.mark.parametrize("orientation", [None, 6])
def test_avif_layout_is_the_coded_size(orientation: int | None) -> None:
    data = avif((33, 17), orientation=orientation)
    layout = heif_container.read(data, "image/avif")
    assert (layout.width, layout.height) == (layout.coded_width, layout.coded_height) == (33, 17)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (33, 17)  # Pillow reports irot as an EXIF orientation instead


@pytest.mark.parametrize("cut", [10, 30, 100, -200, -1])
def test_a_truncated_file_is_refused(cut: int) -> None:
    data = heic()
    with pytest.raises(CorruptImageError, match="truncated"):
        heif_container.read(data[:cut], "image/heic")


def test_appended_data_is_not_part_of_the_image() -> None:
    data = avif()
    layout = heif_container.read(data + b"<html><script>alert(1)</script></html>", "image/avif")
    assert layout.end == len(data)


def test_an_image_sequence_is_refused() -> None:
    data = avif()
    with pytest.raises(UnsupportedImageTypeError, match="sequence"):
        heif_container.read(data + struct.pack(">I4s", 8, b"moov"), "image/avif")


def test_brands_must_match_the_coding() -> None:
    with pytest.raises(UnsupportedImageTypeError, match="coded as AVIF"):
        heif_container.read(avif(), "image/heic")


def test_an_unknown_coding_is_refused() -> None:
    data = avif()
    forged = data.replace(b"av01", b"jpeg")
    with pytest.raises(UnsupportedImageTypeError, match="jpeg"):
        heif_container.read(forged, "image/avif")


def test_no_declared_size_is_refused() -> None:
    with pytest.raises(CorruptImageError, match="no ispe"):
        heif_container.read(heic().replace(b"ispe", b"ispx"), "image/heic")
    with pytest.raises(CorruptImageError, match="no pixels"):
        heif_container.read(_patched(heic(), b"ispe", 8, bytes(8)), "image/heic")


def test_a_forged_clean_aperture_is_refused() -> None:
    with pytest.raises(CorruptImageError, match="zero denominator"):
        heif_container.read(_patched(heic(), b"clap", 8, bytes(8)), "image/heic")
    with pytest.raises(CorruptImageError, match="clean aperture of 1000x48"):
        heif_container.read(_patched(heic(), b"clap", 4, struct.pack(">II", 1000, 1)), "image/heic")


def test_no_primary_item_is_refused() -> None:
    forged = _patched(heic(), b"pitm", 8, b"\x00\x63")  # item 99: not described
    with pytest.raises(CorruptImageError, match="primary item"):
        heif_container.read(forged, "image/heic")


def test_item_data_past_the_file_is_truncation() -> None:
    data = heic()
    mdat = data.index(b"mdat") - 4
    # cut the mdat short and say so in its size: every box ends in the file, an item's data does not
    short = data[:mdat] + struct.pack(">I", 16) + b"mdat" + data[mdat + 8 : mdat + 16]
    with pytest.raises(CorruptImageError, match="data of item"):
        heif_container.read(short, "image/heic")


def test_container_structure_errors() -> None:
    data = heic()
    with pytest.raises(CorruptImageError, match="file type box"):
        heif_container.read(data[data.index(b"meta") - 4 :], "image/heic")
    meta = data.index(b"meta") - 4
    meta_size = struct.unpack_from(">I", data, meta)[0]
    twice = data[: meta + meta_size] + data[meta : meta + meta_size] + data[meta + meta_size :]
    with pytest.raises(CorruptImageError, match="2 meta boxes"):
        heif_container.read(twice, "image/heic")
    with pytest.raises(CorruptImageError, match="shorter than its header"):
        heif_container.read(_patched(data, b"meta", -4, struct.pack(">I", 4)), "image/heic")


def test_large_and_to_the_end_box_sizes() -> None:
    data = avif()
    mdat = data.index(b"mdat") - 4
    to_end = data[:mdat] + struct.pack(">I", 0) + data[mdat + 4 :]  # size 0: to the end of the file
    assert heif_container.read(to_end, "image/avif").end == len(data)
    size = struct.unpack_from(">I", data, mdat)[0]
    large = data[:mdat] + struct.pack(">I4sQ", 1, b"mdat", size + 8) + data[mdat + 8 :]
    assert heif_container.read(large, "image/avif").end == len(large)  # a 64-bit box size


@pytest.mark.parametrize("make", [heic, avif])
@pytest.mark.parametrize("orientation", [None, 6])
def test_strip_removes_exif_and_keeps_the_pixels(make: object, orientation: int | None) -> None:
    data = make((40, 30), orientation=orientation, gps=True)  # type: ignore[operator]
    stripped = heif_container.strip(data)
    assert GPS_IFD in exif_of(data)
    assert MAKE not in exif_of(stripped)
    assert GPS_IFD not in exif_of(stripped)
    assert b"PhoneMaker" not in stripped
    with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(stripped)) as after:
        assert before.size == after.size
        assert before.tobytes() == after.tobytes()
        assert before.getexif().get(0x0112, 1) == after.getexif().get(0x0112, 1)  # irot kept
    assert heif_container.strip(stripped) == stripped


def test_strip_leaves_a_file_without_metadata_unchanged() -> None:
    data = heic()
    assert heif_container.strip(data) == data
    with pytest.raises(ValueError, match="not HEIF"):
        heif_container.strip(b"\x89PNG\r\n\x1a\n")
