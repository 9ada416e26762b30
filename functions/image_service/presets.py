"""Named presets: the variants a deployment offers by name (pure; no AWS calls).

The table is one fact: Terraform's `image_presets` variable (its default is DEFAULT_PRESETS, and
tests/unit/test_presets.py compares the two) reaches the functions as the IMAGE_PRESETS variable,
JSON, parsed and validated once by Settings. A preset is a variant like any other: its sides stay
within the cost model's MAX_VARIANT_SIDE, and it is stored under the same key as the same
free-form request, so both share one copy.

With `allow_arbitrary_variants` off, free-form variant parameters (width, height, fit, format) are
refused and only presets are made: every variant the deployment can be made to store and decode
is then one of a known few, whatever a key holder (or a script with a leaked key) asks for."""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from image_service import contract, variants
from image_service.errors import ArbitraryVariantsDisabledError, BadRequestError, UnknownPresetError
from image_service.variants import VariantSpec

PRESET_NAME_PATTERN: Final = contract.PRESET_NAME_PATTERN
_PRESET_NAME = re.compile(PRESET_NAME_PATTERN)
# The query parameters of a free-form variant (GET /v1/images/{image_id}).
FREE_FORM_PARAMETERS: Final = ("width", "height", "fit", "format")


@dataclass(frozen=True, slots=True)
class Preset:
    """A named variant: a box (either side may be left to the aspect ratio), a fit, a format
    (None: the original's, as for a free-form variant)."""

    width: int | None
    height: int | None
    fit: str = "contain"
    format: str | None = None

    def spec(self, original_type: str, *, accept: str | None = None) -> VariantSpec:
        """The variant this preset makes of an image of `original_type` (a preset of format
        `auto` negotiates it from `accept`, as a free-form request does)."""
        query = {"fit": self.fit}
        if self.width is not None:
            query["width"] = str(self.width)
        if self.height is not None:
            query["height"] = str(self.height)
        if self.format is not None:
            query["format"] = self.format
        spec = variants.parse_spec(query, original_type, accept=accept)
        if spec is None:  # validated: a preset always names a side or a format
            raise RuntimeError("a preset names neither a side nor a format")
        return spec


# terraform/variables.tf `image_presets` has the same default (tests/unit/test_presets.py).
DEFAULT_PRESETS: Final[Mapping[str, Preset]] = {
    "thumb": Preset(width=128, height=128, fit="cover", format="webp"),
    "small": Preset(width=320, height=None, fit="contain", format="webp"),
    "medium": Preset(width=800, height=None, fit="contain", format="webp"),
    "large": Preset(width=1600, height=None, fit="contain", format="webp"),
}


def parse_presets(text: str) -> dict[str, Preset]:
    """The IMAGE_PRESETS JSON object (name -> {width?, height?, fit?, format?}), validated as
    Terraform validates the variable; ValueError names what is wrong."""
    try:
        document = json.loads(text)
    except ValueError as err:
        raise ValueError(f"IMAGE_PRESETS is not JSON: {err}") from err
    if not isinstance(document, dict) or not document:
        raise ValueError("IMAGE_PRESETS must be a non-empty JSON object of presets by name")
    return {name: _preset(name, fields) for name, fields in document.items()}


def _preset(name: str, fields: Any) -> Preset:
    if not _PRESET_NAME.fullmatch(name):
        raise ValueError(f"preset name {name!r} must match {PRESET_NAME_PATTERN}")
    if not isinstance(fields, dict) or set(fields) - {"width", "height", "fit", "format"}:
        raise ValueError(f"preset {name!r} must be an object of width, height, fit and format")
    sides = [fields.get("width"), fields.get("height")]
    for side in sides:
        if side is not None and (
            not isinstance(side, int) or isinstance(side, bool) or not 1 <= side <= contract.MAX_VARIANT_SIDE
        ):
            raise ValueError(
                f"preset {name!r}: width and height must be whole numbers from 1 to"
                f" {contract.MAX_VARIANT_SIDE} (the cost model's MAX_VARIANT_SIDE)"
            )
    fit = fields.get("fit") or "contain"
    if fit not in contract.VARIANT_FITS:
        raise ValueError(f"preset {name!r}: fit must be one of {', '.join(contract.VARIANT_FITS)}")
    fmt = fields.get("format")
    if fmt is not None and fmt not in contract.VARIANT_FORMAT_VALUES:
        raise ValueError(
            f"preset {name!r}: format must be one of {', '.join(contract.VARIANT_FORMAT_VALUES)}"
        )
    if sides == [None, None] and fmt is None:
        raise ValueError(f"preset {name!r} must name a width, a height or a format")
    return Preset(width=sides[0], height=sides[1], fit=fit, format=fmt)


def presets_json(presets: Mapping[str, Preset]) -> str:
    """The IMAGE_PRESETS text of a table (what Terraform's jsonencode writes, nulls left out)."""
    return json.dumps(
        {
            name: {
                key: value
                for key, value in (
                    ("width", p.width),
                    ("height", p.height),
                    ("fit", p.fit),
                    ("format", p.format),
                )
                if value is not None
            }
            for name, p in presets.items()
        }
    )


def preset_named(name: str, presets: Mapping[str, Preset]) -> Preset:
    preset = presets.get(name)
    if preset is None:
        raise UnknownPresetError(
            f"No preset named {name!r}; this deployment has {', '.join(sorted(presets))}."
        )
    return preset


def requested_variant(
    query: Mapping[str, str],
    original_type: str,
    *,
    presets: Mapping[str, Preset],
    allow_arbitrary: bool,
    accept: str | None = None,
) -> tuple[VariantSpec | None, str | None]:
    """The variant a GET asks for, and the preset's name when it names one: `preset` alone, or
    free-form parameters (when the deployment allows them), or nothing (the original). `accept`:
    the request's Accept header, for a format=auto (or a preset of format auto)."""
    free_form = [name for name in FREE_FORM_PARAMETERS if name in query]
    name = query.get("preset")
    if name is not None:
        if free_form:
            raise BadRequestError(f"Query parameter 'preset' cannot be combined with {', '.join(free_form)}.")
        return preset_named(name, presets).spec(original_type, accept=accept), name
    if free_form and not allow_arbitrary:
        raise ArbitraryVariantsDisabledError(
            f"Free-form variants ({', '.join(FREE_FORM_PARAMETERS)}) are turned off on this deployment;"
            f" ask for a preset instead: ?preset= one of {', '.join(sorted(presets))}."
        )
    return variants.parse_spec(dict(query), original_type, accept=accept), None
