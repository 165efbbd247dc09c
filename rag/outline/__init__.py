"""Section tree of a Vietnamese administrative document (chunking the tree is `rag.chunking`).

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

Modules, by concern: `lines` (one line: cleaning, labels, structural line patterns), `headings` (heading
candidates and numbering plausibility), `front` (title block, headline, header/preamble/paragraphs), `parser`
(the main pass building the tree, ids, conversion to `Section`s).
"""

from __future__ import annotations

from rag.outline.headings import heading_candidate
from rag.outline.lines import (
    SENTENCE_END,
    SIGNED_RE,
    clean_line,
    is_person_name,
    short_label,
    signature_start,
    signer_title_line,
)
from rag.outline.parser import parse_sections

__all__ = [
    "SENTENCE_END",
    "SIGNED_RE",
    "clean_line",
    "heading_candidate",
    "is_person_name",
    "parse_sections",
    "short_label",
    "signature_start",
    "signer_title_line",
]
