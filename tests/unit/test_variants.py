"""Resized variants: sizes and fits, upright, without metadata, stored once, deleted with the image."""

import base64
import io

import pytest
from PIL import Image

from image_service.variants import parse_spec, render
from tests.fixtures.lambda_api import ApiResponse, LambdaApi
from tests.fixtures.moto_aws import stored_objects


def _jpeg(size: tuple[int, int] = (400, 200), *, orientation: int | None = None, gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (52.0, 31.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.mark.parametrize(
    ("query", "size"),
    [
        ({"width": "100"}, (100, 50)),
        ({"height": "100"}, (200, 100)),
        ({"width": "100", "height": "100"}, (100, 50)),
        ({"width": "100", "height": "100", "fit": "cover"}, (100, 100)),
        ({"width": "100", "height": "30", "fit": "fill"}, (100, 30)),
    ],
)
def test_sizes_and_fits(query: dict[str, str], size: tuple[int, int]) -> None:
    spec = parse_spec(query, "image/jpeg")
    assert spec is not None
    assert _opened(render(_jpeg(), spec)).size == size


def test_exif_orientation_is_applied_and_metadata_stripped() -> None:
    spec = parse_spec({"width": "50", "format": "jpeg"}, "image/jpeg")
    assert spec is not None
    # stored 400x200 with "rotate 90" (orientation 6): upright it is 200x400
    variant = _opened(render(_jpeg(orientation=6, gps=True), spec))
    assert variant.size == (50, 100)
    assert len(variant.getexif()) == 0


@pytest.mark.parametrize(
    "query",
    [
        {"width": "0"},
        {"width": "2049"},
        {"width": "x"},
        {"fit": "zoom"},
        {"width": "10", "format": "gif"},
        {"width": "10", "fit": "zoom"},
    ],
)
def test_bad_variant_parameters_are_400(query: dict[str, str]) -> None:
    from image_service.errors import BadRequestError

    with pytest.raises(BadRequestError):
        parse_spec(query, "image/jpeg")


def test_format_alone_converts_at_the_original_size_within_the_bound() -> None:
    spec = parse_spec({"format": "png"}, "image/jpeg")
    assert spec is not None
    assert _opened(render(_jpeg((3000, 1500)), spec)).size == (2048, 1024)
    assert _opened(render(_jpeg((300, 150)), spec)).size == (300, 150)


def test_without_parameters_the_original_is_served() -> None:
    assert parse_spec({"download": "true"}, "image/jpeg") is None
    assert parse_spec({"fit": "cover"}, "image/jpeg") is None
    assert parse_spec({"width": "5"}, "image/gif").content_type == "image/png"  # type: ignore[union-attr]


@pytest.mark.usefixtures("aws")
def test_a_variant_is_stored_once_and_deleted_with_its_image(api: LambdaApi) -> None:
    body = {"user_id": "alice", "image_name": "a.jpg", "file": base64.b64encode(_jpeg()).decode()}
    image_id = api.post("/v1/images", json=body).json()["image_id"]

    def get(**query: str) -> ApiResponse:
        return api.get(f"/v1/images/{image_id}", params=query)

    first, second = get(width="64", format="webp"), get(width="64", format="webp")
    assert first.status == second.status == 200
    assert first.content == second.content
    assert first.headers["Content-Type"] == "image/webp"
    assert first.headers["ETag"] != get().headers["ETag"]
    assert _opened(first.content).size == (64, 32)
    assert sorted(stored_objects()) == [f"images/{image_id}", f"variants/{image_id}/64xauto-contain.webp"]

    assert api.delete(f"/v1/images/{image_id}").status == 200
    assert stored_objects() == []
