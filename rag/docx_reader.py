"""Read a .docx the way Word shows it: body paragraphs and tables in reading order, with auto-numbering labels.

Offices number headings and items ("I.", "1.", "a)", bullets) with Word's automatic numbering: the label is a
numbering property (`w:numPr`, directly or through the paragraph style) resolved against `numbering.xml`, not text.
The labels are rebuilt here from the numbering definitions and prefixed to the paragraph text; bullets become "- ".
Tables come out row by row, cell by cell (a merged cell once, nested tables in place), one line per paragraph, so
a two-column header table ("ỦY BAN NHÂN DÂN… | CỘNG HÒA…", "Số: …" | "…, ngày … tháng … năm …") gives lines the
normaliser can read. The zip package is read with a bomb guard (declared and inflated size caps per member).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from rag.loader_errors import unreadable

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # inflated size of one zip member we read (document.xml of a huge plan: ~5 MB)
MAX_TOTAL_BYTES = 128 * 1024 * 1024  # inflated bytes read from one package, all members together
MAX_MEMBERS = 10_000
_LEVELS = 9  # Word numbering levels 0..8
_MAX_LINK_DEPTH = 16  # style basedOn chains, numStyleLink indirections

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_SKIPPED = {f"{W}{t}" for t in ("pPr", "rPr", "del", "moveFrom", "instrText", "delText", "footnoteReference")}
_PLACEHOLDER_RE = re.compile(r"%([1-9])")


class _Package:
    """The zip package of a .docx, each member read at most once with a size cap."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
            raise unreadable(name, f"corrupt .docx ({type(exc).__name__}: {exc})", "tệp .docx bị hỏng") from exc
        if len(infos) > MAX_MEMBERS:
            raise self._too_big(f"{len(infos)} zip members")
        self.infos = {info.filename: info for info in infos}
        self.read_bytes = 0

    def _too_big(self, what: str) -> Exception:
        return unreadable(
            self.name,
            f"zip bomb guard: {what} (caps: {MAX_MEMBER_BYTES} bytes per member, {MAX_TOTAL_BYTES} in all)",
            "tệp .docx giải nén ra quá lớn (nghi là tệp độc hại hoặc hỏng)",
        )

    def read(self, path: str) -> bytes | None:
        """The inflated bytes of member `path` (None if absent); refused past the caps before reading it all."""
        info = self.infos.get(path)
        if info is None:
            return None
        if info.file_size > MAX_MEMBER_BYTES or self.read_bytes + info.file_size > MAX_TOTAL_BYTES:
            raise self._too_big(f"{path} declares {info.file_size} bytes")
        try:
            with self.zip.open(info) as fh:
                data = fh.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
            raise unreadable(
                self.name, f"corrupt .docx member {path} ({type(exc).__name__}: {exc})", "tệp .docx bị hỏng"
            ) from exc
        self.read_bytes += len(data)
        if len(data) > MAX_MEMBER_BYTES or self.read_bytes > MAX_TOTAL_BYTES:
            raise self._too_big(f"{path} inflates past the cap")
        return data

    def xml(self, path: str | None) -> Any:
        """The parsed XML root of member `path` (None if absent), parsed without entities or network."""
        data = self.read(path) if path else None
        if data is None:
            return None
        try:
            return etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise unreadable(self.name, f"corrupt XML in {path}: {exc}", "tệp .docx bị hỏng") from exc

    def relationships(self, part: str) -> dict[str, str]:
        """Relationship type suffix (e.g. 'numbering') → target member path, for `part` ('' = the package)."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", f"{base}.rels"))
        out: dict[str, str] = {}
        if root is None:
            return out
        for rel in root.iter(f"{REL}Relationship"):
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not target or kind in out:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            out[kind] = posixpath.normpath(path)
        return out


def _val(el: Any, child: str | None = None) -> str | None:
    """The w:val attribute of `el` (or of its child `child`)."""
    if el is not None and child is not None:
        el = el.find(f"{W}{child}")
    return None if el is None else el.get(f"{W}val")


def _int(text: str | None, default: int | None = None) -> int | None:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _roman(value: int) -> str:
    if not 0 < value < 4000:
        return str(value)
    out = ""
    for num, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                     (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= num:
            out += sym
            value -= num
    return out


def _format(value: int, fmt: str) -> str:
    """A counter value in a Word numFmt (unknown formats fall back to decimal)."""
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        if value <= 0:
            return str(value)
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)  # Word: a..z, aa..zz, ...
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


@dataclass
class _Level:
    start: int = 0  # ECMA-376: an omitted w:start means 0 (Word always writes it)
    fmt: str = "decimal"
    text: str | None = None
    restart: int | None = None  # w:lvlRestart: restart after this 1-based level; 0 = never; None = previous level
    legal: bool = False
    style: str | None = None


def _level(el: Any) -> _Level:
    lvl_text = el.find(f"{W}lvlText")
    return _Level(
        start=_int(_val(el, "start"), 0) or 0,
        fmt=_val(el, "numFmt") or "decimal",
        text=None if lvl_text is None else (lvl_text.get(f"{W}val") or ""),
        restart=_int(_val(el, "lvlRestart")),
        legal=el.find(f"{W}isLgl") is not None and _val(el, "isLgl") not in ("0", "false"),
        style=_val(el, "pStyle"),
    )


@dataclass
class _Num:
    abstract: str
    levels: dict[int, _Level] = field(default_factory=dict)  # w:lvlOverride/w:lvl
    starts: dict[int, int] = field(default_factory=dict)  # w:lvlOverride/w:startOverride


class _Styles:
    """Paragraph styles: the numbering each carries (through basedOn), and the default paragraph style."""

    def __init__(self, root: Any) -> None:
        self.default: str | None = None
        self._based: dict[str, str] = {}
        self._numpr: dict[str, tuple[str | None, int | None]] = {}
        if root is None:
            return
        for style in root.iter(f"{W}style"):
            sid = style.get(f"{W}styleId")
            if not sid:
                continue
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true", "on"):
                self.default = sid
            based = _val(style, "basedOn")
            if based:
                self._based[sid] = based
            numpr = style.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                self._numpr[sid] = (_val(numpr, "numId"), _int(_val(numpr, "ilvl")))

    def numbering(self, style: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) a paragraph of `style` inherits, each None when no style in the chain sets it."""
        num_id: str | None = None
        ilvl: int | None = None
        for _ in range(_MAX_LINK_DEPTH):
            if style is None:
                break
            s_num, s_ilvl = self._numpr.get(style, (None, None))
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_ilvl
            style = self._based.get(style)
        return num_id, ilvl


class _Numbering:
    """numbering.xml definitions plus the running counters that turn them into labels."""

    def __init__(self, root: Any, styles: _Styles) -> None:
        self._styles = styles
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._style_link: dict[str, str] = {}  # abstractNumId → numbering style it takes its levels from
        self._nums: dict[str, _Num] = {}
        self._counts: dict[tuple[str, str], list[int | None]] = {}
        if root is None:
            return
        for absn in root.iter(f"{W}abstractNum"):
            aid = absn.get(f"{W}abstractNumId") or ""
            self._abstract[aid] = {
                _int(lvl.get(f"{W}ilvl"), 0) or 0: _level(lvl) for lvl in absn.iter(f"{W}lvl")
            }
            link = _val(absn, "numStyleLink")
            if link:
                self._style_link[aid] = link
        for num in root.iter(f"{W}num"):
            entry = _Num(_val(num, "abstractNumId") or "")
            for over in num.iter(f"{W}lvlOverride"):
                ilvl = _int(over.get(f"{W}ilvl"), 0) or 0
                start = _int(_val(over, "startOverride"))
                if start is not None:
                    entry.starts[ilvl] = start
                lvl = over.find(f"{W}lvl")
                if lvl is not None:
                    entry.levels[ilvl] = _level(lvl)
            self._nums[num.get(f"{W}numId") or ""] = entry

    def _abstract_levels(self, aid: str) -> dict[int, _Level]:
        """Levels of abstractNum `aid`, following numStyleLink to the abstractNum that defines them."""
        for _ in range(_MAX_LINK_DEPTH):
            link = self._style_link.get(aid)
            if link is None:
                break
            linked_num, _ilvl = self._styles.numbering(link)
            num = self._nums.get(linked_num or "")
            if num is None or num.abstract == aid:
                break
            aid = num.abstract
        return self._abstract.get(aid, {})

    def levels(self, num_id: str) -> dict[int, _Level]:
        num = self._nums.get(num_id)
        if num is None:
            return {}
        return {**self._abstract_levels(num.abstract), **num.levels}

    def level_of_style(self, num_id: str, style: str | None) -> int | None:
        """The level whose w:pStyle is `style` (how a heading style picks its outline level)."""
        for ilvl, lvl in self.levels(num_id).items():
            if style is not None and lvl.style == style:
                return ilvl
        return None

    def label(self, num_id: str, ilvl: int) -> str | None:
        """Advance the counter of (num_id, ilvl) and return the label Word shows ("II.", "1.2.", "a)", "-")."""
        num = self._nums.get(num_id)
        levels = self.levels(num_id)
        lvl = levels.get(ilvl)
        if num is None or lvl is None:
            return None
        # Word continues one list across w:num that share an abstractNum; a startOverride starts its own list.
        key = ("num", num_id) if num.starts else ("abstract", num.abstract)
        counts = self._counts.setdefault(key, [None] * _LEVELS)

        def start(level: int) -> int:
            if level in num.starts:
                return num.starts[level]
            return levels[level].start if level in levels else 0

        current = counts[ilvl]
        counts[ilvl] = start(ilvl) if current is None else current + 1
        for deeper in range(ilvl + 1, _LEVELS):
            d = levels.get(deeper)
            restart = deeper if d is None or d.restart is None else d.restart
            if restart != 0 and ilvl < restart:
                counts[deeper] = None
        if lvl.fmt == "bullet":
            return "-"
        if not lvl.text:
            return None

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            value = counts[k]
            value = start(k) if value is None else value
            fmt = levels[k].fmt if k in levels else "decimal"
            return _format(value, "decimal" if lvl.legal and fmt != "bullet" else fmt)

        return _PLACEHOLDER_RE.sub(render, lvl.text).strip() or None


def _children(el: Any, tag: str) -> Iterator[Any]:
    """Direct children `tag` of `el`, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == f"{W}{tag}":
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            inner = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
            if inner is not None:
                yield from _children(inner, tag)


class _Reader:
    def __init__(self, numbering: _Numbering, styles: _Styles) -> None:
        self.numbering = numbering
        self.styles = styles
        self.lines: list[str] = []

    def blocks(self, container: Any) -> None:
        """Paragraphs and tables of a body, cell or text box, in order."""
        for child in container:
            tag = child.tag
            if tag == f"{W}p":
                self.paragraph(child)
            elif tag == f"{W}tbl":
                self.table(child)
            elif tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    self.blocks(content)
            elif tag in (f"{W}customXml", f"{W}ins", f"{W}moveTo"):
                self.blocks(child)
            elif tag == f"{MC}AlternateContent":
                choice = child.find(f"{MC}Choice")
                if choice is None:
                    choice = child.find(f"{MC}Fallback")
                if choice is not None:
                    self.blocks(choice)

    def table(self, tbl: Any) -> None:
        for row in _children(tbl, "tr"):
            for cell in _children(row, "tc"):
                vmerge = cell.find(f"{W}tcPr/{W}vMerge")
                if vmerge is not None and (vmerge.get(f"{W}val") or "continue") == "continue":
                    continue  # the lower part of a vertically merged cell: its text is in the cell above
                self.blocks(cell)

    def paragraph(self, p: Any) -> None:
        boxes: list[Any] = []
        text = _paragraph_text(p, boxes)
        label = self._label(p)
        if label and text.strip():
            text = f"{label} {text.lstrip()}"
        self.lines.append(text)
        for box in boxes:  # text boxes anchored in the paragraph come after it
            self.blocks(box)

    def _label(self, p: Any) -> str | None:
        ppr = p.find(f"{W}pPr")
        numpr = ppr.find(f"{W}numPr") if ppr is not None else None
        num_id = _val(numpr, "numId") if numpr is not None else None
        ilvl = _int(_val(numpr, "ilvl")) if numpr is not None else None
        style = _val(ppr, "pStyle") if ppr is not None else None
        style = style or self.styles.default
        if num_id is None or ilvl is None:
            s_num, s_ilvl = self.styles.numbering(style)
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_ilvl
        if not num_id or num_id == "0":
            return None
        if ilvl is None:
            ilvl = self.numbering.level_of_style(num_id, style) or 0
        return self.numbering.label(num_id, min(max(ilvl, 0), _LEVELS - 1))


def _hidden(run: Any) -> bool:
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and _val(vanish) not in ("0", "false", "off")


def _paragraph_text(p: Any, boxes: list[Any]) -> str:
    """Visible text of a paragraph; text boxes found inside are appended to `boxes` instead."""
    parts: list[str] = []

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED or tag == f"{MC}Fallback":
                continue
            if tag == f"{W}t":  # unexpanded entity references are dropped, the text around them kept
                parts.append((child.text or "") + "".join(sub.tail or "" for sub in child))
            elif tag == f"{W}tab" or tag == f"{W}ptab":
                parts.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{W}txbxContent":
                boxes.append(child)
            elif tag == f"{W}r" and _hidden(child):
                continue
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def read_docx(name: str, data: bytes) -> str:
    """The text of a .docx: one line per paragraph, numbering labels restored, tables in reading order."""
    package = _Package(name, data)
    main = package.relationships("").get("officeDocument")
    if main is None and "word/document.xml" in package.infos:
        main = "word/document.xml"
    document = package.xml(main)
    body = document.find(f"{W}body") if document is not None else None
    if body is None:
        raise unreadable(name, "no word/document.xml body (not a Word document)", "tệp .docx bị hỏng")
    rels = package.relationships(main or "")
    styles = _Styles(package.xml(rels.get("styles")))
    numbering = _Numbering(package.xml(rels.get("numbering")), styles)
    reader = _Reader(numbering, styles)
    reader.blocks(body)
    return "\n".join(reader.lines)
