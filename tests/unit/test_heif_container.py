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


# ---- Containers built box by box: the shapes encoders other than libheif's write (grids of
# tiles as iPhones write them, data in idat, wide ids, 16-bit property indexes) ----


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _full(kind: bytes, version: int, payload: bytes, flags: int = 0) -> bytes:
    return _box(kind, bytes([version]) + flags.to_bytes(3, "big") + payload)


def _built(
    *,
    grid: bool = False,
    wide: bool = False,
    idat: bool = False,
    exif: bool = True,
    rotation: int = 0,
    legacy_entry: bool = False,
) -> bytes:
    """A HEIC container (its coded data is filler: the reader never decodes): a primary item (one
    image, or a 2x1 grid of two 64x64 tiles), an Exif item, properties, references, locations."""
    id_size = 4 if wide else 2
    coded = [b"\x11" * 40, b"\x22" * 40] if grid else [b"\x11" * 40]
    exif_data = b"\x00\x00\x00\x06Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x00"
    image_ids = [2, 3] if grid else [1]
    items: list[tuple[int, bytes, bytes | None]] = [
        (image_id, b"hvc1", data) for image_id, data in zip(image_ids, coded, strict=True)
    ]
    if grid:
        items.insert(0, (1, b"grid", b"\x00\x00\x00\x7f\x00\x3f"))  # rows-1, cols-1, 128x64
    if exif:
        items.append((9, b"Exif", exif_data))

    def infe(item_id: int, kind: bytes) -> bytes:
        if wide:
            return _full(b"infe", 3, item_id.to_bytes(4, "big") + b"\x00\x00" + kind + b"\x00")
        return _full(b"infe", 2, item_id.to_bytes(2, "big") + b"\x00\x00" + kind + b"\x00")

    entries = [infe(item_id, kind) for item_id, kind, _ in items]
    if legacy_entry:
        entries.append(_full(b"infe", 0, b"\x00\x07\x00\x00name\x00"))
    iinf = _full(
        b"iinf", 1 if wide else 0, len(entries).to_bytes(4 if wide else 2, "big") + b"".join(entries)
    )
    properties = [
        _full(b"ispe", 0, struct.pack(">II", 128 if grid else 64, 64)),
        _full(b"ispe", 0, struct.pack(">II", 64, 64)),
        _box(b"irot", bytes([rotation])),
        _box(b"hvcC", b"\x01" * 23),
    ]
    ipco = _box(b"ipco", b"".join(properties))

    def association(item_id: int, indexes: list[int]) -> bytes:
        body = item_id.to_bytes(id_size, "big") + bytes([len(indexes)])
        if wide:  # flags 1: 16-bit indexes
            return body + b"".join(struct.pack(">H", 0x8000 | index) for index in indexes)
        return body + bytes(0x80 | index for index in indexes)

    associations = [association(1, [1, 3] if rotation else [1])]
    associations += [association(tile, [2, 4]) for tile in image_ids if grid]
    ipma = _full(
        b"ipma",
        1 if wide else 0,
        struct.pack(">I", len(associations)) + b"".join(associations),
        flags=1 if wide else 0,
    )
    iprp = _box(b"iprp", ipco + ipma)
    references = []
    if grid:
        references.append(
            _box(
                b"dimg",
                (1).to_bytes(id_size, "big")
                + struct.pack(">H", 2)
                + b"".join(i.to_bytes(id_size, "big") for i in image_ids),
            )
        )
    if exif:
        references.append(
            _box(b"cdsc", (9).to_bytes(id_size, "big") + struct.pack(">H", 1) + (1).to_bytes(id_size, "big"))
        )
    iref = _full(b"iref", 1 if wide else 0, b"".join(references)) if references else b""
    stored = [(item_id, data) for item_id, _, data in items if data is not None]

    def iloc(base: int) -> bytes:
        body = bytes([0x44, 0x40]) + len(stored).to_bytes(2 if not wide else 4, "big")  # 4-byte fields
        position = 0
        for item_id, data in stored:
            in_idat = idat and item_id != 9
            body += item_id.to_bytes(2 if not wide else 4, "big")
            body += struct.pack(">H", 1 if in_idat else 0) + b"\x00\x00"
            body += struct.pack(">I", 0 if in_idat else base) + struct.pack(">H", 1)
            offset = (
                position
                if not in_idat
                else sum(len(d) for i, d in stored[: stored.index((item_id, data))] if i != 9)
            )
            body += struct.pack(">II", offset, len(data))
            if not in_idat:
                position += len(data)
        return _full(b"iloc", 2 if wide else 1, body)

    ftyp = _box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic")
    pitm = _full(b"pitm", 1 if wide else 0, (1).to_bytes(id_size, "big"))
    hdlr = _full(b"hdlr", 0, b"\x00\x00\x00\x00pict" + bytes(12) + b"\x00")
    in_mdat = [data for item_id, data in stored if not (idat and item_id != 9)]
    idat_box = _box(b"idat", b"".join(data for item_id, data in stored if item_id != 9)) if idat else b""

    def meta(base: int) -> bytes:
        return _full(b"meta", 0, hdlr + pitm + iinf + iprp + iref + iloc(base) + idat_box)

    base = len(ftyp) + len(meta(0)) + 8
    return ftyp + meta(base) + _box(b"mdat", b"".join(in_mdat))


@pytest.mark.parametrize("wide", [False, True], ids=["narrow", "wide"])
@pytest.mark.parametrize("idat", [False, True], ids=["mdat", "idat"])
def test_a_grid_of_tiles_is_read(wide: bool, idat: bool) -> None:
    data = _built(grid=True, wide=wide, idat=idat, rotation=1)
    layout = heif_container.read(data, "image/heic")
    assert (layout.coded_width, layout.coded_height) == (128, 64)
    assert (layout.width, layout.height) == (64, 128)  # irot: a quarter turn
    assert (layout.tiles, layout.tile_pixels) == (2, 64 * 64)
    assert layout.exif_items == (9,)


@pytest.mark.parametrize("wide", [False, True], ids=["narrow", "wide"])
@pytest.mark.parametrize("idat", [False, True], ids=["mdat", "idat"])
def test_strip_rewrites_every_shape(wide: bool, idat: bool) -> None:
    data = _built(grid=True, wide=wide, idat=idat)
    stripped = heif_container.strip(data)
    layout = heif_container.read(stripped, "image/heic")
    assert layout.exif_items == ()
    assert b"Exif\x00\x00MM" not in stripped
    assert (layout.tiles, layout.coded_width) == (2, 128)
    # the tiles' bytes are where the locations say, after the shrunk meta box
    meta = heif_container._meta(
        stripped, next(b for b in heif_container._top_level(stripped, "HEIC")[0] if b[0] == b"meta"), "HEIC"
    )
    for tile, filler in ((2, b"\x11"), (3, b"\x22")):
        method, offset, length = meta.extents[tile][0]
        source = stripped if method == 0 else stripped[meta.idat[0] : meta.idat[1]] if meta.idat else b""
        assert source[offset : offset + length] == filler * 40


def test_a_grid_without_tiles_and_legacy_entries() -> None:
    plain = _built(legacy_entry=True, exif=False)
    assert heif_container.read(plain, "image/heic").tiles == 1
    assert heif_container.strip(plain) == plain
    no_tiles = _built(grid=True).replace(b"dimg", b"auxl")
    with pytest.raises(CorruptImageError, match="grid without tiles"):
        heif_container.read(no_tiles, "image/heic")


def test_a_coded_item_without_locations_is_truncated() -> None:
    data = _built(exif=False)
    # item 1's location entry renamed to item 5: the image item has no data
    at = data.index(b"iloc") + 4 + 4 + 2 + 2
    with pytest.raises(CorruptImageError, match="item 1 has no data"):
        heif_container.read(data[:at] + b"\x00\x05" + data[at + 2 :], "image/heic")


@pytest.mark.parametrize(
    ("tail", "reason"),
    [
        (b"\x00\x00\x00", "box header is cut off"),
        (struct.pack(">I4s", 1, b"free") + b"\x00\x00", "box header is cut off"),
        (struct.pack(">I4s", 4, b"free"), "shorter than its header"),
        (struct.pack(">I4s", 64, b"free"), "overruns"),
    ],
)
def test_broken_boxes_inside_the_meta_box(tail: bytes, reason: str) -> None:
    data = _built(exif=False)
    meta = data.index(b"meta") - 4
    size = struct.unpack_from(">I", data, meta)[0]
    grown = (
        data[:meta]
        + struct.pack(">I", size + len(tail))
        + data[meta + 4 : meta + size]
        + tail
        + data[meta + size :]
    )
    with pytest.raises(CorruptImageError, match=reason):
        heif_container.read(grown, "image/heic")
