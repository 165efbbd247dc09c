"""Logging: no third-party DEBUG lines at the default level; PLANBOT_LOG_FORMAT=json gives one object per line."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planbot.cli import app
from rag.logs import configure_logging
from tests.conftest import CORPUS, EMBED_CACHE


@pytest.fixture(autouse=True)
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.mark.unit
def test_library_debug_is_hidden_at_the_default_level(capsys: pytest.CaptureFixture[str]) -> None:
    import bm25s  # noqa: F401  (sets its logger to DEBUG at import)

    configure_logging("INFO", "text")
    logging.getLogger("bm25s").setLevel(logging.DEBUG)  # as a re-import would
    logging.getLogger("bm25s").debug("Building index from tokens")
    logging.getLogger("planbot.api").info("assistant ready")
    err = capsys.readouterr().err
    assert "Building index" not in err
    assert "INFO planbot.api: assistant ready" in err


@pytest.mark.unit
def test_debug_is_opt_in(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("DEBUG", "text")
    logging.getLogger("rag.retrieval").debug("fused 12 hits")
    assert "fused 12 hits" in capsys.readouterr().err


@pytest.mark.unit
def test_json_format_is_one_object_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")
    logging.getLogger("planbot.api").warning("queue full (%d/%d)", 5, 5)
    logging.getLogger("planbot.access").info(json.dumps({"event": "access", "status": 200, "path": "/v1/ask"}))
    try:
        raise ValueError("hỏng")
    except ValueError:
        logging.getLogger("planbot.api").exception("dòng\nhai dòng")
    lines = capsys.readouterr().err.strip().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 3
    assert records[0]["level"] == "WARNING" and records[0]["message"] == "queue full (5/5)"
    assert records[0]["ts"].endswith("Z") and records[0]["logger"] == "planbot.api"
    assert records[1]["event"] == "access" and records[1]["status"] == 200  # merged, not a nested string
    assert "ValueError" in records[2]["exception"] and records[2]["message"] == "dòng\nhai dòng"


@pytest.mark.integration
def test_verbose_ingest_shows_no_bm25s_debug(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(CORPUS.glob("lai-chau*.txt"))[:1]:
        shutil.copy(path, corpus / path.name)
    env = {"PLANBOT_DATA_DIR": str(tmp_path / "data"), "PLANBOT_CORPUS_DIR": str(corpus),
           "PLANBOT_EMBED_CACHE_PATH": str(EMBED_CACHE), "PLANBOT_LOG_FORMAT": "json"}
    result = CliRunner().invoke(app, ["-v", "ingest", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert "Building index from tokens" not in result.output
    log_lines = [line for line in result.output.splitlines() if line.startswith('{"ts"')]
    assert log_lines and all(json.loads(line)["level"] in ("INFO", "WARNING", "ERROR") for line in log_lines)
