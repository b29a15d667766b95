"""/docs and /redoc open without an internet connection: every script, style and icon they
name is served by the service itself."""

import re

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_documentation_names_no_external_url_and_its_assets_answer(
    client: TestClient, page: str
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    external = re.findall(r"""(?:src|href)=["']?(?:https?:)?//[^"'\s>]+""", html)
    assert external == []
    assets = re.findall(r"""(?:src|href)=["']?(/docs-assets/[^"'\s>]+)""", html)
    assert len(assets) >= 2
    for asset in assets:
        fetched = client.get(asset)
        assert fetched.status_code == 200, asset
        assert len(fetched.content) > 1000, asset
    assert "/openapi.json" in html


def test_redoc_loads_no_web_fonts(client: TestClient) -> None:
    assert "fonts.googleapis.com" not in client.get("/redoc").text
