"""Tree building: one pass over the lines opens sections at plausible headings and at the structural blocks
(annex, Nơi nhận, signature, footnotes), then the front matter is added and ids are assigned."""

from __future__ import annotations

import re
from collections import Counter

from rag.lexicon import RECIPIENTS_RE
from rag.outline.front import compose_title, find_title, front_nodes, title_block_end
from rag.outline.headings import Node, accept, heading_candidate
from rag.outline.lines import (
    ANNEX_MIXED_RE,
    ANNEX_RE,
    BULLET_RE,
    FOOTNOTE_RE,
    FORM_RE,
    SEPARATOR_RE,
    SIGNED_RE,
    TITLE_RE,
    Line,
    is_person_name,
    is_upper,
    short_label,
    signature_start,
    signer_title_line,
    split_lines,
)
from rag.text import fold
from rag.types import Section, SectionKind

_FOOTNOTE_LINE_RE = r"^\[\d{1,3}\]"


class _Parser:
    """One parse of one document."""

    def __init__(self, text: str) -> None:
        """Split the text into lines; nothing is parsed yet."""
        self.text = text
        self.lines = split_lines(text)
        self.nonblank = [ln for ln in self.lines if not ln.blank]
        self.root = Node("body", "", 0)
        self.order: list[Node] = []  # every node except root, document order
        self.title = ""

    def _add(self, parent: Node, node: Node) -> Node:
        """Attach a node to its parent and record it in document order."""
        parent.children.append(node)
        self.order.append(node)
        return node

    def _block(self, kind: SectionKind, label: str, start: int, seen: Counter[str]) -> Node:
        """A top-level block whose id is its kind, numbered from the second one on ('annex', 'annex2')."""
        seen[kind] += 1
        sid = kind if seen[kind] == 1 else f"{kind}{seen[kind]}"
        return self._add(self.root, Node(kind, label, start, sid=sid))

    def _recipient_line(self, ln: Line) -> bool:
        """An item ('- ...') or a wrapped continuation line of the Nơi nhận block."""
        c = ln.clean
        if BULLET_RE.match(c):
            return True
        indented = ln.raw[:1] in (" ", "\t")
        return (c[:1].islower() or indented) and not signature_start(c) and not signer_title_line(c)

    def parse(self) -> Node:
        """One pass over the lines building the tree; the front matter is split afterwards."""
        text_lines = self.lines
        title_idx = find_title(self.nonblank)
        block_end = title_block_end(self.lines, title_idx) if title_idx is not None else None
        if title_idx is not None and block_end is not None:
            self.title = compose_title(self.lines, title_idx, block_end)

        mode = "front"
        front_end: int | None = None  # line index where the front matter stops
        stack: list[Node] = [self.root]
        body_headings = 0
        seen: Counter[str] = Counter()  # top-level blocks (annex, recipients, signature) so far, by kind

        for ln in text_lines:
            if ln.blank:
                continue
            c = ln.clean
            fc = fold(c) if len(c) < 200 else ""
            # Structural blocks first. An annex starts only after the body (or the title block) has started.
            annex_allowed = mode != "front" or (block_end is not None and ln.idx >= block_end)
            is_annex = (ANNEX_RE.match(c) and is_upper(c[:9])) or ANNEX_MIXED_RE.match(c)
            if annex_allowed and len(c) <= 120 and is_annex:
                if front_end is None:
                    front_end = ln.idx
                node = self._block("annex", short_label(c), ln.start, seen)
                stack = [node]
                mode = "annex"
                continue
            if mode in ("body", "annex", "recipients", "signature") and FOOTNOTE_RE.match(c) and self._footnotes_from(
                ln.idx
            ):
                self._add(self.root, Node("footnotes", "Chú thích", ln.start, sid="footnotes"))
                stack = [self.root]
                mode = "footnotes"
                continue
            if mode == "footnotes":
                continue
            attached_form = len(c) <= 120 and FORM_RE.match(c)
            if mode in ("recipients", "signature") and (self._attached_title(ln.idx) or attached_form):
                # The document issued by this one follows its signature ('QUYẾT ĐỊNH ... ban hành kèm theo').
                node = self._block("annex", short_label(self._attached_label(ln.idx)), ln.start, seen)
                stack = [node]
                mode = "annex"
                continue
            if mode in ("front", "body", "annex", "signature") and RECIPIENTS_RE.match(fc) and len(c) < 200:
                if front_end is None:
                    front_end = ln.idx
                self._block("recipients", "Nơi nhận", ln.start, seen)
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
                self._block("signature", "Chữ ký", ln.start, seen)
                stack = [self.root]
                mode = "signature"
                continue
            if mode == "recipients" and (self._recipient_line(ln) or SEPARATOR_RE.match(c)):
                continue
            if mode == "front" and title_idx is not None and ln.idx < (block_end or 0):
                continue
            cand = heading_candidate(c)
            if cand is None:
                continue
            style, num, _rest = cand
            if mode in ("recipients", "signature"):
                # Text after the closing blocks: only a fresh numbering may start a new body part.
                continue
            parent_i = accept(stack, style, num)
            if parent_i is None:
                continue
            if mode == "front":
                front_end = ln.idx
                mode = "body"
            parent = stack[parent_i]
            kind: SectionKind = "annex" if stack[0].kind == "annex" else "body"
            node = Node(kind, short_label(self._heading_label(ln.idx, style, _rest)), ln.start, style=style, num=num)
            parent.last[style] = num
            if style == "article":
                stack[0].last[style] = num  # articles are numbered through the whole scope
            self._add(parent, node)
            stack = [*stack[: parent_i + 1], node]
            if kind == "body":
                body_headings += 1

        if front_end is None:
            front_end = len(text_lines)
        nodes, self.title = front_nodes(
            self.lines, title_idx, block_end, front_end, has_headings=body_headings > 0, title=self.title
        )
        # Front nodes go before every other top-level node.
        self.root.children[0:0] = nodes
        self.order[0:0] = nodes
        self._assign_ids()
        return self.root

    def _heading_label(self, idx: int, style: str, rest: str) -> str:
        """The heading line; 'Chương I' / 'Điều 1.' alone take their title from the next line."""
        c = self.lines[idx].clean
        if style in ("chapter", "article") and not rest:
            for ln in self.lines[idx + 1 : idx + 4]:
                if ln.blank:
                    continue
                if heading_candidate(ln.clean) is None and len(ln.clean) <= 150:
                    return f"{c.rstrip('.:')}. {ln.clean}" if style == "chapter" else f"{c} {ln.clean}"
                break
        return c

    def _footnotes_from(self, idx: int) -> bool:
        """Every non-blank line from `idx` on is a footnote text '[n] ...' (the trailing footnote block)."""
        rest = [ln.clean for ln in self.lines[idx:] if not ln.blank]
        return all(re.match(_FOOTNOTE_LINE_RE, c) for c in rest)

    def _attached_title(self, idx: int) -> bool:
        """A document-type title line (upper case, alone) after the closing blocks: an attached document."""
        c = self.lines[idx].clean
        m = TITLE_RE.match(c)
        if m is None:
            return False
        return len(c) <= 120 and is_upper(c) and (len(c) == m.end() or len(c) > m.end() + 3)

    def _attached_label(self, idx: int) -> str:
        """The attached document's title line, with its subtitle line when the title is the keyword alone."""
        c = self.lines[idx].clean
        m = TITLE_RE.match(c)
        if m and len(c) == m.end():
            for ln in self.lines[idx + 1 : idx + 4]:
                if not ln.blank:
                    return f"{c} {ln.clean}" if is_upper(ln.clean) else c
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
            if seen >= 6 or not (is_upper(ln.clean) or SIGNED_RE.match(ln.clean)):
                return False
        return False

    def _assign_ids(self) -> None:
        """Stable ids: s1, s1.2, annex.s1.1 (structural blocks keep their fixed ids)."""

        def walk(node: Node, prefix: str) -> None:
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


def _to_sections(parser: _Parser) -> Section:
    """The parser's nodes as Section objects; each section's text runs to the next section."""
    text = parser.text
    order = sorted(parser.order, key=lambda n: n.start)
    bounds: dict[int, tuple[int, int]] = {}
    for i, node in enumerate(order):
        nxt = order[i + 1].start if i + 1 < len(order) else len(text)
        bounds[id(node)] = (node.start, nxt)  # sections tile the text: trailing blank lines included

    def convert(node: Node, path: list[str], level: int) -> Section:
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
