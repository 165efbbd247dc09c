"""Page layout of loaded documents: web-page wrapping, page furniture, tables and markdown emphasis.

The steps of `rag.normalize` that remove or rebuild layout (each a small function, composed there): a web
site's trailer, menus and information panel; page numbers and running headers; the header table read column
by column; table bars; markdown emphasis (noting where a bold/italic span wraps over lines, which tells the
reflow step what to join). None of them changes a word (see the verbatim contract in `rag.normalize`).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from rag.lexicon import ANNEX_WORDS, TITLE_KEYWORDS

# ---- data: page furniture and web debris (markers, compared on whole stripped lines, case-insensitive) ----

# A web page's trailer: from a line that is one of these to the end, nothing is the document any more.
WEB_TRAILER_MARKERS: tuple[str, ...] = (
    "văn bản này chưa cập nhật nội dung tiếng anh",
    "văn bản liên quan",
    "nội dung sửa đổi, hướng dẫn",
    "bài viết liên quan",
    "tin liên quan",
    "các tin khác",
    "tin cùng chuyên mục",
)
# Menu / tool lines of a web page, dropped wherever they stand alone on a line.
WEB_DEBRIS_LINES: tuple[str, ...] = (
    "bản in",
    "in bài viết",
    "in trang",
    "gởi bài viết",
    "gửi bài viết",
    "chia sẻ",
    "chia sẻ bài viết",
    "lượt xem",
    "trang chủ",
    "tải về",
    "về đầu trang",
    "quay lại",
    "bình luận",
    "facebook",
    "zalo",
    "twitter",
)
# Labels of a web site's document-information panel printed before the document's own header.
WEB_PANEL_LABELS: tuple[str, ...] = (
    "số hiệu",
    "loại văn bản",
    "nơi ban hành",
    "người ký",
    "ngày ban hành",
    "ngày hiệu lực",
    "ngày công báo",
    "số công báo",
    "tình trạng",
    "đang tải văn bản...",
    "lĩnh vực",
    "cơ quan ban hành",
)
# A breadcrumb: short items separated by one of these ("Trang chủ > Tin tức > Chính trị").
BREADCRUMB_SEPARATORS: tuple[str, ...] = (" > ", " » ", " / ", " › ")
_LIST_ITEM_RE = re.compile(r"^(?:[-–—•+·*]|\d{1,2}[.)]|[a-zđ]\)|\[\d)")  # an item is never page furniture
PAGE_NUMBER_RE = re.compile(r"^(?:trang\s+\d{1,4}(?:\s*/\s*\d{1,4})?|-\s*\d{1,4}\s*-|\d{1,4})$", re.IGNORECASE)

_DOC_TYPE_LINE_RE = re.compile(r"^(?:" + "|".join(dict.fromkeys((*TITLE_KEYWORDS, *ANNEX_WORDS))) + r")$")
_QUOC_HIEU_RE = re.compile(r"^(?:CỘNG HÒA|CỘNG HOÀ|ĐẢNG CỘNG SẢN|Độc lập|ĐỘC LẬP)")
_WORD_RE = re.compile(r"[^\W_]+")


@dataclass
class _Line:
    """A line being normalised: `fixed` lines are never joined; `glue` joins with the next (open span)."""

    text: str
    fixed: bool = False
    glue: bool = False
    bold_end: bool = False  # the line ends a bold span ('**1.** **Mục đích**'): a heading, never continued
    bold_lead: bool = False  # only a leading marker is bold ('**4.** Yêu cầu ...'): body text, may wrap


# ---- 1. unify ------------------------------------------------------------------------------------------


def unify(text: str) -> str:
    """NFC, '\\n' line ends, no BOM, no-break spaces/tabs as spaces, no trailing spaces; form feeds kept."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u00a0\u2007\u202f\t]", " ", text)
    text = re.sub(r"[\u200b\u200c\u200d\ufeff]", "", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _bare(line: str) -> str:
    """A line without markup characters and surrounding spaces, lower-cased (for marker comparison)."""
    return re.sub(r"[*_#|>`]+", "", line).strip().strip(":").strip().lower()


# ---- 2. web debris ---------------------------------------------------------------------------------------


def drop_web_debris(lines: list[str], counts: Counter[str]) -> list[str]:
    """Cut a web trailer (and the site's title lines just before it); drop menu and breadcrumb lines."""
    out = list(lines)
    for i, line in enumerate(out):
        if _bare(line) in WEB_TRAILER_MARKERS and i > len(out) // 3:
            cut = i
            # The site repeats the document title just before its trailer (after the last table rule).
            j = i - 1
            while j >= 0 and i - j <= 3 and out[j].strip() and out[j].strip() != "|":
                j -= 1
            if j >= 0 and out[j].strip() == "|":
                cut = j + 1
            counts["web_debris"] += sum(1 for x in out[cut:] if x.strip())
            out = out[:cut]
            break
    kept: list[str] = []
    for line in out:
        bare = _bare(line)
        crumbs = [p for sep in BREADCRUMB_SEPARATORS if sep in line for p in line.split(sep)]
        is_crumb = bool(crumbs) and len(crumbs) >= 3 and all(0 < len(p.strip()) <= 25 for p in crumbs)
        if bare in WEB_DEBRIS_LINES or (is_crumb and "trang chủ" in bare):
            counts["web_debris"] += 1
            continue
        kept.append(line)
    return kept


def drop_web_panel(lines: list[str], counts: Counter[str]) -> list[str]:
    """Drop a web site's document-information panel (copyright note, 'Số hiệu: | ...' table) before the header.

    Needs at least three panel labels near the top; the panel ends at the first table row boundary ('|' twice)
    after its last label, where the document's own header table starts.
    """
    head = min(len(lines), 250)
    labels: list[int] = []
    for i in range(head):
        if labels and i - labels[-1] > 12:
            break  # the panel is one cluster of labels
        if _QUOC_HIEU_RE.match(_bare(lines[i]).upper()) or _DOC_TYPE_LINE_RE.match(_strip_markup(lines[i])):
            break  # the document's own header or title has started
        if _bare(lines[i]) in WEB_PANEL_LABELS:
            labels.append(i)
    if len(labels) < 3:
        return lines
    for j in range(labels[-1] + 1, head - 1):
        if lines[j].strip() == "|" and lines[j + 1].strip() == "|":
            counts["web_debris"] += sum(1 for x in lines[: j + 1] if x.strip())
            return lines[j + 1 :]
    return lines


# ---- 3. page furniture -----------------------------------------------------------------------------------


def _in_table(lines: list[str], i: int) -> bool:
    """The nearest non-blank line before or after line i is a table rule `|` (a cell, not a page number)."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and not lines[j].strip():
            j += step
        if 0 <= j < len(lines) and lines[j].strip().startswith("|"):
            return True
    return False


def drop_page_numbers(lines: list[str], counts: Counter[str]) -> list[str]:
    """Drop lines that are only a page number: 'Trang 3', '- 3 -' anywhere; a bare '3' outside tables.

    A bare number counts only between blank lines (or a page break), where no list or table holds it.
    """
    out: list[str] = []
    for i, line in enumerate(lines):
        s = line.strip().strip("*").strip()
        if s and PAGE_NUMBER_RE.match(s) and not _in_table(lines, i):
            bare_digits = s.isdigit()
            prev_blank = i == 0 or not lines[i - 1].strip() or "\f" in lines[i - 1]
            next_blank = i + 1 >= len(lines) or not lines[i + 1].strip() or "\f" in lines[i + 1]
            if not bare_digits or (prev_blank and next_blank):
                counts["page_numbers"] += 1
                continue
        out.append(line)
    return out


def drop_running_lines(lines: list[str], counts: Counter[str]) -> list[str]:
    """Drop a short line that recurs at page breaks on at least three pages.

    Page breaks are form feeds; text without them (pages joined by blank lines) uses its page-number lines:
    a short line repeated three times or more, each time within three lines of a page number, is running.
    """
    pages = "\n".join(lines).split("\f")
    if len(pages) < 3:
        return _drop_lines_near_page_numbers([ln.replace("\f", "") for ln in lines], counts)
    edges: Counter[str] = Counter()
    for page in pages:
        nonblank = [ln.strip() for ln in page.split("\n") if ln.strip()]
        for ln in {*nonblank[:2], *nonblank[-2:]}:
            if len(ln) <= 80:
                edges[ln] += 1
    running = {ln for ln, n in edges.items() if n >= 3 and n >= len(pages) // 2}
    out: list[str] = []
    for page in pages:
        page_lines = page.split("\n")
        nonblank_idx = [k for k, ln in enumerate(page_lines) if ln.strip()]
        edge_idx = {*nonblank_idx[:2], *nonblank_idx[-2:]}
        for k, ln in enumerate(page_lines):
            if k in edge_idx and ln.strip() in running:
                counts["running_lines"] += 1
                continue
            out.append(ln)
        out.append("")
    return out[:-1]


def _drop_lines_near_page_numbers(lines: list[str], counts: Counter[str]) -> list[str]:
    """Without page breaks: drop short lines repeated (3+ times) next to page-number lines."""
    numbers = [i for i, ln in enumerate(lines) if PAGE_NUMBER_RE.match(ln.strip()) and not _in_table(lines, i)]
    if len(numbers) < 2:
        return lines
    near: set[int] = set()
    for i in numbers:
        for step in (-1, 1):
            j, seen = i + step, 0
            while 0 <= j < len(lines) and seen < 3:
                if lines[j].strip():
                    near.add(j)
                    seen += 1
                j += step
    repeated = Counter(lines[j].strip() for j in near if len(lines[j].strip()) <= 80)
    running = {
        ln for ln, n in repeated.items() if n >= 3 and not PAGE_NUMBER_RE.match(ln) and not _LIST_ITEM_RE.match(ln)
    }
    out: list[str] = []
    for j, ln in enumerate(lines):
        if j in near and ln.strip() in running:
            counts["running_lines"] += 1
            continue
        out.append(ln)
    return out


# ---- 4. header table -------------------------------------------------------------------------------------


def _is_rule(line: str) -> bool:
    """A table bar or a horizontal rule line ('|', '-----', '|---|---|')."""
    s = line.strip()
    return s == "|" or (bool(re.fullmatch(r"[|:\-–—_=*~. ]{3,}", s)) and any(c in s for c in "-–—_="))


def _cell_lines(cell: list[str]) -> list[str]:
    """One header cell as clean lines: emphasis spans wrapped over lines joined, lower-case wraps joined."""
    items = strip_emphasis([_Line(x) for x in cell if x.strip() and not _is_rule(x)])
    out: list[str] = []
    glue = False
    for item in items:
        t = item.text.strip()
        if not t:
            glue = glue and item.glue
            continue
        if out and (glue or t[:1].islower() or out[-1].endswith(("ngày", ",", "-"))):
            out[-1] = f"{out[-1]} {t}"
        else:
            out.append(t)
        glue = item.glue
    return out


def rebuild_header(lines: list[str], counts: Counter[str]) -> list[_Line]:
    """The header table at the top (cells between `|` lines) as clean lines, column by column.

    Rows are separated by two consecutive `|` lines. Output: first column's cells (issuer, number), then the
    second column's (motto, place/date), each cell's wrapped lines joined, rules dropped, then a blank line.
    """
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None or lines[first].strip() != "|" or first > 3:
        return [_Line(x) for x in lines]
    end = first
    while end < len(lines) and lines[end].strip() and end - first < 60:
        if _DOC_TYPE_LINE_RE.match(_strip_markup(lines[end])):
            break  # the title follows the header table directly
        end += 1
    block = lines[first:end]
    bars = [k for k, ln in enumerate(block) if ln.strip() == "|"]
    if len(bars) < 3:
        return [_Line(x) for x in lines]
    block = block[: bars[-1] + 1]
    rows: list[list[list[str]]] = [[]]
    for a, b in itertools.pairwise(bars):
        seg = block[a + 1 : b]
        if not seg:
            if rows[-1]:
                rows.append([])
            continue
        rows[-1].append(seg)
    rows = [r for r in rows if r]
    out: list[_Line] = []
    for col in range(max(len(r) for r in rows)):
        for row in rows:
            if col < len(row):
                out.extend(_Line(t, fixed=True) for t in _cell_lines(row[col]))
    counts["header_table"] += len(out)
    rest = lines[first + len(block) :]
    return [*(_Line(x) for x in lines[:first]), *out, _Line(""), *(_Line(x) for x in rest)]


# ---- 5. tables -------------------------------------------------------------------------------------------


def drop_table_debris(lines: list[_Line], counts: Counter[str]) -> list[_Line]:
    """Lone `|` lines → paragraph breaks; '|---|' rows dropped; inline '|' separators → one line per cell."""
    out: list[_Line] = []
    for ln in lines:
        s = ln.text.strip()
        if ln.fixed:
            out.append(ln)
        elif s == "|" or (s.startswith("|") and _is_rule(s)):
            counts["table_lines"] += 1
            out.append(_Line(""))
        elif s.count("|") >= 1 and re.search(r"(?:^|\s)\|(?:\s|$)", s):
            cells = [c.strip() for c in s.strip("|").split("|")]
            counts["table_lines"] += 1
            out.append(_Line(""))
            out.extend(_Line(c) for c in cells if c)
            out.append(_Line(""))
        else:
            out.append(ln)
    return out


# ---- 6. emphasis -----------------------------------------------------------------------------------------

_EMPH_RE = re.compile(r"\(\*+\)|\*+|__+")  # "(*)" is a note mark, kept


def _strip_markup(text: str) -> str:
    """One line without markdown emphasis, heading '#' and escapes (words untouched)."""
    s = re.sub(r"^\s*#{1,6}(?:\s+|$)", "", text)
    s = re.sub(r"\\([*_#\[\]().\-+|>`])", r"\1", s)
    s = _EMPH_RE.sub(lambda m: m.group(0) if m.group(0).startswith("(") else "", s)
    return re.sub(r"\s{2,}", " ", s).strip()


def strip_emphasis(lines: list[_Line]) -> list[_Line]:
    """Markdown emphasis removed; a line inside a '**'/'*' span that continues on the next line glues to it.

    A line that holds only markup (`** **`, `*`) disappears (it is not a paragraph break).
    """
    out: list[_Line] = []
    bold_open = False
    ital_open = False
    for i, ln in enumerate(lines):
        raw = ln.text
        if not raw.strip():
            bold_open = ital_open = False  # spans never cross a paragraph break
            out.append(ln)
            continue
        bold_open ^= raw.count("**") % 2 == 1
        singles = len(re.findall(r"(?<![*(])\*(?![*)])", raw.replace("(*)", "")))
        ital_open ^= singles % 2 == 1
        text = _strip_markup(raw)
        if not text:
            continue
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        next_has_words = bool(_WORD_RE.search(re.split(r"\*+", nxt.strip(), maxsplit=1)[0])) or (
            bool(nxt.strip()) and not nxt.strip().startswith("*")
        )
        glue = (bold_open or ital_open) and next_has_words and not ln.fixed
        stripped = raw.strip()
        bold_end = not bold_open and stripped.endswith("**") and bool(_WORD_RE.search(stripped[:-2]))
        bold_lead = not bold_open and stripped.startswith("**") and not stripped.endswith("**")
        out.append(_Line(text, fixed=ln.fixed, glue=glue, bold_end=bold_end, bold_lead=bold_lead))
    return out
