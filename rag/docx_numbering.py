"""Word auto-numbering: numbering.xml definitions and styles → the labels Word shows ("II.", "1.2.", "a)", "-").

A paragraph's `w:numPr` (direct, or inherited from its paragraph style through `w:basedOn`; a level linked back
to a style with `w:pStyle`) is resolved against `w:abstractNum` levels (numFmt, lvlText, start, lvlRestart,
isLgl) and `w:num` overrides (lvlOverride, startOverride); `numStyleLink` is followed. Counters run per list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LEVELS = 9  # Word numbering levels 0..8
_MAX_LINK_DEPTH = 16  # style basedOn chains, numStyleLink indirections
_PLACEHOLDER_RE = re.compile(r"%([1-9])")


def val(el: Any, child: str | None = None) -> str | None:
    """The w:val attribute of `el` (or of its child `child`)."""
    if el is not None and child is not None:
        el = el.find(f"{W}{child}")
    return None if el is None else el.get(f"{W}val")


def to_int(text: str | None, default: int | None = None) -> int | None:
    """An integer attribute value; `default` when absent or malformed."""
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
        start=to_int(val(el, "start"), 0) or 0,
        fmt=val(el, "numFmt") or "decimal",
        text=None if lvl_text is None else (lvl_text.get(f"{W}val") or ""),
        restart=to_int(val(el, "lvlRestart")),
        legal=el.find(f"{W}isLgl") is not None and val(el, "isLgl") not in ("0", "false"),
        style=val(el, "pStyle"),
    )


@dataclass
class _Num:
    abstract: str
    levels: dict[int, _Level] = field(default_factory=dict)  # w:lvlOverride/w:lvl
    starts: dict[int, int] = field(default_factory=dict)  # w:lvlOverride/w:startOverride


class Styles:
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
            based = val(style, "basedOn")
            if based:
                self._based[sid] = based
            numpr = style.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                self._numpr[sid] = (val(numpr, "numId"), to_int(val(numpr, "ilvl")))

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


class Numbering:
    """numbering.xml definitions plus the running counters that turn them into labels."""

    def __init__(self, root: Any, styles: Styles) -> None:
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
                to_int(lvl.get(f"{W}ilvl"), 0) or 0: _level(lvl) for lvl in absn.iter(f"{W}lvl")
            }
            link = val(absn, "numStyleLink")
            if link:
                self._style_link[aid] = link
        for num in root.iter(f"{W}num"):
            entry = _Num(val(num, "abstractNumId") or "")
            for over in num.iter(f"{W}lvlOverride"):
                ilvl = to_int(over.get(f"{W}ilvl"), 0) or 0
                start = to_int(val(over, "startOverride"))
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
        counts = self._counts.setdefault(key, [None] * LEVELS)

        def start(level: int) -> int:
            if level in num.starts:
                return num.starts[level]
            return levels[level].start if level in levels else 0

        current = counts[ilvl]
        counts[ilvl] = start(ilvl) if current is None else current + 1
        for deeper in range(ilvl + 1, LEVELS):
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
