"""HEIF and AVIF files read without decoding their pixels (pure): both are ISO base media files
(ISO/IEC 14496-12), a run of boxes (`ftyp`, `meta`, `mdat`, ...) in which the `meta` box names a
primary item, its coding (`hvc1`: HEVC, HEIC; `av01`: AV1, AVIF; `grid`: tiles of one of those),
its declared size (`ispe`), its rotation and mirroring (`irot`, `imir`: HEIF has no EXIF
orientation of its own; decoders apply these) and where every item's bytes are (`iloc`).

What is refused here, before any decoder runs: a file that is not a still image of one of those
codings (image sequences, overlays, other codings), a box or an item's bytes past the end of the
file (truncated), and anything after the last box (a polyglot). `data` is bytes or an mmap."""

import mmap
import struct
from dataclasses import dataclass, field

from image_service import formats
from image_service.errors import CorruptImageError, UnsupportedImageTypeError

ImageBytes = bytes | mmap.mmap

HEVC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis"})
AV1_BRANDS = frozenset({b"avif"})
GENERIC_BRANDS = frozenset({b"mif1", b"miaf"})
# Top-level boxes a still HEIF/AVIF image is made of; any other ends the image (what follows is
# appended data). `moov` (an image sequence: animated AVIF, HEIF bursts) is refused by name.
_TOP_LEVEL = frozenset({b"ftyp", b"meta", b"mdat", b"free", b"skip", b"uuid", b"idat"})
# The coding of an image item (its infe type) and the format it makes the file.
_CODINGS = {b"hvc1": "image/heic", b"av01": "image/avif"}


def sniff(head: bytes) -> str | None:
    """The type an ISO base media file's `ftyp` claims (HEVC or AV1 brands), or None."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, len(head) - 3, 4)}
    if brands & AV1_BRANDS:
        return "image/avif"
    if brands & HEVC_BRANDS:
        return "image/heic"
    return None


@dataclass(frozen=True, slots=True)
class Item:
    item_id: int
    kind: bytes
    properties: tuple[int, ...] = ()  # 1-based indexes into ipco


@dataclass(slots=True)
class _Meta:
    primary: int = 0
    items: dict[int, Item] = field(default_factory=dict)
    properties: list[tuple[bytes, int, int]] = field(default_factory=list)  # (type, payload, end)
    references: dict[tuple[bytes, int], list[int]] = field(default_factory=dict)
    extents: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)  # (method, offset, length)
    idat: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class HeifLayout:
    content_type: str
    width: int  # as decoded: HEIC cropped (clap) and turned (irot), AVIF as coded
    height: int
    coded_width: int  # as stored (ispe): what the decoder allocates
    coded_height: int
    end: int
    tiles: int  # 1, or the number of tiles of a grid
    tile_pixels: int  # the largest tile's (or the image's) pixels
    exif_items: tuple[int, ...]
    xmp_items: tuple[int, ...]


def _truncated(name: str, what: str = "") -> CorruptImageError:
    return CorruptImageError(f"The {name} image is truncated{what}: its data ends before the image does.")


def _boxes(data: ImageBytes, start: int, end: int, name: str) -> list[tuple[bytes, int, int]]:
    """(type, payload start, box end) of each box in data[start:end]."""
    boxes = []
    position = start
    while position < end:
        if position + 8 > end:
            raise _truncated(name, " (a box header is cut off)")
        size, kind = struct.unpack_from(">I4s", data, position)
        header = 8
        if size == 1:
            if position + 16 > end:
                raise _truncated(name, " (a box header is cut off)")
            size = struct.unpack_from(">Q", data, position + 8)[0]
            header = 16
        elif size == 0:
            size = end - position
        if size < header:
            raise CorruptImageError(f"The {name} image has a box ({kind!r}) shorter than its header.")
        if position + size > end:
            raise _truncated(name, f" (box {kind!r} overruns its container)")
        boxes.append((bytes(kind), position + header, position + size))
        position += size
    return boxes


def _top_level(data: ImageBytes, name: str) -> tuple[list[tuple[bytes, int, int]], int]:
    """The file's top-level boxes up to the first that is not part of a still image, and where
    the image ends. A box whose size runs past the end of the file is truncation."""
    boxes = []
    position = 0
    length = len(data)
    while position + 8 <= length:
        size, kind = struct.unpack_from(">I4s", data, position)
        if kind == b"moov":
            raise UnsupportedImageTypeError(
                f"The {name} file is an image sequence (animation); only still images are accepted."
            )
        if kind not in _TOP_LEVEL:
            break  # not a box of this image: appended data (refused by the caller)
        header = 8
        if size == 1:
            if position + 16 > length:
                raise _truncated(name)
            size, header = struct.unpack_from(">Q", data, position + 8)[0], 16
        elif size == 0:
            size = length - position
        if size < header:
            raise CorruptImageError(f"The {name} image has a box ({kind!r}) shorter than its header.")
        if position + size > length:
            raise _truncated(name, f" (box {kind!r} overruns the file)")
        boxes.append((bytes(kind), position + header, position + size))
        position += size
    return boxes, position


def read(data: ImageBytes, content_type: str) -> HeifLayout:
    """The layout of a still HEIF/AVIF image (see the module docstring); 415 with the reason."""
    name = formats.of(content_type).name
    try:
        return _read(data, content_type, name)
    except (IndexError, struct.error) as err:
        raise _truncated(name) from err


def _read(data: ImageBytes, content_type: str, name: str) -> HeifLayout:
    boxes, end = _top_level(data, name)
    kinds = [kind for kind, _, _ in boxes]
    if not kinds or kinds[0] != b"ftyp":
        raise CorruptImageError(f"The {name} image does not start with its file type box (ftyp).")
    if b"meta" not in kinds and end < len(data):
        raise _truncated(name, " (it ends before its meta box)")
    if kinds.count(b"meta") != 1:
        raise CorruptImageError(
            f"The {name} image has {kinds.count(b'meta')} meta boxes; it needs exactly one."
        )
    meta = _meta(data, next(box for box in boxes if box[0] == b"meta"), name)
    primary, tiles = _primary(meta, name)
    codings = {tile.kind for tile in tiles}
    if len(codings) != 1 or next(iter(codings)) not in _CODINGS:
        kinds_text = ", ".join(sorted(kind.decode("latin-1") for kind in codings | {primary.kind}))
        raise UnsupportedImageTypeError(
            f"The {name} image's primary item is coded as {kinds_text}; accepted: HEVC (hvc1) and AV1 "
            "(av01) still images, whole or in a grid."
        )
    coded_type = _CODINGS[next(iter(codings))]
    if coded_type != content_type:
        raise UnsupportedImageTypeError(
            f"The file's brands say {name} but its image is coded as {formats.of(coded_type).name}."
        )
    width, height = _ispe(data, meta, primary, name)
    tile_pixels = (
        max(_pixels(_ispe(data, meta, tile, name)) for tile in tiles) if primary.kind == b"grid" else 0
    )
    _check_item_data(meta, tiles, end, name)
    rotation = _rotation(data, meta, primary)
    aperture = _clean_aperture(data, meta, primary, (width, height), name)
    # What the decoder makes: libheif (HEIC) crops to the clean aperture and turns the image
    # (irot); Pillow's AVIF decoder does neither, and reports irot/imir as an EXIF orientation.
    decoded = (width, height)
    if content_type == "image/heic":
        decoded = (aperture[1], aperture[0]) if rotation in (1, 3) else aperture
    exif = tuple(item.item_id for item in meta.items.values() if item.kind == b"Exif")
    xmp = tuple(item.item_id for item in meta.items.values() if item.kind == b"mime")
    return HeifLayout(
        content_type,
        decoded[0],
        decoded[1],
        width,
        height,
        end,
        tiles=len(tiles),
        tile_pixels=tile_pixels or width * height,
        exif_items=exif,
        xmp_items=xmp,
    )


def _primary(meta: _Meta, name: str) -> tuple[Item, list[Item]]:
    """The primary item, and the items holding its coded data: itself, or a grid's tiles."""
    primary = meta.items.get(meta.primary)
    if primary is None:
        raise CorruptImageError(f"The {name} image names no primary item, or one it does not describe.")
    if primary.kind != b"grid":
        return primary, [primary]
    tiles = [meta.items[i] for i in meta.references.get((b"dimg", primary.item_id), []) if i in meta.items]
    if not tiles:
        raise CorruptImageError(f"The {name} image is a grid without tiles.")
    return primary, tiles


def _check_item_data(meta: _Meta, tiles: list[Item], end: int, name: str) -> None:
    """Every item's bytes are in the file (a cut-off mdat is truncation, whatever box ended it),
    and every coded item has some."""
    for item_id, extents in meta.extents.items():
        for method, offset, length in extents:
            limit = end if method == 0 else (meta.idat[1] - meta.idat[0] if meta.idat else 0)
            if method not in (0, 1) or offset + length > limit:
                raise _truncated(name, f" (the data of item {item_id} is missing)")
    for tile in tiles:
        if tile.item_id not in meta.extents:
            raise _truncated(name, f" (item {tile.item_id} has no data)")


def _pixels(size: tuple[int, int]) -> int:
    return size[0] * size[1]


def _ispe(data: ImageBytes, meta: _Meta, item: Item, name: str) -> tuple[int, int]:
    for index in item.properties:
        if 0 < index <= len(meta.properties) and meta.properties[index - 1][0] == b"ispe":
            payload = meta.properties[index - 1][1]
            width, height = struct.unpack_from(">II", data, payload + 4)
            if width < 1 or height < 1:
                raise CorruptImageError(f"The {name} image declares no pixels ({width}x{height}).")
            return width, height
    raise CorruptImageError(f"The {name} image does not declare its size (no ispe property).")


def _clean_aperture(
    data: ImageBytes, meta: _Meta, item: Item, size: tuple[int, int], name: str
) -> tuple[int, int]:
    """The size after the clean aperture (clap: a crop, as encoders pad HEVC to whole blocks)."""
    for index in item.properties:
        if 0 < index <= len(meta.properties) and meta.properties[index - 1][0] == b"clap":
            wn, wd, hn, hd = struct.unpack_from(">IIII", data, meta.properties[index - 1][1])
            if not wd or not hd:
                raise CorruptImageError(
                    f"The {name} image declares a clean aperture with a zero denominator."
                )
            width, height = round(wn / wd), round(hn / hd)
            if not (0 < width <= size[0] and 0 < height <= size[1]):
                raise CorruptImageError(
                    f"The {name} image declares a clean aperture of {width}x{height} "
                    f"in {size[0]}x{size[1]} pixels."
                )
            return width, height
    return size


def _rotation(data: ImageBytes, meta: _Meta, item: Item) -> int:
    """Quarter turns anticlockwise (irot), 0 when none."""
    for index in item.properties:
        if 0 < index <= len(meta.properties) and meta.properties[index - 1][0] == b"irot":
            return int(data[meta.properties[index - 1][1]]) & 0x03
    return 0


def _full_box(data: ImageBytes, payload: int) -> tuple[int, int]:
    """The version and flags of a full box."""
    word = struct.unpack_from(">I", data, payload)[0]
    return word >> 24, word & 0xFFFFFF


def _meta(data: ImageBytes, box: tuple[bytes, int, int], name: str) -> _Meta:
    _, payload, end = box
    meta = _Meta()
    children = _boxes(data, payload + 4, end, name)  # meta is a full box
    for kind, start, child_end in children:
        if kind == b"pitm":
            version, _ = _full_box(data, start)
            meta.primary = struct.unpack_from(">H" if version == 0 else ">I", data, start + 4)[0]
        elif kind == b"iinf":
            _iinf(data, start, child_end, meta, name)
        elif kind == b"iprp":
            _iprp(data, start, child_end, meta, name)
        elif kind == b"iref":
            _iref(data, start, child_end, meta, name)
        elif kind == b"iloc":
            _iloc(data, start, child_end, meta)
        elif kind == b"idat":
            meta.idat = (start, child_end)
    return meta


def _iinf(data: ImageBytes, start: int, end: int, meta: _Meta, name: str) -> None:
    version, _ = _full_box(data, start)
    first = start + (6 if version == 0 else 8)
    for kind, payload, _ in _boxes(data, first, end, name):
        if kind != b"infe":
            continue
        infe_version, _ = _full_box(data, payload)
        if infe_version < 2:
            continue  # version 0/1 entries carry no item type (legacy files)
        if infe_version == 2:
            item_id = struct.unpack_from(">H", data, payload + 4)[0]
            item_type = bytes(data[payload + 8 : payload + 12])
        else:
            item_id = struct.unpack_from(">I", data, payload + 4)[0]
            item_type = bytes(data[payload + 10 : payload + 14])
        meta.items[item_id] = Item(item_id, item_type)


def _iprp(data: ImageBytes, start: int, end: int, meta: _Meta, name: str) -> None:
    associations: dict[int, list[int]] = {}
    for kind, payload, child_end in _boxes(data, start, end, name):
        if kind == b"ipco":
            meta.properties = _boxes(data, payload, child_end, name)
        elif kind == b"ipma":
            version, flags = _full_box(data, payload)
            count = struct.unpack_from(">I", data, payload + 4)[0]
            position = payload + 8
            for _ in range(count):
                if version < 1:
                    item_id = struct.unpack_from(">H", data, position)[0]
                    position += 2
                else:
                    item_id = struct.unpack_from(">I", data, position)[0]
                    position += 4
                n = data[position]
                position += 1
                for _ in range(n):
                    if flags & 1:
                        index = struct.unpack_from(">H", data, position)[0] & 0x7FFF
                        position += 2
                    else:
                        index = data[position] & 0x7F
                        position += 1
                    associations.setdefault(item_id, []).append(index)
                if position > child_end:
                    raise IndexError("ipma overruns its box")
    for item_id, indexes in associations.items():
        if item_id in meta.items:
            meta.items[item_id] = Item(item_id, meta.items[item_id].kind, tuple(indexes))


def _iref(data: ImageBytes, start: int, end: int, meta: _Meta, name: str) -> None:
    version, _ = _full_box(data, start)
    wide = version != 0
    for kind, payload, _ in _boxes(data, start + 4, end, name):
        from_id = struct.unpack_from(">I" if wide else ">H", data, payload)[0]
        position = payload + (4 if wide else 2)
        count = struct.unpack_from(">H", data, position)[0]
        position += 2
        step = 4 if wide else 2
        ids = [struct.unpack_from(">I" if wide else ">H", data, position + step * i)[0] for i in range(count)]
        meta.references.setdefault((kind, from_id), []).extend(ids)


def _sized(data: ImageBytes, position: int, size: int) -> int:
    if size == 0:
        return 0
    return (
        int.from_bytes(data[position : position + size], "big") if position + size <= len(data) else _short()
    )


def _short() -> int:
    raise IndexError("iloc overruns the file")


def _iloc(data: ImageBytes, start: int, end: int, meta: _Meta) -> None:
    _, entries = _iloc_entries(data, start, end)
    for entry in entries:
        meta.extents[entry.item_id] = [(entry.method, offset, length) for offset, length in entry.extents]


# ---- Removing metadata items (EXIF, XMP) losslessly: the pixels' items are copied as they are ----


def strip(data: bytes) -> bytes:
    """The file without its EXIF (`Exif`) and XMP (`mime`) items: their entries go from the item
    info, locations, references and property associations, their bytes are zeroed where they lay
    (mdat keeps its size), and the locations after the shrunk meta box move back by as much.
    Orientation is HEIF's own (irot/imir), so nothing of it is lost. Unchanged if there is none."""
    content_type = sniff(data[:64])
    if content_type is None:
        raise ValueError("not HEIF")
    layout = read(data, content_type)
    dropped = set(layout.exif_items) | set(layout.xmp_items)
    if not dropped:
        return data
    boxes, _ = _top_level(data, formats.of(content_type).name)
    meta_kind, meta_payload, meta_end = next(box for box in boxes if box[0] == b"meta")
    meta_start = meta_payload - 8
    if struct.unpack_from(">I", data, meta_start)[0] == 1:
        raise ValueError("a 64-bit meta box size")  # no encoder writes one; left for the checks
    del meta_kind
    out = bytearray(data)
    children: list[tuple[bytes, bytes]] = []
    iloc_entries: list[_IlocEntry] = []
    iloc_header = b""
    for kind, start, end in _boxes(data, meta_payload + 4, meta_end, "HEIF"):
        if kind == b"iinf":
            children.append((kind, _rebuilt_iinf(data, start, end, dropped)))
        elif kind == b"iref":
            children.append((kind, _rebuilt_iref(data, start, end, dropped)))
        elif kind == b"iprp":
            children.append((kind, _rebuilt_iprp(data, start, end, dropped)))
        elif kind == b"iloc":
            iloc_header, iloc_entries = _iloc_entries(data, start, end)
            children.append((kind, b""))  # filled in once the meta box's new size is known
        else:
            children.append((kind, bytes(data[start:end])))
    children = _zero_dropped(out, children, [entry for entry in iloc_entries if entry.item_id in dropped])
    kept = [entry for entry in iloc_entries if entry.item_id not in dropped]
    iloc_header += len(kept).to_bytes(2 if iloc_header[0] < 2 else 4, "big")
    children = [(kind, payload) for kind, payload in children if kind != b"iref" or len(payload) > 4]
    iloc_size = 8 + len(iloc_header) + sum(len(entry.raw) for entry in kept)
    new_size = 12 + sum(
        8 + (iloc_size - 8 if kind == b"iloc" else len(payload)) for kind, payload in children
    )
    delta = (meta_end - meta_start) - new_size
    iloc_payload = iloc_header + b"".join(entry.moved(meta_end, delta) for entry in kept)
    meta = bytearray(struct.pack(">I4s", new_size, b"meta") + data[meta_payload : meta_payload + 4])
    for kind, payload in children:
        body = iloc_payload if kind == b"iloc" else payload
        meta += struct.pack(">I4s", 8 + len(body), kind) + body
    return bytes(out[:meta_start] + meta + out[meta_end:])


def _zero_dropped(
    out: bytearray, children: list[tuple[bytes, bytes]], dropped: list["_IlocEntry"]
) -> list[tuple[bytes, bytes]]:
    """Zero the dropped items' bytes: in the file (`out`), or in the idat box among `children`."""
    for entry in dropped:
        for offset, length in entry.extents:
            if entry.method == 0:
                out[offset : offset + length] = bytes(length)
            else:
                children = [
                    (kind, _zeroed(payload, offset, length) if kind == b"idat" else payload)
                    for kind, payload in children
                ]
    return children


def _zeroed(payload: bytes, offset: int, length: int) -> bytes:
    return payload[:offset] + bytes(length) + payload[offset + length :]


@dataclass(frozen=True, slots=True)
class _IlocEntry:
    item_id: int
    method: int
    raw: bytes
    extents: tuple[tuple[int, int], ...]  # absolute (method 0) or idat-relative (method 1)
    offset_fields: tuple[tuple[int, int], ...]  # (position in raw, size) of what to move

    def moved(self, after: int, delta: int) -> bytes:
        """The entry with its file offsets at or past `after` moved back by `delta`."""
        if self.method != 0 or not delta:
            return self.raw
        raw = bytearray(self.raw)
        for position, size in self.offset_fields:
            value = int.from_bytes(raw[position : position + size], "big")
            if value >= after:
                raw[position : position + size] = (value - delta).to_bytes(size, "big")
        return bytes(raw)


def _iloc_entries(data: ImageBytes, start: int, end: int) -> tuple[bytes, list[_IlocEntry]]:
    """The iloc box's header (version, field sizes, count) and each item's entry, raw."""
    version, _ = _full_box(data, start)
    sizes = struct.unpack_from(">BB", data, start + 4)
    offset_size, length_size = sizes[0] >> 4, sizes[0] & 0x0F
    base_size, index_size = sizes[1] >> 4, (sizes[1] & 0x0F) if version in (1, 2) else 0
    id_size = 2 if version < 2 else 4
    position = start + 6 + id_size
    entries = []
    count = int.from_bytes(data[start + 6 : start + 6 + id_size], "big")
    for _ in range(count):
        first = position
        item_id = int.from_bytes(data[position : position + id_size], "big")
        position += id_size
        method = 0
        if version in (1, 2):
            method = struct.unpack_from(">H", data, position)[0] & 0x0F
            position += 2
        position += 2
        base = _sized(data, position, base_size)
        fields = [(position - first, base_size)] if base_size else []
        position += base_size
        extent_count = struct.unpack_from(">H", data, position)[0]
        position += 2
        extents = []
        for _ in range(extent_count):
            position += index_size
            if not base_size and offset_size:
                fields.append((position - first, offset_size))
            offset = _sized(data, position, offset_size)
            position += offset_size
            length = _sized(data, position, length_size)
            position += length_size
            extents.append((base + offset, length))
        if position > end:
            raise IndexError("iloc overruns its box")
        entries.append(
            _IlocEntry(item_id, method, bytes(data[first:position]), tuple(extents), tuple(fields))
        )
    return bytes(data[start : start + 6]), entries


def _counted(header: bytes, count_at: int, count_size: int, count: int) -> bytes:
    return header[:count_at] + count.to_bytes(count_size, "big") + header[count_at + count_size :]


def _rebuilt_iinf(data: ImageBytes, start: int, end: int, dropped: set[int]) -> bytes:
    version, _ = _full_box(data, start)
    count_size = 2 if version == 0 else 4
    kept = []
    for kind, payload, box_end in _boxes(data, start + 4 + count_size, end, "HEIF"):
        infe_version, _ = _full_box(data, payload)
        wide = infe_version >= 3
        item_id = int.from_bytes(data[payload + 4 : payload + (8 if wide else 6)], "big")
        if kind == b"infe" and item_id in dropped:
            continue
        kept.append(bytes(data[payload - 8 : box_end]))
    header = _counted(bytes(data[start : start + 4 + count_size]), 4, count_size, len(kept))
    return header + b"".join(kept)


def _rebuilt_iref(data: ImageBytes, start: int, end: int, dropped: set[int]) -> bytes:
    version, _ = _full_box(data, start)
    id_size = 2 if version == 0 else 4
    out = bytearray(data[start : start + 4])
    for kind, payload, _ in _boxes(data, start + 4, end, "HEIF"):
        from_id = int.from_bytes(data[payload : payload + id_size], "big")
        count = struct.unpack_from(">H", data, payload + id_size)[0]
        first = payload + id_size + 2
        to_ids = [
            int.from_bytes(data[first + i * id_size : first + (i + 1) * id_size], "big") for i in range(count)
        ]
        kept = [item for item in to_ids if item not in dropped]
        if from_id in dropped or not kept:
            continue
        body = from_id.to_bytes(id_size, "big") + struct.pack(">H", len(kept))
        body += b"".join(item.to_bytes(id_size, "big") for item in kept)
        out += struct.pack(">I4s", 8 + len(body), kind) + body
    return bytes(out)


def _rebuilt_iprp(data: ImageBytes, start: int, end: int, dropped: set[int]) -> bytes:
    out = bytearray()
    for kind, payload, box_end in _boxes(data, start, end, "HEIF"):
        if kind != b"ipma":
            out += data[payload - 8 : box_end]
            continue
        version, flags = _full_box(data, payload)
        id_size = 2 if version < 1 else 4
        count = struct.unpack_from(">I", data, payload + 4)[0]
        position = payload + 8
        entries = []
        for _ in range(count):
            first = position
            item_id = int.from_bytes(data[position : position + id_size], "big")
            position += id_size
            position += 1 + data[position] * (2 if flags & 1 else 1)
            if item_id not in dropped:
                entries.append(bytes(data[first:position]))
        body = bytes(data[payload : payload + 4]) + struct.pack(">I", len(entries)) + b"".join(entries)
        out += struct.pack(">I4s", 8 + len(body), b"ipma") + body
    return bytes(out)
