"""Extractive first for facts: when the question asks for a particular value (a date, an amount, a count, a
person in a role…) and a sentence of the evidence holds such a value linked to the question's subject
(`rag.asked`), that sentence is the answer, verbatim, with its answer span marked (`rag.extractive`); no model
call. The model path still answers everything else."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.sources import Source
from rag.asked import asked_of
from rag.extractive import pick_sentence
from rag.injection import strip_injections
from rag.types import Chunk


@dataclass(frozen=True)
class LinkedAnswer:
    text: str  # the sentence with its answer span marked, cited [1]
    source: Source  # the chunk, quoted by that sentence


def linked_answer(question: str, words: Sequence[str], ranked: Sequence[tuple[Chunk, float]]) -> LinkedAnswer | None:
    """The best-ranked chunk's sentence that holds the asked value linked to the subject, or None."""
    asked = asked_of(question, words)
    if asked is None:
        return None
    for chunk, score in ranked:
        sentences = asked.linked(strip_injections(chunk.text), chunk.path_str)
        pick = pick_sentence(question, sentences) if sentences else None
        if pick is not None:
            sentence = " ".join(pick.sentence.split())
            marked = " ".join(pick.marked().split())
            return LinkedAnswer(f"{marked} [1]", Source(chunk, sentence, score))
    return None
