"""Citation verification: parse [n] back, keep only sentences their cited source supports, renumber."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.evidence import close_to, phrase_coverage, supports
from rag.lexicon.sentences import citation_numbers, sentence_pieces, strip_citations


@dataclass
class Claim:
    text: str  # without citation markers
    sources: list[int]  # 1-based indices into the evidence list


_ITEM_NUMBER = re.compile(r"^\s*[-•*+]?\s*(\d+(\.\d+)*\.|[a-zđ]\)|[IVX]+[.-])$")


def _pieces(answer: str) -> list[str]:
    """Sentences and list lines; a bare item number ('3.', '1.2.', 'a)') stays with the text after it."""
    out: list[str] = []
    for piece in sentence_pieces(answer, newlines=True):
        if out and _ITEM_NUMBER.match(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def parse_claims(answer: str) -> list[Claim]:
    """Split a model answer into sentences (or list lines) with the [n] markers each carries."""
    claims: list[Claim] = []
    for piece in _pieces(answer):
        piece = piece.strip()
        if not piece:
            continue
        refs = citation_numbers(piece)
        text = strip_citations(piece).strip()
        text = re.sub(r"\s+([.,;:!?])", r"\1", text)
        if len(re.sub(r"\W", "", text)) < 3:
            if claims and refs:  # a marker alone on its own line belongs to the previous sentence
                claims[-1].sources.extend(r for r in refs if r not in claims[-1].sources)
            continue
        claims.append(Claim(text, list(dict.fromkeys(refs))))
    return claims


@dataclass
class VerifiedClaim:
    text: str
    sources: list[int]  # verified 1-based indices into the evidence list


def example_sentences(messages: Sequence[dict[str, str]]) -> list[str]:
    """Sentences of a prompt's worked examples: every turn between the system prompt and the last user turn
    (sources and answers alike), without labels and markers."""
    out: list[str] = []
    for message in list(messages)[:-1]:
        if message.get("role") == "system":
            continue
        for claim in parse_claims(message.get("content", "")):
            text = re.sub(r"^(?:NGUỒN|CÂU HỎI)\s*:\s*", "", claim.text).strip(" -•")
            if len(text.split()) >= 5 and "›" not in text and not text.endswith("?") and text not in out:
                out.append(text)  # headings and the example question are not claims
    return out


def _supported(claim: str, source: str, examples: Sequence[str]) -> bool:
    """The cited source supports the claim, and a claim that reuses a worked-example sentence is accepted only
    when the source itself holds that sentence."""
    if not supports(claim, source):
        return False
    return not any(close_to(claim, ex) and phrase_coverage(ex, source) < 0.9 for ex in examples)


def verify(claims: Sequence[Claim], evidence: Sequence[str], *, examples: Sequence[str] = ()
           ) -> tuple[list[VerifiedClaim], int]:
    """Keep claims supported by a cited source (re-cite to another if needed); return them and the dropped count.
    `examples`: sentences of the prompt's worked examples, which can never verify on their own."""
    kept: list[VerifiedClaim] = []
    dropped = 0
    for claim in claims:
        valid = [n for n in claim.sources
                 if 1 <= n <= len(evidence) and _supported(claim.text, evidence[n - 1], examples)]
        if not valid:
            valid = [i + 1 for i, src in enumerate(evidence) if _supported(claim.text, src, examples)][:1]
        if valid:
            kept.append(VerifiedClaim(claim.text, valid))
        else:
            dropped += 1
    return kept, dropped


def _render_one(claim: VerifiedClaim, order: list[int]) -> str:
    """One claim with its markers renumbered in order of first use (`order` grows)."""
    marks = []
    for n in claim.sources:
        if n not in order:
            order.append(n)
        marks.append(f"[{order.index(n) + 1}]")
    match = re.match(r"^(.*?)([.!?…]*)$", claim.text.rstrip(), re.S)
    text, end = (match.group(1), match.group(2)) if match else (claim.text.rstrip(), "")
    if end in ("..", "...", "…", "....") or len(end) > 1:
        return f"{text}… {''.join(marks)}"  # an ellipsis ("v.v.") stays before the marker
    return f"{text} {''.join(marks)}{end or '.'}"


def _bulleted(claim: VerifiedClaim) -> bool:
    return claim.text.lstrip().startswith(("-", "•", "*", "+"))


def render(claims: Sequence[VerifiedClaim]) -> tuple[str, list[int]]:
    """Answer text with markers renumbered 1..m in order of first use; returns the text and the evidence order."""
    order: list[int] = []
    lines = [_render_one(claim, order) for claim in claims]
    return ("\n" if any(_bulleted(c) for c in claims) else " ").join(lines), order


class VerifiedStream:
    """Model deltas in, verified rendered sentences out, as each sentence completes.

    The raw text so far is re-split on every delta; every claim but the last is complete (a later marker can
    only attach to the last one), so it is verified against the source it cites and, when supported, emitted
    rendered. What was emitted is exactly the final answer text (`text`): no reader sees an unverified word.
    """

    def __init__(self, evidence: Sequence[str], examples: Sequence[str] = ()) -> None:
        self.evidence = list(evidence)
        self.examples = list(examples)
        self.raw = ""
        self.kept: list[VerifiedClaim] = []
        self.order: list[int] = []
        self.dropped = 0
        self.text = ""
        self._done = 0  # claims already decided

    def _decide(self, claims: Sequence[Claim]) -> list[str]:
        out = []
        for claim in claims:
            kept, dropped = verify([claim], self.evidence, examples=self.examples)
            self.dropped += dropped
            for verified in kept:
                piece = _render_one(verified, self.order)
                if self.kept:
                    sep = "\n" if _bulleted(verified) or _bulleted(self.kept[-1]) else " "
                    piece = sep + piece
                self.kept.append(verified)
                self.text += piece
                out.append(piece)
        return out

    def feed(self, delta: str) -> list[str]:
        """Add a model delta; return the verified text pieces that became final (often none)."""
        self.raw += delta
        claims = parse_claims(self.raw)
        ready = claims[self._done:len(claims) - 1]
        self._done += len(ready)
        return self._decide(ready)

    def finish(self) -> list[str]:
        """The model is done: decide the remaining claims."""
        claims = parse_claims(self.raw.strip())
        rest = claims[self._done:]
        self._done = len(claims)
        return self._decide(rest)

    @property
    def claims(self) -> int:
        return self._done
