"""Greedy decoding with prompt-lookup drafts over a fake deterministic model: same tokens as plain greedy,
fewer decode steps when the continuation is in the prompt, KV prefix kept across requests."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from rag.llm.speculative import GenerationStats, greedy_generate, model_drafter, prompt_lookup_drafter
from rag.llm.textstream import text_deltas

pytestmark = pytest.mark.unit

VOCAB = 40
EOG = 0


class FakeSession:
    """A 'model' whose greedy next token is a fixed function of the last two tokens; counts decode calls."""

    def __init__(self, rule: dict[tuple[int, int], int], *, n_ctx: int = 512, can_truncate: bool = True) -> None:
        self.rule = rule
        self._cached: list[int] = []
        self._n_ctx = n_ctx
        self.can_truncate = can_truncate
        self.decoded: list[list[int]] = []

    @property
    def cached(self) -> Sequence[int]:
        return self._cached

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    def truncate(self, n: int) -> bool:
        if n >= len(self._cached):
            return True
        if n and not self.can_truncate:
            return False
        del self._cached[n:]
        return True

    def _next(self, a: int, b: int) -> int:
        return self.rule.get((a, b), (a * 7 + b * 3) % (VOCAB - 1) + 1)

    def decode(self, tokens: Sequence[int], *, all_logits: bool) -> np.ndarray:
        self.decoded.append(list(tokens))
        start = len(self._cached)
        self._cached.extend(tokens)
        rows = []
        for pos in range(start, len(self._cached)):
            a = self._cached[pos - 1] if pos else 0
            row = np.zeros(VOCAB, dtype=np.float32)
            row[self._next(a, self._cached[pos])] = 1.0
            rows.append(row)
        return np.stack(rows if all_logits else rows[-1:])

    def is_eog(self, token: int) -> bool:
        return token == EOG


def _copying_rule(prompt: Sequence[int], stop_after: int) -> dict[tuple[int, int], int]:
    """Greedy output copies the prompt from its 3rd token on (like an answer quoting its evidence), then ends."""
    rule = {(prompt[i - 1], prompt[i]): prompt[i + 1] for i in range(1, len(prompt) - 1)}
    rule[(prompt[stop_after - 1], prompt[stop_after])] = EOG
    return rule


PROMPT = [5, 9, 12, 17, 23, 8, 30, 14, 21, 3, 27, 11, 6, 19, 33, 25, 2, 5, 9]


def test_drafts_give_the_same_tokens_in_fewer_steps() -> None:
    rule = _copying_rule(PROMPT, stop_after=15)
    plain_stats, draft_stats = GenerationStats(), GenerationStats()
    plain = list(greedy_generate(FakeSession(rule), PROMPT, max_tokens=50, stats=plain_stats))
    drafted = list(greedy_generate(FakeSession(rule), PROMPT, max_tokens=50,
                                   drafter=prompt_lookup_drafter(2, 4), stats=draft_stats))
    assert plain == PROMPT[2:16]
    assert drafted == plain
    assert draft_stats.generated_tokens == plain_stats.generated_tokens == len(plain)
    assert draft_stats.accepted_tokens > 0
    assert draft_stats.decode_steps < plain_stats.decode_steps
    assert 0 < (draft_stats.acceptance_rate or 0) <= 1
    assert plain_stats.drafted_tokens == 0 and plain_stats.acceptance_rate is None


def test_rejected_drafts_do_not_change_the_output() -> None:
    # Greedy output never follows the prompt: every draft is wrong, the text is that of plain greedy.
    prompt = [4, 7, 4, 7, 4, 7, 4]
    session, plain_session = FakeSession({}), FakeSession({})
    drafted = list(greedy_generate(session, prompt, max_tokens=12, drafter=prompt_lookup_drafter(3, 5)))
    plain = list(greedy_generate(plain_session, prompt, max_tokens=12))
    assert drafted == plain
    assert len(drafted) == 12
    # The cache holds the prompt and the generated tokens except the last one, nothing of rejected drafts.
    assert list(session.cached) == prompt + drafted[:-1]


def test_max_tokens_and_context_window_are_honoured() -> None:
    rule = _copying_rule(PROMPT, stop_after=17)
    out = list(greedy_generate(FakeSession(rule), PROMPT, max_tokens=5, drafter=prompt_lookup_drafter(2, 8)))
    assert out == PROMPT[2:7]
    with pytest.raises(ValueError, match="context window"):
        list(greedy_generate(FakeSession(rule, n_ctx=20), PROMPT, max_tokens=5))
    with pytest.raises(ValueError, match="empty"):
        list(greedy_generate(FakeSession(rule), [], max_tokens=5))


def test_kv_prefix_is_reused_across_requests() -> None:
    session = FakeSession({})
    first = GenerationStats()
    list(greedy_generate(session, PROMPT, max_tokens=3, stats=first))
    assert first.reused_prefix_tokens == 0 and first.prompt_tokens == len(PROMPT)
    second_prompt = [*PROMPT[:12], 1, 2, 3]
    second = GenerationStats()
    calls_before = len(session.decoded)
    list(greedy_generate(session, second_prompt, max_tokens=3, stats=second))
    assert second.reused_prefix_tokens == 12
    assert session.decoded[calls_before] == [1, 2, 3]  # only the new suffix is prefilled
    # The same prompt again: everything but the last token is reused (fresh logits need one decode).
    third = GenerationStats()
    list(greedy_generate(session, second_prompt, max_tokens=3, stats=third))
    assert third.reused_prefix_tokens == len(second_prompt) - 1


def test_a_cache_that_cannot_be_cut_is_reset() -> None:
    session = FakeSession({}, can_truncate=False)
    list(greedy_generate(session, PROMPT, max_tokens=2))
    stats = GenerationStats()
    out = list(greedy_generate(session, [*PROMPT[:10], 1], max_tokens=2, stats=stats))
    assert stats.reused_prefix_tokens == 0
    assert out == list(greedy_generate(FakeSession({}), [*PROMPT[:10], 1], max_tokens=2))


def test_drafter_prefers_the_longest_ngram() -> None:
    draft = prompt_lookup_drafter(max_ngram=3, num_tokens=3)
    # "2 3" occurs twice; only the first occurrence of "1 2 3" is followed by 4 5 6.
    assert list(draft([9, 2, 3, 7, 1, 2, 3, 4, 5, 6, 1, 2, 3])) == [4, 5, 6]
    assert list(draft([7, 8, 9])) == []
    with pytest.raises(ValueError):
        prompt_lookup_drafter(0, 3)


def _bytes(pieces: dict[int, bytes]) -> Callable[[list[int]], bytes]:
    return lambda ids: b"".join(pieces[i] for i in ids)


def test_text_deltas_join_split_characters_and_stop_before_stop_strings() -> None:
    pieces = {1: "Kế ".encode(), 2: "hoạch".encode()[:3], 3: "hoạch".encode()[3:], 4: b"\n\n", 5: b"\nX"}
    assert "".join(text_deltas([1, 2, 3], _bytes(pieces))) == "Kế hoạch"
    deltas = list(text_deltas([1, 2, 3, 4, 5], _bytes(pieces), stop=["\n\n\n"]))
    assert "".join(deltas) == "Kế hoạch"
    assert all("\ufffd" not in d for d in deltas)
    # A held-back partial stop string that never completes is emitted at the end.
    assert "".join(text_deltas([1, 4], _bytes(pieces), stop=["\n\n\n"])) == "Kế \n\n"


# ---------------------------------------------------------------------------------------------- draft model
def test_a_draft_model_that_agrees_with_the_target_saves_steps_and_changes_nothing() -> None:
    rule = _copying_rule(PROMPT, stop_after=15)
    plain_stats, draft_stats = GenerationStats(), GenerationStats()
    plain = list(greedy_generate(FakeSession(rule), PROMPT, max_tokens=50, stats=plain_stats))
    draft_session = FakeSession(rule)  # a "smaller model" with the same greedy choices
    drafted = list(greedy_generate(FakeSession(rule), PROMPT, max_tokens=50,
                                   drafter=model_drafter(draft_session, 4), stats=draft_stats))
    assert drafted == plain
    assert draft_stats.acceptance_rate == 1.0
    assert draft_stats.decode_steps < plain_stats.decode_steps
    assert draft_stats.draft_s > 0
    # The draft model prefilled the prompt once: later drafts only decode the new tokens.
    assert draft_session.decoded[0] == PROMPT + plain[:1]
    assert all(len(call) <= 5 for call in draft_session.decoded[1:])


def test_a_draft_model_that_disagrees_changes_nothing_and_keeps_its_cache_in_step() -> None:
    prompt = [4, 7, 4, 7, 4, 7, 4]
    target, plain_session = FakeSession({}), FakeSession({})
    # Always one more than the target's greedy choice (never the end token).
    wrong = {(a, b): ((a * 7 + b * 3) % (VOCAB - 1) + 1) % (VOCAB - 1) + 1 for a in range(VOCAB) for b in range(VOCAB)}
    draft_session = FakeSession(wrong)
    inner = model_drafter(draft_session, 3)
    problems: list[str] = []

    def checked(context: Sequence[int]) -> Sequence[int]:
        out = inner(context)
        # After each draft the draft cache holds the context and the draft but its last token, no stale ones.
        if list(draft_session.cached) != [*context, *out[:-1]]:
            problems.append(f"cache out of step after context of {len(context)}")
        return out

    stats = GenerationStats()
    drafted = list(greedy_generate(target, prompt, max_tokens=12, drafter=checked, stats=stats))
    assert drafted == list(greedy_generate(plain_session, prompt, max_tokens=12))
    assert stats.drafted_tokens > 0 and stats.accepted_tokens == 0
    assert problems == []


def test_a_draft_ends_at_end_of_generation_and_respects_the_context() -> None:
    rule = {(5, 9): 12, (9, 12): EOG}
    draft = model_drafter(FakeSession(rule), 6)
    assert draft([5, 9]) == [12, EOG]
    assert model_drafter(FakeSession({}, n_ctx=8), 4)([1, 2, 3, 4, 5]) == []
    with pytest.raises(ValueError):
        model_drafter(FakeSession({}), 0)
