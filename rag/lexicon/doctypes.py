"""Document types: names, upper-case title keywords, and the codes their numbers use."""

from __future__ import annotations

from dataclasses import dataclass

from rag.text import fold


@dataclass(frozen=True)
class DocType:
    """A document type: its name as written in running text, and the codes its numbers use (folded)."""

    name: str  # "Kế hoạch"
    codes: tuple[str, ...]  # ("kh",) — the code in "464/KH-LĐLĐ"; first = the usual one; () when none
    title: bool = True  # appears as an upper-case title keyword ("KẾ HOẠCH") of a document

    @property
    def upper(self) -> str:
        return self.name.upper()

    @property
    def folded(self) -> str:
        return fold(self.name)


DOC_TYPE_TABLE: tuple[DocType, ...] = (
    DocType("Kế hoạch", ("kh",)),
    DocType("Công văn", ("cv",)),
    DocType("Quyết định", ("qd",)),
    DocType("Chỉ thị", ("ct",)),
    DocType("Hướng dẫn", ("hd",)),
    DocType("Báo cáo", ("bc",)),
    DocType("Thông báo", ("tb",)),
    DocType("Nghị quyết", ("nq",)),
    DocType("Chương trình", ("ctr",)),
    DocType("Đề án", ("da",)),
    DocType("Tờ trình", ("ttr",)),
    DocType("Kết luận", ("kl",)),
    DocType("Quy chế", ("qc",)),
    DocType("Quy định", ("qd",)),
    DocType("Đề cương", ()),
    DocType("Thông tri", ("tt",)),
    DocType("Chuyên đề", ()),
    DocType("Phương án", ("pa",)),
    DocType("Thông báo kết luận", ("tb",), title=False),
    DocType("Nghị định", ("nd",)),
    DocType("Thông tư", ("tt",)),
    DocType("Luật", ("qh",)),
)
DOC_TYPE_NAMES: tuple[str, ...] = tuple(t.name for t in DOC_TYPE_TABLE)
# Type names a document's own title starts with (metadata_front.py's `DOC_TYPES`); laws/decrees are never ours.
TITLE_TYPE_NAMES: tuple[str, ...] = tuple(
    t.name for t in DOC_TYPE_TABLE if t.title and t.name not in {"Nghị định", "Thông tư", "Luật"}
)
# The same upper case, as title keywords at a line start (`rag.outline.lines.TITLE_RE`).
TITLE_KEYWORDS: tuple[str, ...] = tuple(name.upper() for name in TITLE_TYPE_NAMES)
# Type words a document's own title starts with (metadata.py's `_DOC_TYPE_WORDS`).
DOC_TYPE_WORDS: tuple[str, ...] = tuple(
    t.name for t in DOC_TYPE_TABLE if t.title and t.name not in {"Chuyên đề", "Phương án", "Nghị định", "Thông tư",
                                                                 "Luật"}
)
# Types a plan cites with a number, whose citations the registry records (directives.py's `DOC_TYPES`):
# folded word → display name, longest first. Reports, submissions, annexes are not recorded when cited.
CITED_TYPES: dict[str, str] = {
    t.folded: t.name for t in sorted(DOC_TYPE_TABLE, key=lambda t: -len(t.folded))
    if t.name not in {"Báo cáo", "Tờ trình", "Quy chế", "Đề cương", "Chuyên đề", "Phương án", "Luật"}
}
# Type words a user types before a number to name a document (folded → name): "hướng dẫn 37", "báo cáo 12".
# Not those usually followed by an ordinal inside a plan ("Chuyên đề 3", "Phương án 2", "Đề cương 1").
QUERY_TYPES: dict[str, str] = {
    t.folded: t.name for t in sorted(DOC_TYPE_TABLE, key=lambda t: -len(t.folded))
    if t.codes and t.name != "Phương án"
}

def _kinds() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    table: dict[str, tuple[set[str], set[str]]] = {}
    for t in DOC_TYPE_TABLE:
        for code in t.codes:
            codes, names = table.setdefault(code, (set(), set()))
            codes.add(code)
            names.add(t.name)
    table["tbkl"] = ({"tb"}, {"Thông báo kết luận"})
    table["qh"] = ({"qh"}, set())  # a Quốc hội number (55/2022/QH15) says nothing about the type
    return {k: (frozenset(c), frozenset(n)) for k, (c, n) in table.items()}


# Abbreviation a user types (folded) → (number codes, type names) it stands for: "qd" → Quy định and Quyết định.
KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = _kinds()
# Type name → its usual number code.
TYPE_CODE: dict[str, str] = {t.name: t.codes[0] for t in DOC_TYPE_TABLE if t.codes}


def type_of_code(code: str) -> frozenset[str]:
    """Type names a number code stands for ('KH' → {'Kế hoạch'}, 'QĐ' → {'Quy định', 'Quyết định'})."""
    return KINDS.get(fold(code), (frozenset(), frozenset()))[1]


def type_of_word(word: str) -> str | None:
    """Canonical type name for a type word in any case/accents ('HƯỚNG DẪN', 'huong dan' → 'Hướng dẫn')."""
    f = " ".join(fold(word).split())
    return next((t.name for t in DOC_TYPE_TABLE if t.folded == f), None)
