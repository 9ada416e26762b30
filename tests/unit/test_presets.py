"""Named presets: one table (Terraform's image_presets, its default the code's), validated alike in
Terraform and in the functions, served by ?preset=; allow_arbitrary_variants=false leaves presets
as the only variants."""

import base64
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from image_service import contract
from image_service.handlers import get_image, upload_image
from image_service.presets import DEFAULT_PRESETS, PRESET_NAME_PATTERN, Preset, parse_presets, presets_json
from image_service.settings import Settings, get_settings
from tests.fixtures.api_events import api_event
from tests.fixtures.handler_calls import headers_of, invoke, json_body
from tests.fixtures.moto_aws import stored_objects

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = (ROOT / "terraform" / "variables.tf").read_text()
SPEC = yaml.safe_load((ROOT / "openapi" / "api.yaml").read_text())


def _variable_block(name: str) -> str:
    start = VARIABLES.index(f'variable "{name}"')
    end = VARIABLES.find('\nvariable "', start + 1)
    return VARIABLES[start : end if end != -1 else None]


def _terraform_default_presets() -> dict[str, Preset]:
    """The `default` of variable image_presets, read from its HCL: `name = { key = value, ... }`."""
    block = _variable_block("image_presets")
    default = block[block.index("default = {") : block.index("\n  }\n", block.index("default = {"))]
    presets = {}
    for name, body in re.findall(r"^\s+(\w+)\s+=\s+\{(.*)\}$", default, flags=re.MULTILINE):
        fields: dict[str, Any] = {}
        for key, value in re.findall(r'(\w+)\s*=\s*("[^"]*"|\d+)', body):
            fields[key] = value.strip('"') if value.startswith('"') else int(value)
        presets[name] = Preset(
            width=fields.get("width"),
            height=fields.get("height"),
            fit=fields.get("fit", "contain"),
            format=fields.get("format"),
        )
    return presets


def test_terraform_default_table_is_the_code_default() -> None:
    assert _terraform_default_presets() == dict(DEFAULT_PRESETS)
    assert set(DEFAULT_PRESETS) == {"thumb", "small", "medium", "large"}


def test_terraform_validates_what_the_code_validates() -> None:
    block = _variable_block("image_presets")
    assert f"side <= {contract.MAX_VARIANT_SIDE}" in block
    assert PRESET_NAME_PATTERN in block
    assert str(list(contract.VARIANT_FITS)).replace("'", '"') in block
    assert str(list(contract.VARIANT_FORMAT_VALUES)).replace("'", '"') in block
    assert "IMAGE_PRESETS" in (ROOT / "terraform" / "main.tf").read_text()
    assert 'variable "allow_arbitrary_variants"' in VARIABLES


def test_the_spec_names_presets_as_the_code_does() -> None:
    params = {
        p["name"]: p for p in SPEC["paths"]["/v1/images/{image_id}"]["get"]["parameters"] if "name" in p
    }
    assert params["preset"]["schema"]["pattern"] == PRESET_NAME_PATTERN
    for name in DEFAULT_PRESETS:
        assert f"`{name}`" in params["preset"]["description"]


def test_every_default_preset_is_within_the_cost_model() -> None:
    for preset in DEFAULT_PRESETS.values():
        for side in (preset.width, preset.height):
            assert side is None or 1 <= side <= contract.MAX_VARIANT_SIDE
    assert parse_presets(presets_json(DEFAULT_PRESETS)) == dict(DEFAULT_PRESETS)


@pytest.mark.parametrize(
    ("table", "complaint"),
    [
        ({"big": {"width": contract.MAX_VARIANT_SIDE + 1}}, "MAX_VARIANT_SIDE"),
        ({"zero": {"height": 0}}, "MAX_VARIANT_SIDE"),
        ({"half": {"width": 10.5}}, "MAX_VARIANT_SIDE"),
        ({"flag": {"width": True}}, "MAX_VARIANT_SIDE"),
        ({"odd": {"width": 10, "fit": "stretch"}}, "fit"),
        ({"gif": {"width": 10, "format": "gif"}}, "format"),
        ({"Upper": {"width": 10}}, "name"),
        ({"empty": {}}, "width, a height or a format"),
        ({"extra": {"width": 10, "quality": 5}}, "object of"),
        ({}, "non-empty"),
    ],
)
def test_a_bad_table_fails_the_start(
    monkeypatch: pytest.MonkeyPatch, table: dict[str, Any], complaint: str
) -> None:
    monkeypatch.setenv("IMAGE_PRESETS", json.dumps(table))
    with pytest.raises(RuntimeError, match=complaint):
        Settings.from_environ()


def test_not_json_fails_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGE_PRESETS", "{thumb")
    with pytest.raises(RuntimeError, match="not JSON"):
        Settings.from_environ()


def test_a_configured_table_replaces_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGE_PRESETS", json.dumps({"tiny": {"width": 8, "format": "png"}}))
    assert Settings.from_environ().presets == {"tiny": Preset(width=8, height=None, format="png")}
    monkeypatch.delenv("IMAGE_PRESETS")
    assert Settings.from_environ().presets == dict(DEFAULT_PRESETS)


def _photo(size: tuple[int, int] = (400, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def _upload() -> str:
    body = json.dumps(
        {"user_id": "alice", "image_name": "a.jpg", "file": base64.b64encode(_photo()).decode()}
    )
    response = invoke(
        upload_image.lambda_handler, api_event("POST", "/v1/images", resource="/v1/images", body=body)
    )
    assert response["statusCode"] == 201, response["body"]
    image_id: str = json_body(response)["image_id"]
    return image_id


def _get(image_id: str, **query: str) -> dict[str, Any]:
    event = api_event(
        "GET",
        f"/v1/images/{image_id}",
        resource="/v1/images/{image_id}",
        path_parameters={"image_id": image_id},
        query=query or None,
    )
    return invoke(get_image.lambda_handler, event)


@pytest.mark.usefixtures("aws")
def test_a_preset_is_the_same_variant_as_its_free_form_request() -> None:
    image_id = _upload()
    thumb = _get(image_id, preset="thumb")
    assert thumb["statusCode"] == 200, thumb["body"]
    assert headers_of(thumb)["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(base64.b64decode(thumb["body"]))) as image:
        assert image.size == (128, 128)
    same = _get(image_id, width="128", height="128", fit="cover", format="webp")
    assert same["body"] == thumb["body"]
    assert headers_of(same)["ETag"] == headers_of(thumb)["ETag"]
    # one stored copy serves both
    assert sorted(stored_objects()) == [f"images/{image_id}", f"variants/{image_id}/128x128-cover.webp"]
    small = _get(image_id, preset="small")
    with Image.open(io.BytesIO(base64.b64decode(small["body"]))) as image:
        assert image.size == (320, 160)


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"preset": "huge"}, "unknown_preset"),
        ({"preset": "thumb", "width": "10"}, "bad_request"),
        ({"preset": "thumb", "format": "png"}, "bad_request"),
    ],
)
def test_unknown_or_combined_presets_are_refused(query: dict[str, str], code: str) -> None:
    image_id = _upload()
    response = _get(image_id, **query)
    assert response["statusCode"] == 400
    assert json_body(response)["error"]["code"] == code
    assert stored_objects() == [f"images/{image_id}"]


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize(
    "query",
    [{"width": "64"}, {"height": "64"}, {"format": "png"}, {"fit": "cover"}, {"width": "64", "fit": "fill"}],
)
def test_without_arbitrary_variants_only_presets_are_made(
    monkeypatch: pytest.MonkeyPatch, query: dict[str, str]
) -> None:
    monkeypatch.setenv("ALLOW_ARBITRARY_VARIANTS", "false")
    get_settings.cache_clear()
    image_id = _upload()
    refused = _get(image_id, **query)
    assert refused["statusCode"] == 400
    error = json_body(refused)["error"]
    assert error["code"] == "arbitrary_variants_disabled"
    assert "preset" in error["message"]
    assert stored_objects() == [f"images/{image_id}"]
    assert _get(image_id, preset="medium")["statusCode"] == 200
    assert _get(image_id)["statusCode"] == 200  # the original still is served
    get_settings.cache_clear()


def test_a_preset_without_sides_or_format_is_never_made() -> None:
    with pytest.raises(RuntimeError, match="neither a side nor a format"):
        Preset(width=None, height=None).spec("image/png")
