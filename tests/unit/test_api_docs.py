"""The document Swagger UI shows: the contract, pointed at the deployed stack, without gateway internals."""

import json
from pathlib import Path

import yaml

from devtools import api_docs, paths

BASE_URL = "http://localhost:4566/restapis/abc123/api/_user_request_"


def test_the_deployed_stack_is_the_first_server() -> None:
    spec = api_docs.document(BASE_URL + "/")
    assert spec["servers"][0]["url"] == BASE_URL
    original = yaml.safe_load(paths.OPENAPI.read_text())
    assert spec["servers"][1:] == original["servers"]
    assert spec["paths"].keys() == original["paths"].keys()


def test_gateway_extensions_and_template_placeholders_are_left_out() -> None:
    text = json.dumps(api_docs.document(BASE_URL))
    assert "x-amazon-apigateway" not in text
    assert "${" not in text


def test_the_site_holds_only_local_assets(tmp_path: Path) -> None:
    site = api_docs.build_site(BASE_URL, tmp_path, api_key="k" * 20)
    index = (site / "index.html").read_text()
    assert "http" not in index  # every asset is a relative path on this server
    for asset in api_docs.ASSETS:
        assert (site / asset).stat().st_size > 0
    initializer = (site / "swagger-initializer.js").read_text()
    assert "validatorUrl: null" in initializer
    assert "preauthorizeApiKey('api_key', \"" + "k" * 20 + '")' in initializer
    assert json.loads((site / "openapi.json").read_text())["servers"][0]["url"] == BASE_URL
