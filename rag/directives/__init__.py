"""The directive registry: every Nghị quyết, Kết luận, Chỉ thị... the documents cite, where they cite it, and
the ingested documents themselves under their own number and type.

- `extract.py`: `extract_directives(meta, sections)`, a pure function from one document's sections to its
  directive records (number, type, date, issuer, term, subject, the sentences that mention it), plus the
  document's own record (`document_record`).
- `query.py`: `parse_directive_query` / `looks_like_directive_query` / `rank` for what people actually type
  ("35-NQ/TW", "nq 35", "Kết luận 21", "hướng dẫn 37", "KH 159 UBND", "18-NQ/TW 2017").
- `store.py`: the `DirectiveStore` protocol and `DirectiveRegistry`, a small SQLite store merging records
  across documents.

Identity: a directive is (canonical number, date); the registry does not attach undated citations across
documents (two same-numbered directives exist), except to the one ingested document carrying that number.
Language tables (types, codes, number patterns) come from `rag.lexicon`.
"""

from rag.directives.common import (
    DOC_TYPES,
    KINDS,
    TYPE_CODE,
    make_directive_id,
    number_code,
    number_key,
    number_lead,
)
from rag.directives.extract import document_record, extract_directives
from rag.directives.query import DirectiveQuery, looks_like_directive_query, parse_directive_query, rank
from rag.directives.store import DirectiveRegistry, DirectiveStore

__all__ = [
    "DOC_TYPES",
    "KINDS",
    "TYPE_CODE",
    "DirectiveQuery",
    "DirectiveRegistry",
    "DirectiveStore",
    "document_record",
    "extract_directives",
    "looks_like_directive_query",
    "make_directive_id",
    "number_code",
    "number_key",
    "number_lead",
    "parse_directive_query",
    "rank",
]
