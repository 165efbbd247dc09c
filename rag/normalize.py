"""Normalisation: loaded text → clean text the section parser can read (layout only, never words).

Real documents arrive hard-wrapped (a line break every ~70 characters, even inside headings and dates), with
markdown emphasis (`**`, `*`, `__`, `#`), header blocks laid out as tables broken into `|` lines, PDF page
numbers, web-page debris and footnotes. Each step below is one small function; `normalize_document` composes
them (steps 1-6 live in `rag.layout`):

1. `unify`               NFC, '\\n' line ends, no-break spaces and tabs as spaces.
2. `drop_web_debris`     a web site's trailer ("Văn bản liên quan"...) and menu lines ("Bản in", "Chia sẻ");
   `drop_web_panel`      a web site's document-information panel before the header ("Số hiệu:", "Người ký:").
3. `drop_page_numbers`   lines that are only a page number ("3", "Trang 3", "- 3 -"), outside tables;
   `drop_running_lines` a short line repeated on many pages (next to page breaks).
4. `rebuild_header`      the header table (issuer | quốc hiệu; number | place, date) as clean lines, read
                         column by column: issuer lines, number, motto lines, place/date.
5. `drop_table_debris`   lone `|` lines become paragraph breaks, `|` cell separators line breaks, rule rows go.
6. `strip_emphasis`      markdown emphasis removed; a bold/italic span wrapped over lines glues them.
7. `reflow`              a hard-wrapped line joins the next (one space) unless it ends a sentence, heading or
                         item, or the next line starts one; wrapped upper-case headings become one line.
8. `split_footnotes`     a trailing block of footnote texts ("[1] ...") becomes its own block; markers glued
                         to words ("35-NQ/TW1") are detached as "[1]" only when footnote 1 exists.

Verbatim contract: the normalised text is the document text that is stored, parsed, chunked and quoted. It
differs from the loaded text in layout only. Precisely: split both into words (`words()`: runs of letters and
digits; for the loaded text, once its emphasis markers `*`/`__` are removed). Each normalised line's words are
found, in order, among the loaded words, each loaded word being dropped (page furniture, web debris) or
consumed whole (split in two only where a footnote marker is detached: 'TW1' → 'TW[1]'). The whole text keeps
the loaded order, except the rebuilt header block (its table cells read column by column), which ends at
`NormalizedDocument.header_end`. Nothing is added or respelled, so every quote of the normalised text is, word
for word, in the source document. `verbatim_violation(raw, normalised, ordered_from=header_end)` checks it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from rag.layout import (
    _DOC_TYPE_LINE_RE,
    _QUOC_HIEU_RE,
    _WORD_RE,
    _Line,
    drop_page_numbers,
    drop_running_lines,
    drop_table_debris,
    drop_web_debris,
    drop_web_panel,
    rebuild_header,
    strip_emphasis,
    unify,
)
from rag.outline import signature_start, signer_title_line

# Line starts that begin a new unit (heading, item, block); a wrapped line never joins onto one of these.
_ITEM_START_RE = re.compile(
    r"^(?:"
    r"[IVXLC]{1,7}\s*[.\-–—:)]\s*\S"  # I. II- III:
    r"|\d{1,2}(?:\.\d{1,2}){0,3}(?:[.)]\s*\S|\.?\s+\S)"  # 1. 1.1. 2) 1.2 (one level needs . or ))
    r"|[a-zđ][)/]\s*\S"  # a) đ)
    r"|[-–—•+·]\s*\S|[-–—•+·]$"  # bullets
    r"|\[\d{1,3}\]"  # footnote text [1]
    r"|(?:Điều|Chương|Mục|Phần|Phụ lục|PHỤ LỤC|CHƯƠNG|MỤC|PHẦN)\s+[\dIVXLC]+\b"
    r"|(?:Nơi nhận|NƠI NHẬN|Nơi gửi)\b"
    r"|(?:Số|SỐ)\s*[:.]?\s*\d"
    r"|(?:T/M|TM|K/T|KT|TL|T/L|TUQ)\s*[.:]?\s+[^\W\d_]"
    r"|(?:Căn cứ|Thực hiện|Xét đề nghị|Theo đề nghị|Trên cơ sở)\b"
    r"|\(Kèm theo|\(kèm theo"
    r")"
)
_ROMAN_ONLY_RE = re.compile(r"^[IVXLC]{1,7}\s*[.\-–—:)]\s*\S")
_MARKER_ONLY_RE = re.compile(
    r"^(?:(?:Điều|ĐIỀU)\s+\d{1,3}\s*[.:]?|\[\d{1,3}\]|\d{1,2}(?:\.\d{1,2}){0,3}[.)]|[IVXLC]{1,7}[.\-–]|[a-zđ]\)"
    r"|[-–—•+·])$"
)
_BULLET_START_RE = re.compile(r"^[-–—•+·]")
_DASH_WRAP_RE = re.compile(r"^[-–]\s+\S")
_DATE_ONLY_RE = re.compile(r"^(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_SEPARATOR_RE = re.compile(r"^[-_=*~.]{3,}$")
_SENTENCE_END_RE = re.compile(r"[.;:!?…][\"”’'»)\]]*$")
# Lower-case words that cannot end a phrase: a line ending with one of them continues on the next line.
_OPEN_WORDS = frozenset(
    {
        "của", "và", "các", "về", "với", "cho", "trong", "theo", "tại", "là", "có", "được", "những", "để", "từ",
        "đến", "số", "ngày", "tháng", "năm", "hoặc", "như", "bằng", "trên", "dưới", "giữa", "thuộc", "vào", "ra",
        "nhằm", "đối", "khi", "nếu", "do", "mà", "thì", "này", "đã", "sẽ", "đang", "một", "hai",
    }
)
# The document-type keyword alone on a line is a title line (never joined with its subtitle).
_FOOTNOTE_TEXT_RE = re.compile(r"^\[(\d{1,3})\](?:\s+|$)")


@dataclass
class NormalizedDocument:
    """The normalised text (what is stored and quoted) and what was changed, for the ingest report."""

    text: str
    footnotes: dict[int, str] = field(default_factory=dict)  # number → footnote text
    counts: Counter[str] = field(default_factory=Counter)  # step → lines/markers affected
    header_end: int = 0  # offset where the rebuilt header (read column by column) ends; source order after it

    @property
    def notes(self) -> list[str]:
        """Short Vietnamese notes for the ingest report ('3 dòng số trang đã bỏ')."""
        labels = {
            "page_numbers": "dòng số trang đã bỏ",
            "running_lines": "dòng đầu/chân trang lặp lại đã bỏ",
            "web_debris": "dòng của trang web đã bỏ",
            "header_table": "dòng bảng tiêu đề đã dựng lại",
            "table_lines": "dòng kẻ bảng đã bỏ",
            "joined": "dòng bị ngắt đã nối lại",
            "footnotes": "chú thích được giữ",
            "markers": "dấu chú thích đã tách",
        }
        return [f"{n} {labels[k]}" for k, n in sorted(self.counts.items()) if n and k in labels]


# ---- 7. reflow -------------------------------------------------------------------------------------------


def _is_upper(s: str) -> bool:
    """Every letter is upper case (and there are at least two)."""
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def starts_unit(line: str) -> bool:
    """The line starts a heading, item or block (it never continues the previous line)."""
    return bool(
        _ITEM_START_RE.match(line)
        or _SEPARATOR_RE.match(line)
        or _DOC_TYPE_LINE_RE.match(line)
        or signer_title_line(line)
        or signature_start(line)
    )


def ends_unit(line: str) -> bool:
    """The line ends a sentence or is a complete short unit (title keyword, date line, separator)."""
    return bool(
        _SENTENCE_END_RE.search(line)
        or _DOC_TYPE_LINE_RE.match(line)
        or _DATE_ONLY_RE.match(line)
        or _SEPARATOR_RE.match(line)
    )


def _open_end(line: str) -> bool:
    """The line visibly stops mid-phrase (a comma, a dash, an open bracket, a function word)."""
    if line.endswith((",", "-", "–", "(", "“", "/")):
        return True
    if line.count("(") > line.count(")"):
        return True  # an unclosed parenthesis continues on the next line
    last = line.rsplit(" ", 1)[-1].lstrip("(“\"'")
    return last in _OPEN_WORDS


def should_join(prev: str, nxt: str, *, after_title: bool, single: bool = True, body: bool = False) -> bool:
    """Whether line `nxt` continues line `prev` (both stripped, non-empty, same paragraph).

    `single`: `prev` is one physical line (not already the result of joins); `body`: markup says `prev` is
    body text, not a heading (only its leading number is bold).
    """
    if _MARKER_ONLY_RE.match(prev):
        return True  # "[1]" / "1." alone: the item's text is on the next line
    if _DASH_WRAP_RE.match(nxt) and not _SENTENCE_END_RE.search(prev):
        # A dash that is not a bullet: a range wrapped after its first number ("2026\n- 2030"), or a name
        # wrapped inside a long paragraph ("Tập đoàn Công nghiệp\n- Viễn thông Quân đội").
        if prev[-1:].isdigit() and nxt.lstrip("-– ")[:1].isdigit():
            return True
        if not single and not _BULLET_START_RE.match(prev) and len(prev) > 80:
            return True
    if starts_unit(nxt):
        return False
    if ends_unit(prev):
        # "...Việt Nam;\nlà di sản": a lower-case line after ';' still continues the sentence
        return prev.endswith(";") and nxt[:1].islower()
    prev_upper, next_upper = _is_upper(prev), _is_upper(nxt)
    if prev_upper and next_upper:
        # A heading or title wrapped over lines; before the title these are separate header lines.
        return (after_title or bool(_ROMAN_ONLY_RE.match(prev))) and not _QUOC_HIEU_RE.match(nxt)
    if prev_upper or next_upper:
        return prev_upper and _open_end(prev) and not nxt[:1].isupper()
    numbered = bool(_ITEM_START_RE.match(prev)) and not _BULLET_START_RE.match(prev)
    short = len(prev) < (60 if numbered else 40) and not _BULLET_START_RE.match(prev)
    if single and not body and nxt[:1].isupper() and short:
        return _open_end(prev)  # "2. Yêu cầu" + "Công tác ...": a heading line, then its paragraph
    return True


def reflow(lines: list[_Line], counts: Counter[str]) -> list[str]:
    """Join hard-wrapped lines; paragraphs stay separated by one blank line."""
    out: list[str] = []
    after_title = False
    single = True
    body = False
    prev_line: _Line | None = None
    for ln in lines:
        t = ln.text.strip()
        if not t:
            if out and out[-1] != "":
                out.append("")
            prev_line = None
            continue
        if _DOC_TYPE_LINE_RE.match(t) or (not after_title and prev_line is not None and _DOC_TYPE_LINE_RE.match(
            prev_line.text.strip()
        )):
            after_title = True
        if (
            prev_line is not None
            and not ln.fixed
            and not prev_line.fixed
            and (
                (prev_line.glue and not (signer_title_line(t) or signature_start(t)))
                or (
                    not prev_line.bold_end
                    and should_join(out[-1], t, after_title=after_title, single=single, body=body)
                )
            )
        ):
            out[-1] = f"{out[-1]} {t}"
            counts["joined"] += 1
            prev_line = ln
            single = False
            continue
        out.append(t)
        prev_line = ln
        single = True
        body = ln.bold_lead
    while out and out[-1] == "":
        out.pop()
    return out


# ---- 8. footnotes ----------------------------------------------------------------------------------------


def split_footnotes(lines: list[str], counts: Counter[str]) -> tuple[list[str], dict[int, str]]:
    """The trailing footnote texts ('[1] ...', numbered 1, 2, 3...) as a block; glued markers detached.

    The block starts at the last line '[1] ...' after which every paragraph starts with the next number
    (continuation lines allowed). Markers glued to a word in the body ('TW1', 'quan1') become '[1]' only
    when footnote 1 exists; bracketed markers ('quan[1]') stay as written.
    """
    starts = [i for i, ln in enumerate(lines) if (m := _FOOTNOTE_TEXT_RE.match(ln)) and m.group(1) == "1"]
    notes: dict[int, str] = {}
    for start in reversed(starts):
        found: dict[int, str] = {}
        expected = 1
        ok = True
        for ln in lines[start:]:
            if not ln:
                continue
            m = _FOOTNOTE_TEXT_RE.match(ln)
            if m and int(m.group(1)) == expected:
                found[expected] = ln[m.end() :].strip()
                expected += 1
            elif found and not m:
                last = max(found)
                found[last] = f"{found[last]} {ln}".strip()
            else:
                ok = False
                break
        if ok and found:
            notes = found
            body = lines[:start]
            while body and body[-1] == "":
                body.pop()
            block = [f"[{n}] {t}".strip() for n, t in notes.items()]
            lines = [*body, "", *"\n\n".join(block).split("\n")]
            break
    counts["footnotes"] += len(notes)
    if notes:
        glued = re.compile(r"(?<=[^\W\d_]|[”\")])(\d{1,3})(?=[\s.,;:)]|$)")

        def detach(m: re.Match[str]) -> str:
            """'quan1' / 'NQ/TW1' → '[1]' when footnote 1 exists, else unchanged."""
            before = m.string[: m.start()]
            glue_ok = before[-1:].islower() or before[-1:] in "”\")" or before.endswith(("/TW", "/TU"))
            if glue_ok and int(m.group(1)) in notes:
                counts["markers"] += 1
                return f"[{m.group(1)}]"
            return m.group(0)

        body_end = len(lines) - len(notes) * 2
        for i in range(max(0, body_end)):
            lines[i] = glued.sub(detach, lines[i])
    return lines, notes


# ---- composition -----------------------------------------------------------------------------------------


def normalize_document(text: str) -> NormalizedDocument:
    """Every step in order; the result's text is what the parser, the chunker and the quotes see."""
    counts: Counter[str] = Counter()
    raw_lines = unify(text).split("\n")
    raw_lines = drop_web_debris(raw_lines, counts)
    raw_lines = drop_web_panel(raw_lines, counts)
    raw_lines = drop_running_lines(raw_lines, counts)
    raw_lines = drop_page_numbers(raw_lines, counts)
    items = rebuild_header(raw_lines, counts)
    items = drop_table_debris(items, counts)
    items = strip_emphasis(items)
    flowed = reflow(items, counts)
    flowed, notes = split_footnotes(flowed, counts)
    body = "\n".join(flowed).strip("\n")
    body = re.sub(r"\n{3,}", "\n\n", body)
    header_end = len(body.split("\n\n", 1)[0]) if counts["header_table"] else 0
    return NormalizedDocument(
        text=body + "\n" if body else "", footnotes=notes, counts=counts, header_end=header_end
    )


# ---- the verbatim contract -------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """The words of a text: runs of letters and digits (NFC), markup and punctuation ignored."""
    return _WORD_RE.findall(unicodedata.normalize("NFC", text))


def _consume(src: list[str], dst: list[str], i: int) -> int | None:
    """Match all of `dst` in `src` from position i (greedy); the position after the match, or None."""
    j = 0
    while j < len(dst):
        if i >= len(src):
            return None
        if src[i] == dst[j]:
            i += 1
            j += 1
            continue
        if src[i].startswith(dst[j]):
            k = j
            acc = ""
            while k < len(dst) and len(acc) < len(src[i]) and src[i].startswith(acc + dst[k]):
                acc += dst[k]
                k += 1
            if acc == src[i]:
                i += 1
                j = k
                continue
        i += 1
    return i


def verbatim_violation(raw: str, normalised: str, *, ordered_from: int = 0) -> str | None:
    """None when `normalised` keeps the contract with `raw`, else a description of the first offending line.

    Every line's words are found in order in the raw words (each raw word dropped, or consumed whole by one
    or more consecutive normalised words: a detached footnote marker splits 'TW1' into 'TW', '1'). From
    offset `ordered_from` (the end of the rebuilt header) the whole text also keeps the raw order.
    """
    src = words(re.sub(r"\*+|__+", "", raw))  # the raw words once markup is removed
    positions: dict[str, int] = {}
    for n, w in enumerate(src):
        positions.setdefault(w, n)
    for line in normalised[:ordered_from].split("\n"):  # the rebuilt header: each line on its own
        dst = words(line)
        first = positions.get(dst[0]) if dst else None
        if dst and (first is None or _consume(src, dst, first) is None):
            return f"header line not in the source: {line[:80]!r}"
    pos = 0
    for line in normalised[ordered_from:].split("\n"):  # the rest: every line, in the source order
        end = _consume(src, words(line), pos)
        if end is None:
            return f"line not in the source in order: {line[:80]!r}"
        pos = end
    return None
