"""/docs and /redoc reference only this server; their assets come from the installed package."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.docs_ui import ASSET_FILES, ASSETS_URL, assets_dir
from tests.api.conftest import FakeAssistant, make_settings

pytestmark = pytest.mark.unit

URL = re.compile(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""")


@pytest.fixture
def client(tmp_path: Path, fake: FakeAssistant) -> TestClient:
    return TestClient(create_app(make_settings(tmp_path), assistant=fake))  # type: ignore[arg-type]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_pages_reference_only_local_urls(client: TestClient, page: str) -> None:
    r = client.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    urls = URL.findall(r.text)
    assert urls, r.text
    assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "cdn." not in r.text and "googleapis" not in r.text and "http://" not in r.text
    assert "https://" not in r.text


def test_assets_are_served_from_the_installed_package(client: TestClient) -> None:
    for name in ASSET_FILES:
        assert (assets_dir() / name).is_file()
        r = client.get(f"{ASSETS_URL}/{name}")
        assert r.status_code == 200 and len(r.content) > 1000, name
    assert "SwaggerUIBundle" in client.get(f"{ASSETS_URL}/swagger-ui-bundle.js").text
    assert client.get("/openapi.json").json()["info"]["title"] == "Trợ lý Kế hoạch API"


def test_assets_are_not_committed_copies() -> None:
    root = Path(__file__).resolve().parents[2]
    assert not list(root.glob("api/**/swagger-ui*")) and not list(root.glob("api/**/redoc*"))


def test_schema_declares_the_bearer_key(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["khoaApi"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"]["securitySchemes"]["khoaApi"][
            "description"]}
    assert {"khoaApi": []} in schema["security"] and {} in schema["security"]
