"""Refusal decided from evidence, before any model call.

A question is refused when what it asks about is not in the documents:
- it names a province (under neither its old nor its 2025 name), a year of a plan, or a directive number the
  corpus never mentions, or a commune/ward/special zone ("xã Lương Minh") no document names;
- it asks for a kind of value (money, a phone number, a count, a deadline) the retrieved evidence does not contain;
- the retrieved evidence covers too little of its content words (threshold calibrated on eval/datasets/dev.jsonl).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.directives import DirectiveStore, parse_directive_query
from rag.evidence import CorpusStats, coverage, unknown_share
from rag.lexicon import find_local_places, find_provinces, province_equivalents
from rag.routing import meta_fields
from rag.text import fold
from rag.types import Chunk, DocumentMeta

# (what the question asks for, pattern in the folded question, pattern the evidence must contain)
_ANSWER_TYPES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("money",
     re.compile(r"\b(kinh phi|ngan sach|du toan|bao nhieu tien|chi phi|tien thuong|muc chi|chi bao nhieu)\b"),
     re.compile(r"(\d[\d.,]*\s*(dong|trieu|ty)\b|\b(trieu dong|ty dong|kinh phi|ngan sach|du toan|chi phi)\b)")),
    ("contact",
     re.compile(r"\b(so dien thoai|dien thoai|email|hop thu|dia chi lien he|fax|hotline)\b"),
     re.compile(r"(\b\d{2,4}[ .]?\d{3}[ .]?\d{3,4}\b|@|\bdien thoai\b|\bemail\b)")),
    ("count",
     re.compile(r"\b(bao nhieu|may) (buoi|tin|bai|tin bai|lan|nguoi|cuoc|hoi nghi|lop|doan|chuong trinh|san pham)\b"),
     re.compile(r"\b(\d+|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi) (buoi|tin|bai|lan|nguoi|cuoc|hoi nghi|lop|doan"
                r"|chuong trinh|san pham|tac pham)\b")),
    ("deadline",
     re.compile(r"\b(han chot|thoi han|han nop|truoc ngay nao|cham nhat|han cuoi)\b"),
     re.compile(r"\b(truoc ngay|cham nhat|thoi han|han chot|han nop|truoc \d{1,2}/\d{1,2})\b")),
)
_PLAN_YEAR = re.compile(r"\b(ke hoach|van ban|tai lieu)\b.{0,80}?\bnam (20\d\d)\b")


@dataclass
class Verdict:
    refuse: bool
    reason: str = ""
    support: float = 0.0


class EvidenceGate:
    """Decides, from the documents and the retrieved evidence, whether a question can be answered."""

    def __init__(self, registry: DirectiveStore, min_support: float) -> None:
        self.registry = registry
        self.min_support = min_support

    def precheck(self, question: str, metas: Sequence[DocumentMeta], stats: CorpusStats) -> Verdict:
        """Entity checks that hold on every answering path: places, plan years, directive numbers."""
        q = fold(question)
        provinces = {fold(m.province) for m in metas if m.province}
        for canon, _, _ in find_provinces(question, capitalised=False):
            names = province_equivalents(canon) or (canon,)
            if not any(fold(n) in provinces or stats.df(fold(n)) > 0 for n in names):
                return Verdict(True, f"place {canon!r} is in no document (nor its 2025 predecessor/successor)")
        for unit, name in find_local_places(question):
            words = fold(name).split()  # "Vạn Lộc Tỉnh Thanh": the name may run into the next capitalised words
            if all(stats.df(" ".join(words[:k])) == 0 for k in range(min(2, len(words)), len(words) + 1)):
                return Verdict(True, f"place {unit} {name!r} is in no document")
        year_match = _PLAN_YEAR.search(q)
        if year_match:
            year = int(year_match.group(2))
            named = [m for m in metas if m.province and f" {fold(m.province)} " in f" {q} "]
            pool = named or list(metas)
            if not any(m.year == year for m in pool):
                return Verdict(True, f"no plan of year {year}")
        own_numbers = {re.sub(r"\s+", "", fold(m.number)) for m in metas if m.number}
        q_compact = re.sub(r"\s+", "", q)
        names_own = any(num in q_compact for num in own_numbers)
        parsed = parse_directive_query(question)
        if parsed is not None and re.search(r"\d+\s*[-/]\s*[a-z]", q) and not names_own:
            if not self.registry.lookup(question):
                return Verdict(True, "directive not cited by any document")
            if set(meta_fields(question)) & {"signer", "recipients"}:
                return Verdict(True, "asks who signed/receives a cited directive; the plans do not say")
        return Verdict(False)

    def check(self, question: str, words: Sequence[str], hits: Sequence[Chunk], metas: Sequence[DocumentMeta],
              stats: CorpusStats) -> Verdict:
        """All checks, the evidence ones included (the model path)."""
        q = fold(question)
        support = max((coverage(words, c.index_text(), stats) for c in hits[:3]), default=0.0)
        if not hits:
            return Verdict(True, "no evidence", support)
        early = self.precheck(question, metas, stats)
        if early.refuse:
            return Verdict(True, early.reason, support)
        evidence = " " + " ".join(fold(" ".join(c.text for c in hits[:4])).split()) + " "
        for name, asks, has in _ANSWER_TYPES:
            if asks.search(q) and not has.search(evidence):
                return Verdict(True, f"asks for {name}, evidence has none", support)
        if unknown_share(words, stats) > 0.5:
            return Verdict(True, "most of the question's words appear in no document", support)
        if support < self.min_support:
            return Verdict(True, f"support {support:.2f} < {self.min_support:.2f}", support)
        return Verdict(False, "", support)
