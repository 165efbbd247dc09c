"""Helpers shared by directive extraction, query parsing and the store: number keys, ids, voting."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from rag import lexicon
from rag.lexicon import number_code
from rag.text import fold

# Folded type word → display name of the types whose citations are recorded (longest first).
DOC_TYPES: dict[str, str] = lexicon.CITED_TYPES
# Abbreviation people type (folded) → the number codes and document types it stands for.
KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = lexicon.KINDS
# Type name → its usual number code ("quy định 61" ranks 61-QĐ/TW, a Quyết định, after exact types).
TYPE_CODE: dict[str, str] = lexicon.TYPE_CODE

__all__ = ["DOC_TYPES", "KINDS", "TYPE_CODE", "make_directive_id", "number_code", "number_key", "number_lead", "pick"]


def number_key(number: str) -> str:
    """Comparison key of a document number: folded, no spaces, no leading zeros ('05-CT/TW' → '5-ct/tw')."""
    key = re.sub(r"\s+", "", fold(number))
    return re.sub(r"^0+(?=\d)", "", key)


def number_lead(number: str) -> int | None:
    """The leading integer of a number ('05-CT/TW' → 5)."""
    m = re.match(r"\s*(\d+)", number)
    return int(m.group(1)) if m else None



def make_directive_id(number: str, date: str | None) -> str:
    """URL-safe stable id: '35-NQ/TW' + 2018-10-22 → '35-nq-tw@2018-10-22'."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(number)).strip("-")
    return f"{slug}@{date}" if date else slug



def pick(values: Sequence[str | None], *, shortest: bool = False) -> str | None:
    """The most frequent non-empty value (compared folded); ties → first seen, or shortest."""
    seen: dict[str, str] = {}
    counts: Counter[str] = Counter()
    order: dict[str, int] = {}
    for v in values:
        if not v:
            continue
        k = fold(v)
        counts[k] += 1
        seen.setdefault(k, v)
        order.setdefault(k, len(order))
    if not counts:
        return None
    best = min(counts, key=lambda k: (-counts[k], len(k) if shortest else 0, order[k]))
    return seen[best]

