import unicodedata

import pytest

from rag.text import canonical_number, fold, normalize, normalize_tones, tokens

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("old", "new"),
    [("hoá", "hóa"), ("Uỷ ban", "Ủy ban"), ("khoá XII", "khóa XII"), ("thuỷ lợi", "thủy lợi"),
     ("khoẻ", "khỏe"), ("Hoà Bình", "Hòa Bình"), ("chuyển hoá", "chuyển hóa")],
)
def test_old_tone_placement_maps_to_new(old: str, new: str) -> None:
    assert normalize_tones(old) == new
    assert normalize(old) == normalize(new)


@pytest.mark.parametrize("word", ["quý", "hoàng", "thuyền", "quỷ", "khoản"])
def test_tone_placement_leaves_other_syllables(word: str) -> None:
    assert normalize_tones(word) == word


def test_nfd_input_equals_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Kế hoạch tuyên truyền")
    assert nfd != "Kế hoạch tuyên truyền"
    assert normalize(nfd) == "Kế hoạch tuyên truyền"


@pytest.mark.parametrize(
    ("glued", "expected"),
    [("số175-KH/TU", "số 175-KH/TU"), ("Kếhoạch số176-KH/TU", "Kế hoạch số 176-KH/TU"),
     ("Ban Thường vụTỉnh ủy", "Ban Thường vụ Tỉnh ủy"), ("Nghị quyết số18-NQ/TW", "Nghị quyết số 18-NQ/TW"),
     ("55/2022/QH15", "55/2022/QH15"), ("CNVCLĐ", "CNVCLĐ"), ("Covid-19", "Covid-19")],
)
def test_glued_tokens_are_split(glued: str, expected: str) -> None:
    assert normalize(glued) == expected


def test_fold_matches_typing_without_diacritics() -> None:
    assert fold("Kế hoạch tuyên truyền") == "ke hoach tuyen truyen"
    assert fold("Đảng ủy") == fold("dang uy") == "dang uy"
    assert fold("  nhiều   khoảng  trắng ") == "nhieu khoang trang"


def test_tokens_keep_document_numbers_whole_and_split() -> None:
    toks = tokens("Nghị quyết số 35-NQ/TW và 55/2022/QH15")
    assert "35-nq/tw" in toks and "35" in toks and "nq" in toks
    assert "55/2022/qh15" in toks
    assert tokens("nghi quyet 35") == ["nghi", "quyet", "35"]


def test_canonical_number() -> None:
    assert canonical_number("374  /KH-MTTQ-BTT") == "374/KH-MTTQ-BTT"
    assert canonical_number("35-nq/tw") == "35-NQ/TW"


@pytest.mark.parametrize("word", ["Kết luận", "luật", "hoặc", "thuận", "quyết", "khoảng"])
def test_tone_placement_keeps_marked_vowels(word: str) -> None:
    assert normalize(word) == word


def test_chuong_trinh_number_keeps_its_spelling() -> None:
    assert canonical_number("32-ctr/tu") == "32-CTr/TU"
