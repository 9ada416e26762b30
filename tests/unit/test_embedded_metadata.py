"""Lossless removal of embedded metadata: GPS, camera, comments and text go; pixels, colour
profile, animation and orientation stay; every output still parses as its format."""

import io
import struct

import pytest
from PIL import Image, ImageOps

from image_service.embedded_metadata import strip
from image_service.image_verification import detect_content_type
from tests.fixtures.images import GIF, GPS_IFD, JPEG, ORIENTATION, WEBP, exif_of, png, tagged


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGBA").tobytes()


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_gps_and_camera_go_orientation_and_pixels_stay(fmt: str, content_type: str) -> None:
    # Given a phone-like picture: GPS position, camera make, turned on its side
    original = tagged(fmt)
    assert exif_of(original)[GPS_IFD]

    # When its metadata is removed
    stripped = strip(original)

    # Then only the orientation is left, the pixels are the very same, and it is still valid
    assert exif_of(stripped) == {ORIENTATION: 6}
    assert b"PhoneMaker" not in stripped
    assert pixels(stripped) == pixels(original)
    assert detect_content_type(stripped) == content_type
    with Image.open(io.BytesIO(stripped)) as image:
        upright = ImageOps.exif_transpose(image)
        assert upright.size == (32, 48)  # displayed turned, as the original
    # and stripping again changes nothing
    assert strip(stripped) == stripped


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_upright_image_keeps_no_exif_at_all(fmt: str) -> None:
    stripped = strip(tagged(fmt, orientation=None))
    assert exif_of(stripped) == {}
    assert b"Exif" not in stripped
    assert b"eXIf" not in stripped


def test_jpeg_comments_xmp_and_trailing_data_go_icc_profile_and_jfif_stay() -> None:
    image = Image.new("RGB", (16, 16), "teal")
    icc = b"\x00\x00\x02\x0cicc-profile-bytes" * 4
    out = io.BytesIO()
    image.save(out, "JPEG", icc_profile=icc)
    data = out.getvalue()
    # A comment and an XMP packet after the JFIF header, and bytes appended after the image's end
    comment = b"\xff\xfe" + struct.pack(">H", 2 + 15) + b"shot by alice!!"
    xmp_payload = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPS 48.8</x:xmpmeta>"
    xmp = b"\xff\xe1" + struct.pack(">H", 2 + len(xmp_payload)) + xmp_payload
    jfif_end = 2 + 2 + struct.unpack(">H", data[4:6])[0]
    doctored = data[:jfif_end] + comment + xmp + data[jfif_end:] + b"PK\x03\x04 appended zip"

    stripped = strip(doctored)

    assert b"shot by alice" not in stripped
    assert b"xmpmeta" not in stripped
    assert not stripped.endswith(b"appended zip")
    assert stripped.endswith(b"\xff\xd9")
    assert stripped.startswith(b"\xff\xd8\xff\xe0")  # JFIF first, as before
    with Image.open(io.BytesIO(stripped)) as kept:
        assert kept.info["icc_profile"] == icc
    assert pixels(stripped) == pixels(doctored)


def test_png_text_chunks_go_transparency_and_gamma_stay() -> None:
    from PIL import PngImagePlugin

    image = Image.new("RGBA", (8, 8), (255, 0, 0, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "alice")
    info.add_itxt("Location", "48.85 N, 2.29 E", zip=True)
    info.add_text("Comment", "x" * 100, zip=True)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    data = out.getvalue()

    stripped = strip(data)

    for kind in (b"tEXt", b"iTXt", b"zTXt"):
        assert kind in data
        assert kind not in stripped
    assert pixels(stripped) == pixels(data)
    assert detect_content_type(stripped) == "image/png"


def test_gif_comments_and_xmp_go_animation_stays() -> None:
    frames = [Image.new("RGB", (4, 4), color) for color in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], loop=0, comment=b"made by alice")
    data = out.getvalue()
    assert b"made by alice" in data
    with Image.open(io.BytesIO(data)) as original:
        assert getattr(original, "n_frames", 1) == 3  # GifImageFile has it; Image.open is typed ImageFile

    stripped = strip(data)

    assert b"made by alice" not in stripped
    assert b"NETSCAPE2.0" in stripped  # looping kept
    with Image.open(io.BytesIO(stripped)) as animation:
        assert getattr(animation, "n_frames", 1) == 3
    assert detect_content_type(stripped) == "image/gif"


@pytest.mark.parametrize("image", [JPEG, png(), GIF, WEBP])
def test_images_without_metadata_come_back_unchanged(image: bytes) -> None:
    assert pixels(strip(image)) == pixels(image)
    assert strip(strip(image)) == strip(image)


@pytest.mark.parametrize(
    "garbage",
    [
        b"\xff\xd8\xff\xe1\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00",
        b"RIFF\xff\xff\xff\xffWEBPVP8X",
        b"GIF89a\x01\x00",
    ],
)
def test_malformed_images_are_returned_as_they_are(garbage: bytes) -> None:
    assert strip(garbage) == garbage
