"""Browsers on the allowed origin can read the functions' answers, and no other origin can."""

import pytest
from aws_lambda_powertools.event_handler import Response

from image_service import contract
from image_service.http_api import create_app, error_response
from tests.fixtures.lambda_api import ApiResponse, Handler, LambdaApi

ORIGIN = "http://localhost:8080"


def _app_answering(status: int) -> Handler:
    app = create_app()

    @app.get("/v1/images")
    def _list() -> Response[str]:
        return error_response(status, "test", "answer")

    return app.resolve


def _from_origin(origin: str | None, status: int) -> ApiResponse:
    """GET /v1/images, from a page on `origin` (None: not from a browser), to an app answering `status`."""
    headers = {} if origin is None else {"origin": origin}
    return LambdaApi().get("/v1/images", headers=headers, handler=_app_answering(status))


@pytest.mark.parametrize("status", [200, 404, 503])
def test_the_allowed_origin_may_read_every_answer(monkeypatch: pytest.MonkeyPatch, status: int) -> None:
    # Given CORS_ALLOW_ORIGIN as Terraform sets it
    monkeypatch.setenv("CORS_ALLOW_ORIGIN", ORIGIN)
    # When that origin calls
    headers = _from_origin(ORIGIN, status).headers
    # Then the answer names it and exposes the API's own headers
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    exposed = {h.strip() for h in headers["Access-Control-Expose-Headers"].split(",")}
    assert exposed == set(contract.CORS_EXPOSE_HEADERS)


@pytest.mark.parametrize("origin", ["https://evil.example", None])
def test_other_origins_get_no_cors_headers(monkeypatch: pytest.MonkeyPatch, origin: str | None) -> None:
    monkeypatch.setenv("CORS_ALLOW_ORIGIN", ORIGIN)
    headers = _from_origin(origin, 200).headers
    assert not any(name.lower().startswith("access-control-") for name in headers)


def test_without_an_allowed_origin_no_cors_headers_are_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORS_ALLOW_ORIGIN", raising=False)
    headers = _from_origin(ORIGIN, 200).headers
    assert "Access-Control-Allow-Origin" not in headers
