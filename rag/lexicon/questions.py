"""How questions are phrased (folded text): the words of a question's form, as opposed to its topic.

Used by the answering strategies (rag.answer): a cross-plan question ("Những tỉnh nào nhắc đến chuyển đổi số?")
or a directive looked up by its subject ("Nghị quyết nào về chuyển đổi số?") is matched on its topic words only.
"""

from __future__ import annotations

import re

# Words that describe the question form (comparison, "which", "all of") rather than its topic.
FORM_WORDS: frozenset[str] = frozenset((
    "ke hoach", "tinh", "cac tinh", "tai lieu", "van ban", "so sanh", "nhung", "nao", "tat ca", "ca hai",
    "dia phuong", "giong", "khac", "khac nhau", "giong nhau", "diem chung", "cung", "deu", "nhac", "nhac den",
    "de cap", "noi", "co", "nhau", "ra sao", "the nao", "nhu the nao", "diem", "gi",
))

# Words of a question about who issued plans ("Kho có mấy văn bản do MTTQ tỉnh ban hành?") that are not the issuer.
ISSUER_QUESTION_WORDS: frozenset[str] = frozenset(("ban hanh", "kho", "may", "bao nhieu", "so luong", "tinh"))

# Short names of issuing bodies as typed in questions (folded) → the words their full names contain.
ISSUER_SHORT_NAMES: dict[str, str] = {
    "mttq": "mat tran to quoc", "ldld": "lien doan lao dong", "btv": "ban thuong vu", "tu": "tinh uy",
    "ubnd": "uy ban nhan dan", "cong doan": "lien doan lao dong",
}

# The question asks which document / which number ("… là văn bản nào?", "số mấy?", "số hiệu", "cụ thể").
ASKS_WHICH_RE = re.compile(r"\b(nao|so may|so bao nhieu|la gi|so hieu|ten la gi|cu the)\b")
# The question asks what a named document is ("Hướng dẫn 40-HD/BTGDVTW là văn bản nào?").
ASKS_WHAT_IS_RE = re.compile(r"\bla (?:van ban |tai lieu )?(?:nao|gi)\b")


def expand_issuer(folded: str) -> str:
    """A folded issuer name or question followed by the full names of the short names it uses."""
    padded = f" {folded} "
    return padded + " ".join(v for k, v in ISSUER_SHORT_NAMES.items() if f" {k} " in padded)
