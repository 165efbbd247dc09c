"""`planbot feedback export|list`: the stored ratings as eval candidates (no model, no index needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.dataset import load_dataset
from planbot.cli import app
from rag.feedback import Feedback, RecentAnswers, SqliteFeedbackStore
from rag.types import Answer

pytestmark = pytest.mark.unit


def test_export_and_list(tmp_path: Path) -> None:
    env = {"PLANBOT_DATA_DIR": str(tmp_path / "data")}
    runner = CliRunner()
    missing = runner.invoke(app, ["feedback", "export", "--out", str(tmp_path / "x.jsonl")], env=env)
    assert missing.exit_code == 1 and "Chưa có góp ý" in missing.output

    store = SqliteFeedbackStore(tmp_path / "data" / "feedback.sqlite3")
    recent = RecentAnswers()
    for i, rating in enumerate(["down", "up", "down"]):
        answered = recent.get(recent.remember(Answer(question=f"Câu hỏi {i}?", answer="Trả lời.")))
        assert answered is not None
        store.save(Feedback(rating=rating, comment="Sai rồi" if i == 2 else None, answered=answered))  # type: ignore[arg-type]

    out = tmp_path / "cands.jsonl"
    result = runner.invoke(app, ["feedback", "export", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "Đã xuất 2 góp ý" in result.output
    assert sorted(i.question for i in load_dataset(out)) == ["Câu hỏi 0?", "Câu hỏi 2?"]
    everything = runner.invoke(app, ["feedback", "export", "--out", str(out), "--rating", "all"], env=env)
    assert "Đã xuất 3" in everything.output and len(load_dataset(out)) == 3
    bad = runner.invoke(app, ["feedback", "export", "--rating", "meh"], env=env)
    assert bad.exit_code == 2 and "Lỗi" in bad.output

    listed = runner.invoke(app, ["feedback", "list", "--rating", "down"], env=env)
    assert listed.exit_code == 0 and "👎" in listed.output and "góp ý: Sai rồi" in listed.output
    assert "Câu hỏi 1?" not in listed.output
