"""The section parser and chunker never raise: hand-written edge cases, then hypothesis fuzzing.

Fuzzing runs over arbitrary text and over random mutations of real documents (lines deleted or duplicated,
stray 'f)', '|', '**' and digits inserted, truncation). Example counts stay small so the suite stays fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.chunking import make_chunks
from rag.normalize import normalize_document
from rag.outline import parse_sections
from rag.types import DocumentMeta, Section
from tests.rag.helpers.corpus_extra import extra_paths, seed_paths

pytestmark = pytest.mark.unit

META = DocumentMeta(doc_id="d", title="T", filename="d.md")


def headings(root: Section) -> list[str]:
    """Every heading below the root, in document order."""
    return [s.heading for s in root.walk()[1:]]


def check_invariants(text: str) -> None:
    """Parse and chunk; sections tile the text and chunks cover only its characters."""
    root = parse_sections(text)
    for s in root.walk()[1:]:
        assert text[s.start : s.end] == s.text
    chunks = make_chunks(root, META)
    for c in chunks:
        assert c.text.strip() and c.start < c.end


# ---------------------------------------------------------------------------------------------- edge cases


def test_latin_lettered_items_do_not_crash_and_follow_either_alphabet() -> None:
    text = "I. NỘI DUNG\n1. Nhiệm vụ\na) Một;\nb) Hai;\nc) Ba;\nd) Bốn;\ne) Năm;\nf) Sáu;\ng) Bảy.\n"
    root = parse_sections(text)
    item = root.children[-1].children[0]
    assert [c.heading for c in item.children] == ["a) Một;", "b) Hai;", "c) Ba;", "d) Bốn;", "e) Năm;", "f) Sáu;",
                                                  "g) Bảy."]
    vietnamese = "I. NỘI DUNG\n1. Nhiệm vụ\na) Một;\nb) Hai;\nc) Ba;\nd) Bốn;\nđ) Năm;\ne) Sáu;\ng) Bảy.\n"
    item = parse_sections(vietnamese).children[-1].children[0]
    assert [c.heading[:2] for c in item.children] == ["a)", "b)", "c)", "d)", "đ)", "e)", "g)"]


def test_a_letter_out_of_sequence_is_text() -> None:
    item = parse_sections("I. A\n1. B\na) Một;\nw) Lạc;\nb) Hai.\n").children[-1].children[0]
    assert [c.heading[:2] for c in item.children] == ["a)", "b)"]


def test_numbered_items_may_start_with_a_number() -> None:
    root = parse_sections("II. MỤC TIÊU\n1. 100% cán bộ được bồi dưỡng.\n2. 95% xã đạt chuẩn.\n")
    assert headings(root)[-2:] == ["1. 100% cán bộ được bồi dưỡng.", "2. 95% xã đạt chuẩn."]
    assert headings(parse_sections("I. A\n1. 2025\n")) == ["I. A"]  # a bare number is not an item


def test_articles_and_chapters() -> None:
    text = (
        "QUY ĐỊNH\nVỀ VIỆC THỬ\n\nChương I\nQUY ĐỊNH CHUNG\n\nĐiều 1. Phạm vi\n1. Khoản một.\na) Điểm a.\n"
        "Điều 2. Đối tượng\nNội dung.\n\nChương II\nTỔ CHỨC THỰC HIỆN\n\nĐiều 3. Hiệu lực\nNội dung.\n"
    )
    root = parse_sections(text)
    chapters = [s for s in root.children if s.heading.startswith("Chương")]
    assert [c.heading for c in chapters] == ["Chương I. QUY ĐỊNH CHUNG", "Chương II. TỔ CHỨC THỰC HIỆN"]
    assert [a.heading for a in chapters[0].children] == ["Điều 1. Phạm vi", "Điều 2. Đối tượng"]
    assert [a.heading for a in chapters[1].children] == ["Điều 3. Hiệu lực"]  # numbered through the document
    assert chapters[0].children[0].children[0].children[0].heading == "a) Điểm a."


def test_document_attached_after_the_signature_is_an_annex() -> None:
    text = (
        "QUYẾT ĐỊNH\nVỀ VIỆC BAN HÀNH KẾ HOẠCH\n\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch.\n"
        "Điều 2. Hiệu lực.\n\nNơi nhận:\n- Như Điều 2;\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn An\n\n"
        "KẾ HOẠCH\nTRIỂN KHAI THỰC HIỆN\n(Kèm theo Quyết định số 1/QĐ-UBND)\nI. MỤC TIÊU\n1. Chung\n"
    )
    root = parse_sections(text)
    annex = root.children[-1]
    assert annex.kind == "annex" and annex.heading == "KẾ HOẠCH TRIỂN KHAI THỰC HIỆN"
    assert [c.heading for c in annex.children] == ["I. MỤC TIÊU"]


def test_a_form_attached_after_the_signature_is_an_annex() -> None:
    text = (
        "KẾ HOẠCH\nVỀ VIỆC THỬ\n\nI. MỤC TIÊU\n1. Chung.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn An\n\n"
        "Mẫu biểu số 01\n\nDỰ BÁO MỘT SỐ CHỈ TIÊU\n\nSTT\n\n1\n\nTổng sản phẩm\n"
    )
    root = parse_sections(text)
    assert [(s.kind, s.heading) for s in root.children[-2:]] == [("signature", "Chữ ký"), ("annex", "Mẫu biểu số 01")]
    assert "Tổng sản phẩm" in root.children[-1].text


def test_trailing_footnotes_are_their_own_section() -> None:
    text = "I. A\n1. Nội dung[1].\n\nNơi nhận:\n- Lưu.\n\n[1] Chú thích một.\n\n[2] Chú thích hai.\n"
    root = parse_sections(text)
    notes = root.children[-1]
    assert notes.kind == "footnotes" and notes.heading == "Chú thích"
    assert notes.text.startswith("[1] Chú thích một.")
    assert any(c.kind == "footnotes" for c in make_chunks(root, META))


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "f)", "f) g) h)", "a)\nf)\nz)", "|", "**", "1.", "I.", "Điều", "Điều 0.", "Chương 0",
     "Chương IIII", "[1]", "[1] x", "1. 1", "KẾ HOẠCH", "Nơi nhận:", "TM. X\nA B", "\x00\x0b\x0c\u2028"],
)
def test_odd_inputs_never_raise(text: str) -> None:
    check_invariants(text)
    check_invariants(normalize_document(text).text)


# ---------------------------------------------------------------------------------------------- fuzzing

_ALPHABET = st.characters(codec="utf-8", exclude_categories=["Cs"])
_TOKENS = st.sampled_from(
    ["f)", "a)", "đ)", "z)", "|", "**", "*", "#", "---", "1.", "2.", "1.1.", "I.", "II-", "Điều 1.", "Chương I",
     "[1]", "[2]", "- 3 -", "Trang 2", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "KẾ HOẠCH", "PHỤ LỤC", "100%", "7",
     "\n", "\n\n", " ", "\f", "Căn cứ", "ngày 20", "tháng 11 năm 2025"]
)
_FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(st.text(_ALPHABET, max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    check_invariants(text)
    check_invariants(normalize_document(text).text)


@_FAST
@given(st.lists(_TOKENS, max_size=60).map(" ".join))
def test_structure_like_token_soup_never_raises(text: str) -> None:
    check_invariants(text)
    check_invariants(normalize_document(text).text)


def _real_texts() -> list[str]:
    """A few real documents (corpus-extra when present, and the seeds), cut to keep the fuzzing fast."""
    paths: list[Path] = extra_paths()[::9] + seed_paths()[:2]
    return [p.read_text(encoding="utf-8")[:6000] for p in paths]


REAL = _real_texts()


@st.composite
def mutated_document(draw: st.DrawFn) -> str:
    """A real document with random line deletions/duplications, inserted debris, and a truncation."""
    lines = draw(st.sampled_from(REAL)).split("\n")
    for _ in range(draw(st.integers(0, 8))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "prefix"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(_TOKENS))
        else:
            lines[i] = draw(_TOKENS) + lines[i]
    text = "\n".join(lines)
    return text[: draw(st.integers(0, len(text)))]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_document())
def test_mutated_real_documents_never_raise(text: str) -> None:
    normalised = normalize_document(text).text
    check_invariants(normalised)
    check_invariants(text)
