"""Both sets side by side with fake assistants: per-set results, the gap, the extra set's halves, fragments, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.dataset import load_dataset
from eval.runparts import ingest_all
from eval.sets import DEV_DATASET, EXTRA_DATASET, HALVES
from eval.suite import EXTRA_SUBDIR, gaps, print_sets, run_sets, settings_for
from rag.config import PROJECT_ROOT, Settings
from rag.types import IngestReport
from tests.eval.conftest import BlindAssistant, FixedBaseline, OracleAssistant

pytestmark = pytest.mark.unit


def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=PROJECT_ROOT / "corpus", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def extra_folder(tmp_path: Path) -> Path:
    """A stand-in for ../shared/corpus-extra/docs (the fakes never read it; the set only checks it exists)."""
    folder = tmp_path / "extra-docs"
    folder.mkdir()
    (folder / "0123456789abcdef.md").write_text("KẾ HOẠCH\n", encoding="utf-8")
    return folder


def test_oracle_on_dev_and_blind_on_extra_gives_the_full_gap(tmp_path: Path, extra_folder: Path) -> None:
    dev_items, extra_items = load_dataset(DEV_DATASET), load_dataset(EXTRA_DATASET)
    oracle, blind = OracleAssistant(dev_items), BlindAssistant(extra_items)
    combined = run_sets(settings(tmp_path), retrieval_only=False, limit=None, compare_baseline=True,
                        out_dir=tmp_path / "results", extra_dir=extra_folder,
                        assistants={"dev": oracle, "extra": blind},
                        baselines={"dev": FixedBaseline(), "extra": FixedBaseline()})
    dev, extra = combined["sets"]["dev"], combined["sets"]["extra"]
    assert dev["n_items"] == len(dev_items) and extra["n_items"] == len(extra_items)
    assert oracle.ingested == [PROJECT_ROOT / "corpus"]
    assert blind.ingested == [PROJECT_ROOT / "corpus", extra_folder]
    assert combined["gap"]["must_mention"] == pytest.approx(-1.0)
    assert combined["gap"]["recall@5"] == pytest.approx(-1.0)
    assert combined["gap"]["citation_precision"] == pytest.approx(-1.0)  # nothing cited: 0 (no item scored)
    assert combined["gap_baseline"]["recall@5"] == 0.0
    halves = extra["systems"]["product"]["halves"]
    assert set(halves) == set(HALVES)
    assert sum(h["n_items"] for h in halves.values()) == len(extra_items)
    assert set(extra["systems"]["baseline"]["halves"]) == set(HALVES)
    assert "halves" not in dev["systems"]["product"]
    assert Path(dev["path"]).name.startswith(f"{dev['date']}-dev-full")
    written = json.loads(Path(combined["path"]).read_text(encoding="utf-8"))
    assert written["gap"] == pytest.approx(combined["gap"])
    assert "items" not in written["sets"]["extra"]["systems"]["product"]


def test_fragments_are_measured_on_the_products_results(tmp_path: Path, extra_folder: Path) -> None:
    items = load_dataset(EXTRA_DATASET)
    combined = run_sets(settings(tmp_path), sets=("extra",), retrieval_only=False, limit=12,
                        compare_baseline=False, write=False, extra_dir=extra_folder,
                        assistants={"extra": OracleAssistant(items)})
    product = combined["sets"]["extra"]["systems"]["product"]
    rates = product["fragments"]["rates"]
    assert {"search_text", "quote", "path_label", "answer_sentence", "all"} <= set(rates)
    # the oracle's quotes are gold quotes, several of them cut mid-sentence on purpose (lower-case starts)
    assert 0 < rates["quote"]["fragments"] < rates["quote"]["n"]
    assert 0 < product["summary"]["fragment_share"] < 1
    assert all(e["kind"] in rates for e in product["fragments"]["examples"])
    assert combined["gap"] == {}  # one set only


def test_kinds_keep_only_those_items(tmp_path: Path, extra_folder: Path) -> None:
    dev_items, extra_items = load_dataset(DEV_DATASET), load_dataset(EXTRA_DATASET)
    combined = run_sets(settings(tmp_path), retrieval_only=False, limit=None, compare_baseline=False,
                        out_dir=tmp_path / "results", extra_dir=extra_folder, kinds=["list"],
                        assistants={"dev": OracleAssistant(dev_items), "extra": OracleAssistant(extra_items)})
    for name, items in (("dev", dev_items), ("extra", extra_items)):
        result = combined["sets"][name]
        assert result["n_items"] == sum(1 for i in items if i.kind == "list") > 0
        assert set(result["systems"]["product"]["by_kind"]["must_mention"]) == {"list"}
        assert Path(result["path"]).name.endswith("-full+list.json")  # not over the full run's file


def test_gap_needs_both_sets() -> None:
    summary = {"systems": {"product": {"summary": {"must_mention": 0.9, "citation_precision": 0.8}}}}
    worse = {"systems": {"product": {"summary": {"must_mention": 0.6, "citation_precision": 0.5}}}}
    assert gaps({"dev": summary, "extra": worse}) == pytest.approx(
        {"must_mention": -0.3, "citation_precision": -0.3})
    assert gaps({"dev": summary}) == {}


def test_extra_runs_in_its_own_data_dir_sharing_the_embedding_cache(tmp_path: Path) -> None:
    base = settings(tmp_path)
    extra = settings_for(base, "extra", need_model=False)
    assert extra.data_dir == base.data_dir / EXTRA_SUBDIR
    assert extra.embed_cache_path == base.data_dir / "embeddings.sqlite3"
    assert settings_for(base, "dev", need_model=False) is base


def test_print_sets_shows_sets_gap_halves_and_fragments(tmp_path: Path, extra_folder: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    combined = run_sets(settings(tmp_path), retrieval_only=True, limit=10, compare_baseline=False, write=False,
                        extra_dir=extra_folder,
                        assistants={"dev": OracleAssistant(load_dataset(DEV_DATASET)),
                                    "extra": OracleAssistant(load_dataset(EXTRA_DATASET))})
    print_sets(combined)
    out = capsys.readouterr().out
    for text in ("Sets side by side", "gap extra−dev", "calibration", "report", "fragments", "path_label"):
        assert text in out, text


def test_cli_reports_a_missing_extra_folder_in_vietnamese(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from planbot.cli import app

    monkeypatch.setenv("PLANBOT_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(app, ["eval", "--set", "extra", "--extra-dir", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "Không tìm thấy thư mục tài liệu bổ sung" in result.output
    bad = CliRunner().invoke(app, ["eval", "--set", "nope"])
    assert bad.exit_code == 2 and "--set" in bad.output


class _Fragile:
    """Ingests file by file like the product, but one document crashes the whole batch (a parser bug)."""

    def __init__(self, bad: str) -> None:
        self.bad = bad
        self.done: list[str] = []

    def ingest(self, paths: list[Path]) -> IngestReport:
        from rag.ingest import iter_files

        for path in iter_files(paths):
            if path.name == self.bad:
                raise ValueError("substring not found")
            self.done.append(path.name)
        return IngestReport(documents=len(set(self.done)))


def test_ingest_all_goes_file_by_file_around_a_document_that_crashes(tmp_path: Path) -> None:
    for name in ("a.md", "b.md", "c.md"):
        (tmp_path / name).write_text("KẾ HOẠCH\n", encoding="utf-8")
    fragile = _Fragile("b.md")
    report, failures = ingest_all(fragile, [tmp_path])
    assert failures == ["b.md: ValueError: substring not found"]
    assert report.documents == 2 and "c.md" in fragile.done
    assert ingest_all(_Fragile("none"), [tmp_path])[1] == []
