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
import zipfile
from collections.abc import Iterator
from typing import Any

from lxml import etree

from rag.docx_numbering import LEVELS, Numbering, Styles, W, to_int, val
from rag.loader_errors import unreadable

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # inflated size of one zip member we read (document.xml of a huge plan: ~5 MB)
MAX_TOTAL_BYTES = 128 * 1024 * 1024  # inflated bytes read from one package, all members together
MAX_MEMBERS = 10_000

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_SKIPPED = {f"{W}{t}" for t in ("pPr", "rPr", "del", "moveFrom", "instrText", "delText", "footnoteReference")}


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
    def __init__(self, numbering: Numbering, styles: Styles) -> None:
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
        num_id = val(numpr, "numId") if numpr is not None else None
        ilvl = to_int(val(numpr, "ilvl")) if numpr is not None else None
        style = val(ppr, "pStyle") if ppr is not None else None
        style = style or self.styles.default
        if num_id is None or ilvl is None:
            s_num, s_ilvl = self.styles.numbering(style)
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_ilvl
        if not num_id or num_id == "0":
            return None
        if ilvl is None:
            ilvl = self.numbering.level_of_style(num_id, style) or 0
        return self.numbering.label(num_id, min(max(ilvl, 0), LEVELS - 1))


def _hidden(run: Any) -> bool:
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and val(vanish) not in ("0", "false", "off")


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
    styles = Styles(package.xml(rels.get("styles")))
    numbering = Numbering(package.xml(rels.get("numbering")), styles)
    reader = _Reader(numbering, styles)
    reader.blocks(body)
    return "\n".join(reader.lines)
