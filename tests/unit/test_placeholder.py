"""The placeholder: BlurHash strings equal to the reference implementation's, from any mode,
upright, from a bounded copy."""

import pytest
from PIL import Image

from image_service.placeholder import PLACEHOLDER_SIDE, blurhash, placeholder_of


def _sample(width: int, height: int) -> Image.Image:
    """A deterministic picture: a gradient in each channel, each a different way."""
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    blue = Image.linear_gradient("L").rotate(90).resize((width, height))
    return Image.merge("RGB", (red, green, blue))


# Answers of the Rust `blurhash` crate (through fast-blurhash 0.4.0, 4x3 components) for _sample.
REFERENCE = {
    (32, 24): "L#HV3joUgzou2sWnfkW:y7j@fjj@",
    (7, 5): "LnHU|U$=g?%y7zSuf~S}K_X6fjXP",
    (1, 1): "L;EyVz~q~q~q~q~q~q~q~q~q~q~q",
    (32, 1): "L~Ey=Ak2gzk8_Nk2gzk8_Nk2gzk8",
    (3, 32): "L#HeUt?6gB?]2sJ*fiJ,yQo^fjo^",
}


@pytest.mark.parametrize("size", list(REFERENCE))
def test_blurhash_matches_the_reference_implementation(size: tuple[int, int]) -> None:
    assert blurhash(*size, _sample(*size).tobytes()) == REFERENCE[size]


def test_a_placeholder_is_made_from_a_copy_of_at_most_32_pixels_a_side() -> None:
    # Given a large image, When its placeholder is made, Then it is the BlurHash of its 32 px copy
    large = _sample(640, 480)
    small = large.resize((PLACEHOLDER_SIDE, 24), Image.Resampling.BOX, reducing_gap=2.0)
    assert placeholder_of(large) == blurhash(32, 24, small.tobytes())


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "PA", "RGBA", "CMYK", "I", "I;16", "F"])
def test_every_mode_gives_a_placeholder(mode: str) -> None:
    image = _sample(64, 48).convert("L" if mode in ("I", "I;16", "F") else "RGB").convert(mode)
    value = placeholder_of(image)
    assert len(value) == 28
    assert value.startswith("L")  # 4x3 components


def test_sixteen_bit_pixels_are_scaled_to_eight() -> None:
    # Given a white 16-bit image (65535), Then its placeholder is white, not clipped to black
    white = Image.new("I;16", (40, 30), 65535)
    assert placeholder_of(white) == placeholder_of(Image.new("RGB", (40, 30), (255, 255, 255)))


def test_the_placeholder_is_upright() -> None:
    # Given pixels stored on their side with EXIF orientation 6 (rotate 90 clockwise to show)
    upright = _sample(24, 32)
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    assert placeholder_of(stored, orientation=6) == placeholder_of(upright)
    assert placeholder_of(stored) != placeholder_of(upright)


@pytest.mark.parametrize("mode", ["L", "LA", "RGB", "RGBA", "P", "I;16", "CMYK"])
def test_no_copy_of_the_whole_image_is_made(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pillow premultiplies LA and RGBA into a full-size copy before an averaging resize or
    reduce: the placeholder of a 35 MP RGBA PNG would cost another 140 MB at upload."""
    # Given a large image of this mode, and every conversion Pillow makes watched
    large = _sample(640, 480).convert("L" if mode == "I;16" else "RGB").convert(mode)
    converted: list[tuple[tuple[int, int], str | None]] = []
    convert = Image.Image.convert

    def watched(self: Image.Image, mode: str | None = None, *args: object, **kwargs: object) -> Image.Image:
        converted.append((self.size, mode))
        return convert(self, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Image.Image, "convert", watched)
    # When its placeholder is made, Then nothing the size of the image was converted
    assert len(placeholder_of(large)) == 28
    assert [size for size, _ in converted if size == large.size] == []
