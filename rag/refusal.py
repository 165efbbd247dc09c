"""Refusal decided from evidence, before any model call.

A question is refused when what it asks about is not in the documents:
- it names a province (under neither its old nor its 2025 name), a year of a plan, or a directive number the
  corpus never mentions ("99-CT/TW", or "Chỉ thị 99" where the type word decides between directives sharing a
  number), or a commune/ward/special zone ("xã Lương Minh") no document names;
- it names a year ("năm 2023", "nhiệm kỳ 2021-2026") that no retrieved sentence about its subject names;
- it asks for a kind of value (money, a phone number, a count, a deadline, an event's date, the holder of a
  role) and no retrieved sentence holds such a value linked to what it is asked of (rag.asked); `missing` then
  names the kind, so the answer can say plainly what the documents do not state;
- the retrieved evidence covers too little of its content words (threshold calibrated on eval/datasets/dev.jsonl).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag import messages
from rag.asked import AskedKind, asked_of, signed_on_behalf, subject_words, year_linked, years_asked
from rag.directives import DirectiveStore, parse_directive_query
from rag.evidence import CorpusStats, coverage, unknown_share
from rag.lexicon import find_local_places, find_provinces, province_equivalents
from rag.routing import meta_fields
from rag.text import fold
from rag.types import Chunk, DocumentMeta

_PLAN_YEAR = re.compile(r"\b(ke hoach|van ban|tai lieu)\b.{0,80}?\bnam (20\d\d)\b")


@dataclass
class Verdict:
    refuse: bool
    reason: str = ""
    support: float = 0.0
    missing: AskedKind | None = None  # the value asked for, which the evidence does not link to its subject
    # (also on an answered question that asks for more than that value: the answer may say it is not stated)
    detail: str = ""  # Vietnamese, what the documents do say instead (the deputy who signed for the role)


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
        full_number = bool(re.search(r"\d+\s*[-/]\s*[a-z]", q))
        # "Chỉ thị 99", "hướng dẫn 37": a typed type word and a number; the type decides (rag.directives.query)
        typed = parsed is not None and parsed.lead is not None and (parsed.doc_type or parsed.kind) is not None \
            and not 1900 <= parsed.lead <= 2100
        if parsed is not None and (full_number or typed) and not names_own:
            if not self.registry.lookup(question):
                return Verdict(True, "directive not cited by any document")
            if full_number and set(meta_fields(question)) & {"signer", "recipients"}:
                return Verdict(True, "asks who signed/receives a cited directive; the plans do not say")
        return Verdict(False)

    def check(self, question: str, words: Sequence[str], hits: Sequence[Chunk], metas: Sequence[DocumentMeta],
              stats: CorpusStats) -> Verdict:
        """All checks, the evidence ones included (the model path)."""
        support = max((coverage(words, c.index_text(), stats) for c in hits[:3]), default=0.0)
        if not hits:
            return Verdict(True, "no evidence", support)
        early = self.precheck(question, metas, stats)
        if early.refuse:
            return Verdict(True, early.reason, support)
        subject = subject_words(question, words)
        for year in years_asked(question):
            if not any(c.year == int(year) or year_linked(year, subject, c.text, f"{c.doc_title} {c.path_str}")
                       for c in hits[:4]):
                return Verdict(True, f"nothing in the evidence is about year {year}", support)
        asked = asked_of(question, words)
        unlinked = asked.kind if asked is not None and not any(asked.linked(c.text, c.path_str)
                                                                for c in hits[:4]) else None
        # asked beside a task or a content ("giao việc gì, thời hạn khi nào"), an unstated value refuses nothing:
        # the rest is answered and `missing` still names the value, for the answer to say it is not stated
        not_stated = unlinked if unlinked is not None and unlinked.refuses else None
        if asked is not None and asked.refuses and unlinked is not None:
            detail = ""
            if asked.role is not None:
                signed = ((c, signed_on_behalf(asked.role[0], c.text)) for c in hits)
                found = next(((c, s) for c, s in signed if s), None)
                if found:
                    detail = messages.SIGNED_ON_BEHALF.format(doc=f"«{found[0].doc_title}»", signer=found[1])
            return Verdict(True, f"asks for {asked.kind.name}, no evidence links one to its subject", support,
                           asked.kind, detail)
        if unknown_share(words, stats) > 0.5:
            return Verdict(True, "most of the question's words appear in no document", support)
        if support < self.min_support:
            return Verdict(True, f"support {support:.2f} < {self.min_support:.2f}", support)
        return Verdict(False, "", support, not_stated)
