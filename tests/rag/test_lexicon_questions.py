"""rag.lexicon.questions: the words of a question's form, short issuer names, 'which/what is' patterns."""

from __future__ import annotations

import pytest

from rag.lexicon.questions import ASKS_WHAT_IS_RE, ASKS_WHICH_RE, FORM_WORDS, ISSUER_SHORT_NAMES, expand_issuer
from rag.text import fold

pytestmark = pytest.mark.unit


def test_tables_are_folded() -> None:
    for word in (*FORM_WORDS, *ISSUER_SHORT_NAMES, *ISSUER_SHORT_NAMES.values()):
        assert word == fold(word)


@pytest.mark.parametrize(("issuer", "words"), [
    ("Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Bình Định", "mat tran to quoc"),
    ("Ban Thường vụ LĐLĐ tỉnh Nghệ An", "lien doan lao dong"),
    ("UBND huyện Mường Tè", "uy ban nhan dan"),
])
def test_short_names_are_spelt_out(issuer: str, words: str) -> None:
    expanded = expand_issuer(fold(issuer))
    assert f" {words}" in expanded and expanded.startswith(f" {fold(issuer)} ")


def test_a_name_inside_a_word_is_not_expanded() -> None:
    assert expand_issuer(fold("Ban Tuyên giáo")).strip() == fold("Ban Tuyên giáo")


@pytest.mark.parametrize(("question", "which", "what_is"), [
    ("Hướng dẫn 12-HD/BTG là văn bản nào?", True, True),
    ("Kế hoạch này có số hiệu bao nhiêu?", True, False),
    ("Chỉ thị 05 là gì?", True, True),
    ("Các hình thức tuyên truyền trên mạng xã hội", False, False),
])
def test_which_and_what_is(question: str, which: bool, what_is: bool) -> None:
    assert bool(ASKS_WHICH_RE.search(fold(question))) is which
    assert bool(ASKS_WHAT_IS_RE.search(fold(question))) is what_is
