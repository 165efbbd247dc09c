"""Section tree of a Vietnamese administrative document, and chunking of that tree.

The parser is line based. Each line is classified on a cleaned copy (markdown `**`/`#` and indentation
removed) while offsets always index the input, so `text[s.start:s.end] == s.text` holds for every section;
the sections tile the text (trailing blank lines belong to the section before them).

Recognised structure: a header block (number, place/date), a title (`KẾ HOẠCH`, `CÔNG VĂN`...) with its
preamble (`Căn cứ`/`Thực hiện`...), Roman headings (`I.`, `II-`), numbered headings (`1.`, `1.1.`, `2.3`,
also when the item's text starts with a number: `1. 100% ...`), lettered items (`a)`, in the Vietnamese or the
Latin alphabet), chapters and articles (`Chương I`, `Điều 1.`, articles numbered through the document), an
attached annex (`ĐỀ CƯƠNG`, `PHỤ LỤC`, or a document-type title after the signature: the Kế hoạch a Quyết định
issues) with its own numbering, the `Nơi nhận` block, the signature block and a trailing footnote block
(`[1] ...`, written by `rag.normalize`). The parser expects normalised text (`rag.parsing.parse_document`) but
never raises on any input. Numbering must be plausible (a stray `5.` after `2.` is text, not a heading).
Documents without headings are split into paragraphs (`Đoạn 1`, `Đoạn 2`...).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from rag.lexicon import ANNEX_WORDS, PROVINCES, RECIPIENTS_RE, SIGNATURE_PREFIX_RE, TITLE_KEYWORDS
from rag.text import fold, nfc
from rag.types import Chunk, DocumentMeta, Section, SectionKind

LABEL_MAX = 60

_DOC_TYPES = TITLE_KEYWORDS  # title keywords at a line start ('KẾ HOẠCH'), from the lexicon
_TITLE_RE = re.compile(r"^(?P<kw>" + "|".join(_DOC_TYPES) + r")(?![^\W\d_])")
_ANNEX_RE = re.compile(r"^(?:" + "|".join(ANNEX_WORDS) + r")(?![^\W\d_])")
_ANNEX_MIXED_RE = re.compile(r"^(?:Phụ lục|PHỤ LỤC)\s*(?:[IVX]+|\d+|số\s*\d+)?\s*:?$")
_ROMAN_RE = re.compile(r"^(?P<num>[IVX]{1,6})\s*[.\-–—:)]\s*(?P<rest>\S.*)$")
_NUM_RE = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?P<sep>[.)]|(?=\s))\s*(?P<rest>\S.*)$")
_LETTER_RE = re.compile(r"^(?P<num>[a-zđ])[)/]\s*(?P<rest>\S.*)$")
_ARTICLE_RE = re.compile(r"^(?:Điều|ĐIỀU)\s+(?P<num>\d{1,3})\s*[.:]?(?:\s+(?P<rest>\S.*))?$")
_CHAPTER_RE = re.compile(r"^(?:Chương|CHƯƠNG)\s+(?P<num>[IVX]{1,6}|\d{1,2})\s*[.:\-–]?(?:\s+(?P<rest>\S.*))?$")
_FOOTNOTE_RE = re.compile(r"^\[1\]\s+\S")
# A form or table attached after the signature ('Mẫu biểu số 01', 'Mẫu số 02', 'Biểu mẫu').
_FORM_RE = re.compile(r"^(?:Mẫu biểu|Mẫu số|Biểu mẫu|Phụ biểu|Biểu số|MẪU BIỂU|MẪU SỐ|BIỂU MẪU|PHỤ BIỂU)\b")
_BULLET_RE = re.compile(r"^[-–—•+*·]")
_SEPARATOR_RE = re.compile(r"^[-_=*~.]{3,}$")
_RECIPIENTS_RE = RECIPIENTS_RE
_SIG_PREFIX_RE = SIGNATURE_PREFIX_RE
_SIGNER_TITLE_RE = re.compile(
    r"^(?:pho )?(?:chu tich|bi thu|giam doc|truong ban|truong phong|chanh van phong|tong bien tap|"
    r"bo truong|thu truong|chu nhiem|truong doan|tong giam doc|hieu truong|vien truong)\b"
)
SIGNED_RE = re.compile(r"^\(?\s*(?:đã ký|ký|da ky|đã ký và đóng dấu)[^)]*\)?$", re.IGNORECASE)
_INTRO_RE = re.compile(r"^(?:Căn cứ|Thực hiện|Theo(?! đó)|Trên cơ sở|Thi hành|Triển khai|Nhằm|Để)\b")
_DATE_LINE_RE = re.compile(r"ngày\s*\S*\s*tháng\s*\S*\s*năm\s*\d{4}|^\d{1,2}/\d{1,2}/\d{4}")
_SENTENCE_END = ".;:!?…)\"”'»"
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
# Lettered items follow the Vietnamese alphabet (a b c d đ e g h i k...) or the Latin one (a b c d e f g...):
# positions in the union of both; a successor may skip letters missing from one of the two alphabets.
_LETTERS = "abcdđefghijklmnopqrstuvwxyz"
_SKIPPABLE_LETTERS = "đfjwz"


def _letter_successor(prev: int, num: int) -> bool:
    """Whether the letter at position `num` may follow the one at `prev` (1-based positions in _LETTERS)."""
    nxt = prev + 1
    while True:
        if num == nxt:
            return True
        if nxt > len(_LETTERS) or _LETTERS[nxt - 1] not in _SKIPPABLE_LETTERS:
            return False
        nxt += 1


def clean_line(line: str) -> str:
    """A line without indentation, markdown emphasis/heading markers or trailing spaces."""
    s = nfc(line).strip().replace("\u00a0", " ")
    while True:
        new = re.sub(r"^(?:#{1,6}\s+|\*\*|__)", "", s).strip()
        new = re.sub(r"(?:\*\*|__)$", "", new).strip()
        if new == s:
            return s
        s = new


def _roman_value(token: str) -> int | None:
    """Value of a strict Roman numeral made of I, V, X (1..39), else None."""
    total = 0
    prev = 0
    for ch in reversed(token):
        value = _ROMAN_VALUES[ch]
        if value < prev:
            total -= value
        else:
            total += value
            prev = value
    return total if 0 < total < 40 and _to_roman(total) == token else None


def _to_roman(value: int) -> str:
    """Roman numeral of 1..39."""
    out = ""
    for num, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= num:
            out += sym
            value -= num
    return out


def short_label(line: str, limit: int = LABEL_MAX) -> str:
    """A short path label: the line itself, or its first clause(s) cut at a word boundary with '…'."""
    s = re.sub(r"\s+", " ", clean_line(line)).strip()
    if len(s) <= limit:
        return s.rstrip(":").strip() if s.endswith(":") and len(s) > 1 else s
    head = s[: limit + 1]
    cut = -1
    for m in re.finditer(r"[,;:.](?=\s)", head):
        if 30 <= m.start() <= limit:
            cut = m.start()
    if cut < 0:
        cut = head.rfind(" ")
        if cut < 10:
            cut = limit
    return s[:cut].rstrip(" ,;:.-–") + "…"


@dataclass
class _Line:
    idx: int
    start: int  # offset of the first non-space character (or line start when blank)
    end: int  # offset of the end of the line content (without the newline)
    raw: str
    clean: str

    @property
    def blank(self) -> bool:
        """No content once cleaned."""
        return not self.clean


@dataclass
class _Node:
    kind: SectionKind
    heading: str
    start: int
    style: str = ""  # roman / arabic / letter / "" (structural)
    num: tuple[int, ...] = ()
    children: list[_Node] = field(default_factory=list)
    last: dict[str, tuple[int, ...]] = field(default_factory=dict)  # last child number per style
    sid: str = ""


def _split_lines(text: str) -> list[_Line]:
    """Lines with their content offsets (start of the first non-space character, end of content)."""
    lines: list[_Line] = []
    pos = 0
    for idx, raw in enumerate(text.split("\n")):
        content = raw.rstrip("\r")
        stripped_left = len(content) - len(content.lstrip())
        stripped_right = len(content.rstrip())
        cl = clean_line(content)
        start = pos + stripped_left if cl else pos
        end = pos + stripped_right if cl else pos
        lines.append(_Line(idx, start, end, content, cl))
        pos += len(raw) + 1
    return lines


def _is_upper(s: str) -> bool:
    """Every letter is upper case (and there is at least one)."""
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def is_person_name(s: str) -> bool:
    """'Cao Ngọc Tâm': 2-6 capitalised alphabetic words."""
    words = s.split()
    if not 2 <= len(words) <= 6:
        return False
    return all(w.isalpha() and w[0].isupper() and (len(w) == 1 or w[1:].islower()) for w in words)


def signature_start(clean: str) -> bool:
    """'TM. BAN THƯỜNG TRỰC', 'KT. CHỦ TỊCH', 'T/M BAN THƯỜNG VỤ' (upper case, short)."""
    if not clean or len(clean) > 80 or not _is_upper(clean):
        return False
    m = _SIG_PREFIX_RE.match(clean)
    return bool(m and _is_upper(m.group("rest")) and m.group("rest")[0].isalpha())


def signer_title_line(clean: str) -> bool:
    """'PHÓ CHỦ TỊCH', 'BÍ THƯ' (an upper-case title line of a signature)."""
    return bool(clean) and len(clean) <= 60 and _is_upper(clean) and bool(_SIGNER_TITLE_RE.match(fold(clean)))


def _title_case_doc_type(kw: str) -> str:
    """'KẾ HOẠCH' → 'Kế hoạch'."""
    return kw.capitalize()


class _Parser:
    """One parse of one document."""

    def __init__(self, text: str) -> None:
        """Split the text into lines; nothing is parsed yet."""
        self.text = text
        self.lines = _split_lines(text)
        self.nonblank = [ln for ln in self.lines if not ln.blank]
        self.root = _Node("body", "", 0)
        self.order: list[_Node] = []  # every node except root, document order
        self.title = ""

    # ---- front matter ----------------------------------------------------------------------------

    def _find_title(self) -> int | None:
        """Index (into self.lines) of the title keyword line, searched before the first Roman heading."""
        for ln in self.nonblank[:30]:
            cand = self._heading_candidate(ln.clean)
            if cand is not None and cand[0] == "roman":
                return None
            m = _TITLE_RE.match(ln.clean)
            if m and _is_upper(ln.clean[: m.end()]) and (len(ln.clean) == m.end() or _is_upper(ln.clean)):
                return ln.idx
        return None

    def _title_block_end(self, title_idx: int) -> int:
        """Index of the line after the title block (title keyword line + subtitle lines)."""
        taken = 0
        last = title_idx
        for ln in self.lines[title_idx + 1 :]:
            if ln.blank:
                continue
            c = ln.clean
            if (
                taken >= 4
                or _INTRO_RE.match(c)
                or self._heading_candidate(c)
                or _SEPARATOR_RE.match(c)
                or _DATE_LINE_RE.search(c)
                or c.startswith(("(Kèm theo", "(kèm theo"))
                or re.match(r"^Số\s*[:\d]", c)
                or len(c) > 320
                or c.endswith((".", "như sau:"))
                or _RECIPIENTS_RE.match(fold(c))
                or signature_start(c)
            ):
                break
            taken += 1
            last = ln.idx
        return last + 1

    def _compose_title(self, title_idx: int, block_end: int) -> str:
        """'KẾ HOẠCH' + subtitle lines → 'Kế hoạch thông tin, tuyên truyền...'."""
        first = self.lines[title_idx].clean
        m = _TITLE_RE.match(first)
        kw = m.group("kw") if m else first
        rest_parts = [first[m.end() :].strip()] if m else []
        rest_parts += [ln.clean for ln in self.lines[title_idx + 1 : block_end] if not ln.blank]
        rest = re.sub(r"\s+", " ", " ".join(p for p in rest_parts if p)).strip().strip("*").strip(" ,;")
        if rest and _is_upper(rest):
            rest = _restore_case(rest.lower())
        elif rest and len(rest) > 1 and rest[0].isupper() and not rest.split()[0].isupper():
            rest = rest[0].lower() + rest[1:]
        return f"{_title_case_doc_type(kw)} {rest}".strip()

    def _find_headline(self, lines: list[_Line]) -> int | None:
        """A news headline: the first title-like line, preceded only by short lines (category, site name)."""
        nb = [ln for ln in lines if not ln.blank]
        for ln in nb[:5]:
            c = ln.clean
            words = c.split()
            if (
                15 <= len(c) <= 250
                and len(words) >= 3
                and not c.endswith((".", ";", ":", ","))
                and not _DATE_LINE_RE.search(c)
                and not _INTRO_RE.match(c)
            ):
                return ln.idx
            if len(c) >= 40:
                return None
        return None

    # ---- headings --------------------------------------------------------------------------------

    @staticmethod
    def _heading_candidate(clean: str) -> tuple[str, tuple[int, ...], str] | None:
        """(style, number, rest) when the line starts like a heading, else None (no plausibility check)."""
        m = _CHAPTER_RE.match(clean)
        if m:
            token = m.group("num")
            value = int(token) if token.isdigit() else _roman_value(token)
            if value:
                return "chapter", (value,), m.group("rest") or ""
        m = _ARTICLE_RE.match(clean)
        if m and int(m.group("num")) >= 1:
            return "article", (int(m.group("num")),), m.group("rest") or ""
        m = _ROMAN_RE.match(clean)
        if m:
            value = _roman_value(m.group("num"))
            rest = m.group("rest")
            if value and (rest[0].isalpha() or rest[0] in '"“('):
                return "roman", (value,), rest
        m = _NUM_RE.match(clean)
        if m:
            parts = tuple(int(p) for p in m.group("num").split("."))
            rest = m.group("rest")
            if len(parts) == 1 and not m.group("sep"):
                return None
            # "1. 100% đội ngũ...": a number may start the item's text when the marker has its separator
            digit_start = rest[0].isdigit() and bool(m.group("sep")) and bool(re.search(r"[^\W\d_]{2}", rest))
            if all(p >= 1 for p in parts) and (rest[0].isalpha() or rest[0] in '"“(' or digit_start):
                return "arabic", parts, rest
            return None
        m = _LETTER_RE.match(clean)
        if m:
            rest = m.group("rest")
            letter = m.group("num")
            if letter in _LETTERS and (rest[0].isalpha() or rest[0] in '"“('):
                return "letter", (_LETTERS.find(letter) + 1,), rest
        return None

    def _accept(self, stack: list[_Node], style: str, num: tuple[int, ...]) -> int | None:
        """Index in `stack` of the parent when this numbering is plausible here, else None."""
        scope = stack[0]
        if style == "chapter":
            prev = scope.last.get("chapter")
            ok = (prev is None and num[0] == 1) or (prev is not None and num[0] == prev[0] + 1)
            return 0 if ok else None
        if style == "roman":
            prev = scope.last.get("roman")
            ok = (prev is None and num[0] == 1 and "arabic" not in scope.last) or (
                prev is not None and num[0] == prev[0] + 1
            )
            return 0 if ok else None
        if style == "article":
            # Articles are numbered through the whole document (or annex), across chapters and parts.
            prev = scope.last.get("article")
            ok = (prev is None and num[0] == 1) or (prev is not None and num[0] == prev[0] + 1)
            if not ok:
                return None
            parent_i = 0
            for i, node in enumerate(stack):
                if node.style in ("chapter", "roman"):
                    parent_i = i
            return parent_i
        if style == "arabic":
            if len(num) == 1:
                parent_i = 0
                for i, node in enumerate(stack):
                    if node.style in ("roman", "chapter", "article"):
                        parent_i = i
                parent = stack[parent_i]
                prev = parent.last.get("arabic")
                ok = (prev is None and num[0] == 1) or (prev is not None and num[0] == prev[0] + 1)
                return parent_i if ok else None
            for i, node in enumerate(stack):
                if node.style == "arabic" and node.num == num[:-1]:
                    prev = node.last.get("arabic")
                    ok = (prev is None and num[-1] == 1) or (prev is not None and num[-1] == prev[-1] + 1)
                    return i if ok else None
            return None
        # letter: child of the innermost numbered node
        parent_i = 0
        for i, node in enumerate(stack):
            if node.style in ("roman", "arabic", "chapter", "article"):
                parent_i = i
        bare_scope = not set(stack[0].last) & {"roman", "arabic", "chapter", "article"}
        if parent_i == 0 and len(stack) == 1 and bare_scope:
            return None  # lettered items alone do not start a document's structure
        prev = stack[parent_i].last.get("letter")
        ok = (prev is None and num[0] == 1) or (prev is not None and _letter_successor(prev[0], num[0]))
        return parent_i if ok else None

    # ---- main pass -------------------------------------------------------------------------------

    def _add(self, parent: _Node, node: _Node) -> _Node:
        """Attach a node to its parent and record it in document order."""
        parent.children.append(node)
        self.order.append(node)
        return node

    def _recipient_line(self, ln: _Line) -> bool:
        """An item ('- ...') or a wrapped continuation line of the Nơi nhận block."""
        c = ln.clean
        if _BULLET_RE.match(c):
            return True
        indented = ln.raw[:1] in (" ", "\t")
        return (c[:1].islower() or indented) and not signature_start(c) and not signer_title_line(c)

    def parse(self) -> _Node:
        """One pass over the lines building the tree; the front matter is split afterwards."""
        text_lines = self.lines
        title_idx = self._find_title()
        block_end = self._title_block_end(title_idx) if title_idx is not None else None
        if title_idx is not None and block_end is not None:
            self.title = self._compose_title(title_idx, block_end)

        mode = "front"
        front_end: int | None = None  # line index where the front matter stops
        stack: list[_Node] = [self.root]
        body_headings = 0
        annexes = 0
        seen_recipients = 0
        seen_signatures = 0

        for ln in text_lines:
            if ln.blank:
                continue
            c = ln.clean
            fc = fold(c) if len(c) < 200 else ""
            # Structural blocks first. An annex starts only after the body (or the title block) has started.
            annex_allowed = mode != "front" or (block_end is not None and ln.idx >= block_end)
            is_annex = (_ANNEX_RE.match(c) and _is_upper(c[:9])) or _ANNEX_MIXED_RE.match(c)
            if annex_allowed and len(c) <= 120 and is_annex:
                if front_end is None:
                    front_end = ln.idx
                annexes += 1
                sid = "annex" if annexes == 1 else f"annex{annexes}"
                node = self._add(self.root, _Node("annex", short_label(c), ln.start, sid=sid))
                stack = [node]
                mode = "annex"
                continue
            if mode in ("body", "annex", "recipients", "signature") and _FOOTNOTE_RE.match(c) and self._footnotes_from(
                ln.idx
            ):
                self._add(self.root, _Node("footnotes", "Chú thích", ln.start, sid="footnotes"))
                stack = [self.root]
                mode = "footnotes"
                continue
            if mode == "footnotes":
                continue
            attached_form = len(c) <= 120 and _FORM_RE.match(c)
            if mode in ("recipients", "signature") and (self._attached_title(ln.idx) or attached_form):
                # The document issued by this one follows its signature ('QUYẾT ĐỊNH ... ban hành kèm theo').
                annexes += 1
                sid = "annex" if annexes == 1 else f"annex{annexes}"
                label = short_label(self._attached_label(ln.idx))
                node = self._add(self.root, _Node("annex", label, ln.start, sid=sid))
                stack = [node]
                mode = "annex"
                continue
            if mode in ("front", "body", "annex", "signature") and _RECIPIENTS_RE.match(fc) and len(c) < 200:
                if front_end is None:
                    front_end = ln.idx
                seen_recipients += 1
                sid = "recipients" if seen_recipients == 1 else f"recipients{seen_recipients}"
                self._add(self.root, _Node("recipients", "Nơi nhận", ln.start, sid=sid))
                stack = [self.root]
                mode = "recipients"
                continue
            if (
                mode in ("front", "body", "annex", "recipients")
                and (signature_start(c) or (signer_title_line(c) and self._name_follows(ln.idx)))
                and (mode != "front" or self._name_follows(ln.idx))
            ):
                if front_end is None:
                    front_end = ln.idx
                seen_signatures += 1
                sid = "signature" if seen_signatures == 1 else f"signature{seen_signatures}"
                self._add(self.root, _Node("signature", "Chữ ký", ln.start, sid=sid))
                stack = [self.root]
                mode = "signature"
                continue
            if mode == "recipients" and (self._recipient_line(ln) or _SEPARATOR_RE.match(c)):
                continue
            if mode == "front" and title_idx is not None and ln.idx < (block_end or 0):
                continue
            cand = self._heading_candidate(c)
            if cand is None:
                continue
            style, num, _rest = cand
            if mode in ("recipients", "signature"):
                # Text after the closing blocks: only a fresh numbering may start a new body part.
                continue
            parent_i = self._accept(stack, style, num)
            if parent_i is None:
                continue
            if mode == "front":
                front_end = ln.idx
                mode = "body"
            parent = stack[parent_i]
            kind: SectionKind = "annex" if stack[0].kind == "annex" else "body"
            node = _Node(kind, short_label(self._heading_label(ln.idx, style, _rest)), ln.start, style=style, num=num)
            parent.last[style] = num
            if style == "article":
                stack[0].last[style] = num  # articles are numbered through the whole scope
            self._add(parent, node)
            stack = [*stack[: parent_i + 1], node]
            if kind == "body":
                body_headings += 1

        if front_end is None:
            front_end = len(text_lines)
        self._build_front(title_idx, block_end, front_end, has_headings=body_headings > 0)
        self._assign_ids()
        return self.root

    def _heading_label(self, idx: int, style: str, rest: str) -> str:
        """The heading line; 'Chương I' / 'Điều 1.' alone take their title from the next line."""
        c = self.lines[idx].clean
        if style in ("chapter", "article") and not rest:
            for ln in self.lines[idx + 1 : idx + 4]:
                if ln.blank:
                    continue
                if self._heading_candidate(ln.clean) is None and len(ln.clean) <= 150:
                    return f"{c.rstrip('.:')}. {ln.clean}" if style == "chapter" else f"{c} {ln.clean}"
                break
        return c

    def _footnotes_from(self, idx: int) -> bool:
        """Every non-blank line from `idx` on is a footnote text '[n] ...' (the trailing footnote block)."""
        rest = [ln.clean for ln in self.lines[idx:] if not ln.blank]
        return all(re.match(r"^\[\d{1,3}\]", c) for c in rest)

    def _attached_title(self, idx: int) -> bool:
        """A document-type title line (upper case, alone) after the closing blocks: an attached document."""
        c = self.lines[idx].clean
        m = _TITLE_RE.match(c)
        if m is None:
            return False
        return len(c) <= 120 and _is_upper(c) and (len(c) == m.end() or len(c) > m.end() + 3)

    def _attached_label(self, idx: int) -> str:
        """The attached document's title line, with its subtitle line when the title is the keyword alone."""
        c = self.lines[idx].clean
        m = _TITLE_RE.match(c)
        if m and len(c) == m.end():
            for ln in self.lines[idx + 1 : idx + 4]:
                if not ln.blank:
                    return f"{c} {ln.clean}" if _is_upper(ln.clean) else c
        return c

    def _name_follows(self, idx: int) -> bool:
        """A person's name within the next few non-blank lines (the end of a signature block)."""
        seen = 0
        for ln in self.lines[idx + 1 :]:
            if ln.blank:
                continue
            seen += 1
            if is_person_name(ln.clean):
                return True
            if seen >= 6 or not (_is_upper(ln.clean) or SIGNED_RE.match(ln.clean)):
                return False
        return False

    # ---- front matter sections -------------------------------------------------------------------

    def _build_front(
        self, title_idx: int | None, block_end: int | None, front_end: int, *, has_headings: bool
    ) -> None:
        """Header, preamble and (for documents without headings) paragraph sections."""
        front = [ln for ln in self.lines[:front_end] if not ln.blank]
        if not front:
            return
        nodes: list[_Node] = []
        pre_start: _Line | None = None  # first line of the preamble
        if title_idx is not None and title_idx < front_end:
            head = [ln for ln in front if ln.idx < title_idx]
            if head:
                nodes.append(_Node("header", "Thông tin văn bản", head[0].start, sid="header"))
            pre_start = self.lines[title_idx]
            intro_from = block_end if block_end is not None else title_idx + 1
        else:
            hl = self._find_headline(self.lines[:front_end])
            if hl is not None:
                head = [ln for ln in front if ln.idx < hl]
                if head:
                    nodes.append(_Node("header", "Thông tin văn bản", head[0].start, sid="header"))
                pre_start = self.lines[hl]
                if not self.title:
                    self.title = re.sub(r"\s+", " ", pre_start.clean)
                intro_from = hl + 1
            else:
                intro_from = front[0].idx
                if has_headings:
                    pre_start = front[0]
        if pre_start is not None:
            nodes.append(_Node("preamble", "Mở đầu", pre_start.start, sid="preamble"))
        if not has_headings:
            # Headline/title, then its date lines and the intro paragraph stay in the preamble; the rest
            # becomes paragraph sections.
            paras = self._paragraphs([ln for ln in front if ln.idx >= intro_from])
            if pre_start is not None and paras:
                while paras and _DATE_LINE_RE.search(paras[0][0].clean) and len(paras[0][0].clean) < 60:
                    paras.pop(0)
                if paras and _INTRO_RE.match(paras[0][0].clean):
                    paras.pop(0)
            for n, para in enumerate(paras, start=1):
                nodes.append(_Node("body", f"Đoạn {n}", para[0].start, sid=f"s{n}"))
        # Front nodes go before every other top-level node.
        self.root.children[0:0] = nodes
        self.order[0:0] = nodes

    @staticmethod
    def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
        """Paragraphs: a new one at each line, unless the line continues a sentence cut by a line break."""
        paras: list[list[_Line]] = []
        prev: _Line | None = None
        for ln in lines:
            cont = (
                prev is not None and not prev.clean.endswith(tuple(_SENTENCE_END)) and ln.clean[:1].islower()
            )
            if cont and paras:
                paras[-1].append(ln)
            else:
                paras.append([ln])
            prev = ln
        return paras

    # ---- ids -------------------------------------------------------------------------------------

    def _assign_ids(self) -> None:
        """Stable ids: s1, s1.2, annex.s1.1 (structural blocks keep their fixed ids)."""

        def walk(node: _Node, prefix: str) -> None:
            """Number the heading children of `node` under `prefix`."""
            n = 0
            for child in node.children:
                if child.sid and child.style == "":
                    walk(child, f"{child.sid}.s")
                    continue
                n += 1
                child.sid = f"{prefix}{n}"
                walk(child, f"{child.sid}.")

        walk(self.root, "s")


def _restore_case(lowered: str) -> str:
    """Re-capitalise the province names and a few proper nouns after lower-casing an upper-case title."""
    out = lowered
    for name in (*PROVINCES, "Việt Nam", "Đảng", "Nhà nước", "Mặt trận Tổ quốc"):
        out = re.sub(re.escape(name.lower()), name, out)
    return out


def _to_sections(parser: _Parser) -> Section:
    """The parser's nodes as Section objects; each section's text runs to the next section."""
    text = parser.text
    order = sorted(parser.order, key=lambda n: n.start)
    bounds: dict[int, tuple[int, int]] = {}
    for i, node in enumerate(order):
        nxt = order[i + 1].start if i + 1 < len(order) else len(text)
        bounds[id(node)] = (node.start, nxt)  # sections tile the text: trailing blank lines included

    def convert(node: _Node, path: list[str], level: int) -> Section:
        """One node and its subtree."""
        start, end = bounds[id(node)]
        own_path = [*path, node.heading]
        kind: SectionKind = node.kind
        return Section(
            section_id=node.sid,
            heading=node.heading,
            path=own_path,
            kind=kind,
            level=level,
            text=text[start:end],
            start=start,
            end=end,
            children=[convert(c, own_path, level + 1) for c in node.children],
        )

    children = [convert(c, [], 1) for c in parser.root.children]
    title = parser.title or _fallback_title(parser)
    return Section(
        section_id="root",
        heading=title,
        path=[],
        kind="body",
        level=0,
        text="",
        start=0,
        end=0,
        children=children,
    )


def _fallback_title(parser: _Parser) -> str:
    """A title for a document without title line or headline: its first line, shortened."""
    for ln in parser.nonblank:
        if len(ln.clean) >= 5:
            return short_label(ln.clean, 100)
    return "Văn bản"


def parse_sections(text: str) -> Section:
    """The section tree of a document: root (heading = title) → header, preamble, body/annex, recipients..."""
    parser = _Parser(text)
    parser.parse()
    return _to_sections(parser)


# ---- chunking ------------------------------------------------------------------------------------


def _is_heading_only(section: Section) -> bool:
    """A body section whose own text is one heading line with no body (e.g. 'II. NỘI DUNG TUYÊN TRUYỀN')."""
    own = section.text.strip()
    return "\n" not in own and not own.endswith(tuple(_SENTENCE_END))


_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"”»)]*\s+(?=[\"“(]*[^\W\d_])")
_CLAUSE_BREAK = re.compile(r"(?<=;)\s+")
_COMMA_BREAK = re.compile(r"(?<=,)\s+")
_SPACE_BREAK = re.compile(r"\s+")


def _cut_points(text: str, start: int, end: int, level: int) -> list[int]:
    """Candidate cut offsets strictly inside (start, end), by boundary strength level."""
    seg = text[start:end]
    points: list[int] = []
    if level == 0:  # paragraphs and list items
        for m in re.finditer(r"\n", seg):
            pos = m.end()
            rest = seg[pos:]
            line = rest.split("\n", 1)[0]
            cl = clean_line(line)
            prev_blank = seg[: m.start()].endswith("\n") or seg[: m.start()].rstrip(" \t\r").endswith("\n")
            new_para = prev_blank and not cl[:1].islower()
            if cl and (new_para or _BULLET_RE.match(cl) or _Parser._heading_candidate(cl)):
                points.append(start + pos + (len(line) - len(line.lstrip())))
    elif level == 1:  # any line, except a sentence wrapped onto the next line
        for m in re.finditer(r"\n[ \t]*(?=\S)", seg):
            before = seg[: m.start()].rstrip()
            wrapped = seg[m.end() : m.end() + 1].islower() and not before.endswith(tuple(_SENTENCE_END))
            if not wrapped:
                points.append(start + m.end())
    else:
        regex = {2: _SENTENCE_BREAK, 3: _CLAUSE_BREAK, 4: _COMMA_BREAK, 5: _SPACE_BREAK}[level]
        for m in regex.finditer(seg):
            points.append(start + m.end())
    return sorted({p for p in points if start < p < end})


def _pieces(text: str, start: int, end: int, max_chars: int, level: int = 0) -> list[tuple[int, int]]:
    """Split [start, end) into pieces no longer than max_chars, using the strongest boundaries available."""
    if end - start <= max_chars or level > 5:
        return [(start, end)]
    cuts = _cut_points(text, start, end, level)
    if not cuts:
        return _pieces(text, start, end, max_chars, level + 1)
    out: list[tuple[int, int]] = []
    bounds = [start, *cuts, end]
    for a, b in itertools.pairwise(bounds):
        out.extend(_pieces(text, a, b, max_chars, level + 1))
    return out


def _pack(pieces: list[tuple[int, int]], max_chars: int, min_chars: int) -> list[tuple[int, int]]:
    """Group consecutive pieces into parts ≤ max_chars of sizes as even as possible (small DP)."""
    n = len(pieces)
    total = pieces[-1][1] - pieces[0][0]
    target = total / max(1, math.ceil(total / max_chars))
    inf = float("inf")
    best = [inf] * (n + 1)
    prev = [0] * (n + 1)
    best[0] = 0.0
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            size = pieces[j - 1][1] - pieces[i][0]
            if size > max_chars and j - i > 1:
                break
            penalty = (size - target) ** 2 + (4 * min_chars**2 if size < min_chars else 0)
            if best[i] + penalty < best[j]:
                best[j] = best[i] + penalty
                prev[j] = i
    parts: list[tuple[int, int]] = []
    j = n
    while j > 0:
        i = prev[j]
        parts.append((pieces[i][0], pieces[j - 1][1]))
        j = i
    return parts[::-1]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without its leading and trailing whitespace."""
    seg = text[start:end]
    lead = len(seg) - len(seg.lstrip())
    return start + lead, start + len(seg.rstrip())


def _rebuild_source(root: Section) -> str:
    """The document text from the sections' own texts (they tile it; leading blank space becomes spaces)."""
    parts: list[str] = []
    pos = 0
    for s in sorted(root.walk(), key=lambda x: (x.start, x.end)):
        if s.end <= s.start:
            continue
        if s.start > pos:
            parts.append(" " * (s.start - pos))
        elif s.start < pos:
            raise ValueError(f"overlapping sections at offset {s.start}")
        parts.append(s.text)
        pos = s.end
    return "".join(parts)


def make_chunks(
    root: Section, meta: DocumentMeta, max_chars: int = 1200, min_chars: int = 120
) -> list[Chunk]:
    """Chunks = sections: long ones split at item boundaries, bare headings merged into their first child.

    The chunks' spans partition the document's non-whitespace text: every character belongs to one chunk.
    The source text is rebuilt from the sections' own texts (offsets index it).
    """
    source = _rebuild_source(root)
    size = len(source)

    units: list[tuple[Section, int, int]] = []  # (section giving id/path, start, end)
    carry: int | None = None  # start of a bare parent heading waiting for its first child

    def visit(section: Section) -> None:
        """Emit this section's unit (or carry a bare heading to the first child), then the children."""
        nonlocal carry
        own = section.text.strip()
        start = carry if carry is not None else section.start
        if section.children and (len(own) < min_chars or (section.kind in ("body", "annex") and not own)):
            if own:
                carry = start
            for child in section.children:
                visit(child)
            return
        carry = None
        if own or start < section.start:
            if (
                not section.children
                and section.kind in ("body", "annex")
                and len(own) < min_chars
                and _is_heading_only(section)
                and units
                and start == section.start
            ):
                prev, p_start, _p_end = units.pop()
                units.append((prev, p_start, section.end))
            else:
                units.append((section, start, section.end))
        for child in section.children:
            visit(child)

    for top in root.children:
        visit(top)
    if carry is not None and units:  # a trailing bare heading: keep it with the previous unit
        prev, p_start, _ = units.pop()
        units.append((prev, p_start, size))

    chunks: list[Chunk] = []
    for section, start, end in units:
        start, end = _trim(source, start, end)
        if end <= start:
            continue
        parts = [(start, end)]
        if end - start > max_chars:
            parts = _pack(_pieces(source, start, end, max_chars), max_chars, min_chars)
        for n, (a, b) in enumerate(parts, start=1):
            a, b = _trim(source, a, b)
            suffix = f":p{n}" if len(parts) > 1 else ""
            chunks.append(
                Chunk(
                    chunk_id=f"{meta.doc_id}:{section.section_id}{suffix}",
                    doc_id=meta.doc_id,
                    doc_title=meta.title,
                    section_id=section.section_id,
                    section_path=list(section.path),
                    kind=section.kind,
                    text=source[a:b],
                    order=len(chunks),
                    start=a,
                    end=b,
                    province=meta.province,
                    year=meta.year,
                    issuer=meta.issuer,
                )
            )
    return chunks
