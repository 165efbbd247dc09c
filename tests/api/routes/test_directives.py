"""GET /v1/directives?q= and GET /v1/directives/{id}."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.unit


def test_lookup_lists_records_with_mentions(client: httpx.Client) -> None:
    r = client.get("/v1/directives", params={"q": "35-NQ/TW"})
    assert r.status_code == 200
    records = r.json()["directives"]
    assert records[0]["number"] == "35-NQ/TW"
    assert records[0]["mentions"][0]["sentence"]


def test_lookup_without_match_is_an_empty_list(client: httpx.Client) -> None:
    r = client.get("/v1/directives", params={"q": "99-NQ/TW"})
    assert r.status_code == 200
    assert r.json()["directives"] == []


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}])
def test_lookup_needs_a_query(client: httpx.Client, params: dict) -> None:
    r = client.get("/v1/directives", params=params)
    assert r.status_code == 422
    assert r.json()["error"]["message"]


def test_get_directive_and_404(client: httpx.Client) -> None:
    ok = client.get("/v1/directives/35-nq-tw@2018-10-22")
    assert ok.status_code == 200 and ok.json()["doc_type"] == "Nghị quyết"
    missing = client.get("/v1/directives/khong-co")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
