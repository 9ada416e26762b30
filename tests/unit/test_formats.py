"""One formats table: every per-format fact and every per-format function keys off formats.FORMATS."""

import pytest

from image_service import container_layout, contract, cost_model, embedded_metadata, formats, variants
from image_service.models import UploadIntent


def test_every_format_has_a_container_reader_and_a_metadata_stripper() -> None:
    keys = {fmt.key for fmt in formats.FORMATS}
    assert set(container_layout.READERS) == keys
    assert set(embedded_metadata.STRIPPERS) == keys


def test_the_contract_and_the_models_state_the_table() -> None:
    assert contract.ALLOWED_CONTENT_TYPES == (
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "image/avif",
    )
    assert contract.VARIANT_FORMATS == {
        "jpeg": "image/jpeg",
        "png": "image/png",
        "webp": "image/webp",
        "avif": "image/avif",
    }
    schema = UploadIntent.model_json_schema()
    assert tuple(schema["properties"]["content_type"]["enum"]) == formats.CONTENT_TYPES


def test_a_variant_is_named_by_its_format_key() -> None:
    spec = variants.parse_spec({"width": "10", "format": "webp"}, "image/png")
    assert spec is not None
    assert spec.tag == "10xauto-contain.webp"
    # GIF is stored but never written: a GIF's variant is a PNG unless another format is asked for.
    gif = variants.parse_spec({"width": "10"}, "image/gif")
    assert gif is not None
    assert gif.content_type == "image/png"
    assert formats.of("image/gif").variant_output is False


def test_messages_name_every_format() -> None:
    assert formats.NOT_AN_IMAGE == "The file is not a JPEG, PNG, GIF, WebP, HEIC or AVIF image."


@pytest.mark.parametrize("fmt", formats.FORMATS, ids=lambda fmt: fmt.key)
def test_every_default_variant_is_an_output_format(fmt: formats.ImageFormat) -> None:
    assert formats.of(fmt.default_variant).variant_output
    assert formats.of(formats.auto_fallback(fmt.content_type)).everywhere


def test_auto_falls_back_to_the_original_or_to_jpeg() -> None:
    assert formats.auto_fallback("image/png") == "image/png"
    assert formats.auto_fallback("image/gif") == "image/png"
    assert formats.auto_fallback("image/webp") == "image/webp"
    assert formats.auto_fallback("image/heic") == "image/jpeg"  # only Safari shows HEIC
    assert formats.auto_fallback("image/avif") == "image/jpeg"


@pytest.mark.parametrize("content_type", list(contract.VARIANT_FORMATS.values()))
def test_the_largest_variant_encodes_inside_the_image_memory(content_type: str) -> None:
    # The decoded source and the working copy are released before the encoder runs (variants.render).
    assert cost_model.encode_cost(contract.MAX_VARIANT_PIXELS, content_type) <= contract.IMAGE_MEMORY_BYTES
