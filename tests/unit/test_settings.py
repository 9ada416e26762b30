"""The environment Terraform gives every function is exactly what the functions read."""

import re
from pathlib import Path

import pytest

from image_service.settings import HttpSettings, Settings, environment_read

MAIN_TF = Path(__file__).resolve().parents[2] / "terraform" / "main.tf"


def terraform_environment() -> set[str]:
    text = MAIN_TF.read_text()
    block = re.search(r"\n  environment = \{\n(?P<body>.*?)\n  \}\n", text, re.S)
    assert block, "locals.environment not found in terraform/main.tf"
    return set(re.findall(r"^\s+([A-Z][A-Z0-9_]*)\s*=", block.group("body"), re.M))


def test_terraform_sets_every_variable_the_functions_read_and_no_other() -> None:
    assert terraform_environment() == environment_read()


def test_settings_read_what_they_name(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {name: f"value-{index}" for index, name in enumerate(Settings.ENVIRONMENT)}
    values["STRIP_ORIGINAL_METADATA"] = "true"
    values["IMAGE_PRESETS"] = '{"tiny": {"width": 8}}'
    values["ALLOW_ARBITRARY_VARIANTS"] = "false"
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CORS_ALLOW_ORIGIN", "https://example.test")
    settings = Settings.from_environ()
    assert (settings.images_bucket, settings.images_table) == (
        values["IMAGES_BUCKET"],
        values["IMAGES_TABLE"],
    )
    assert settings.images_by_owner_index == values["IMAGES_BY_OWNER_INDEX"]
    assert settings.uploads_table == values["UPLOADS_TABLE"]
    assert settings.idempotency_table == values["IDEMPOTENCY_TABLE"]
    assert settings.strip_original_metadata is True
    assert set(settings.presets) == {"tiny"}
    assert settings.allow_arbitrary_variants is False
    assert settings.signing_keys_table == values["SIGNING_KEYS_TABLE"]
    assert settings.signing_key_secret_prefix == values["SIGNING_KEY_SECRET_PREFIX"]
    assert settings.link_base_url == values["LINK_BASE_URL"]
    assert HttpSettings.from_environ().cors_allow_origin == "https://example.test"


def test_missing_resource_names_fail_the_cold_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMAGES_BUCKET", raising=False)
    with pytest.raises(RuntimeError, match="IMAGES_BUCKET"):
        Settings.from_environ()
