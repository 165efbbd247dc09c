"""Directive extraction: a pure function from one document's sections to its directive records.

The references of each sentence come from `rag.directives.refs`; this module gives them identities and merges them.

Identity: a directive is (canonical number, date). The corpus has two different `18-NQ/TW` (25/10/2017 and
16/6/2022), so the number alone is not enough. Inside one document, a mention without a date joins the single
dated record of that number compatible with it (same term when both are known); when several remain, the one
cited in the same sentence, then in the same section, wins; otherwise the mention stays a record of its own
with an undated id ("05-ct-tw").
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.directives.common import make_directive_id, number_key, pick
from rag.directives.refs import Ref, refs_in_sentence
from rag.directives.sentences import split_sentences
from rag.lexicon import issuer_of_number, number_code, type_of_word
from rag.text import DOC_NUMBER, canonical_number, fold
from rag.types import DirectiveRecord, DocumentMeta, Mention, Section


def _resolve_undated(refs: list[Ref]) -> None:
    """Give every reference its identity key; undated ones join a unique compatible dated record."""
    dated: dict[str, list[Ref]] = {}
    for r in refs:
        if r.date:
            dated.setdefault(number_key(r.number), []).append(r)
    for r in refs:
        nk = number_key(r.number)
        if r.date:
            r.key = (nk, r.date)
            continue
        cands = dated.get(nk, [])
        if r.term:
            cands = [c for c in cands if c.term is None or fold(c.term) == fold(r.term)]
        chosen: str | None = None
        for scope in (
            cands,
            [c for c in cands if (c.section_idx, c.sentence_idx) == (r.section_idx, r.sentence_idx)],
            [c for c in cands if c.section_idx == r.section_idx],
        ):
            dates = {c.date for c in scope}
            if len(dates) == 1:
                chosen = dates.pop()
                break
        r.key = (nk, chosen)


def _merge(refs: Sequence[Ref]) -> DirectiveRecord:
    """One record from the references sharing an identity (fields from whichever mention has them)."""
    dated = [r for r in refs if r.date]
    base = dated[0] if dated else refs[0]
    mentions: list[Mention] = []
    seen: set[tuple[str, str, str]] = set()
    for r in refs:
        k = (r.mention.doc_id, r.mention.section_id, r.mention.sentence)
        if k not in seen:
            seen.add(k)
            mentions.append(r.mention)
    date = refs[0].key[1]
    return DirectiveRecord(
        directive_id=make_directive_id(base.number, date),
        number=base.number,
        doc_type=pick([r.doc_type for r in refs]) or base.doc_type,
        date=date,
        issuer=pick([r.issuer for r in refs]),
        term=pick([r.term for r in refs]),
        subject=pick([r.subject for r in refs], shortest=True),
        mentions=mentions,
    )


def document_record(meta: DocumentMeta) -> DirectiveRecord | None:
    """The document itself as a registry record, so it is found under its own number and type ("hướng dẫn 37",
    "37-HD/BTGDVTW"); None when its metadata has no number with a type code, or no type."""
    if not meta.number or not meta.doc_type:
        return None
    number = canonical_number(meta.number)
    if not DOC_NUMBER.fullmatch(number) or number_code(number) is None:
        return None
    # Undated, the number alone would merge every province's "141/KH-UBND": the document id keeps them apart.
    did = make_directive_id(number, meta.date) if meta.date else f"{make_directive_id(number, None)}~{meta.doc_id}"
    return DirectiveRecord(
        directive_id=did,
        number=number,
        doc_type=type_of_word(meta.doc_type) or meta.doc_type,
        date=meta.date,
        issuer=meta.issuer or issuer_of_number(number),
        subject=None,
        doc_id=meta.doc_id,
        title=meta.title,
    )


def extract_directives(meta: DocumentMeta, sections: Sequence[Section]) -> list[DirectiveRecord]:
    """Every directive-like document that `meta`'s document cites, one record per distinct directive, then the
    document itself (`document_record`) when its metadata has a number."""
    own_key = number_key(meta.number) if meta.number else None
    refs: list[Ref] = []
    for s_idx, section in enumerate(sections):
        for k, sentence in enumerate(split_sentences(section.text)):
            refs.extend(refs_in_sentence(sentence, meta, section, s_idx, k, own_key))
    _resolve_undated(refs)
    groups: dict[tuple[str, str | None], list[Ref]] = {}
    for r in refs:
        groups.setdefault(r.key, []).append(r)
    records = [_merge(g) for g in groups.values()]
    own = document_record(meta)
    if own is not None:
        records = [r for r in records if r.directive_id != own.directive_id] + [own]
    return records

