"""Language knowledge of Vietnamese administrative documents, as data tables with small accessors.

One place for what other modules used to keep as private copies, one module per concern: document types and
the codes used inside their numbers (`doctypes`), number patterns (`numbers`), provinces before and after the
2025 merger, communes and wards (`places`), central and provincial bodies with their 2025 renamings/mergers
(`bodies`), section topics and list-question forms (`sections`),
and structural markers: signature prefixes, Nơi nhận, Đề cương/Phụ lục, preamble openers
(`markers`). Names are matched through `rag.text.fold`, so Hoà/Hòa, missing accents and case do not matter.
Tables are plain tuples/dicts so existing modules can switch by import only.
"""

from __future__ import annotations

from rag.lexicon import sections as sections
from rag.lexicon import tasks as tasks
from rag.lexicon.bodies import (
    ABBREVIATIONS,
    BODIES,
    ISSUER_ABBREVIATIONS,
    Body,
    body_of,
    body_successor,
    issuer_of_number,
)
from rag.lexicon.doctypes import (
    CITED_TYPES,
    DOC_TYPE_NAMES,
    DOC_TYPE_TABLE,
    DOC_TYPE_WORDS,
    KINDS,
    QUERY_TYPES,
    TITLE_KEYWORDS,
    TITLE_TYPE_NAMES,
    TYPE_CODE,
    DocType,
    type_of_code,
    type_of_word,
)
from rag.lexicon.markers import (
    ANNEX_WORDS,
    EVENT_WORDS,
    INTRO_WORDS,
    ORG_START,
    RECIPIENTS_RE,
    SIGNATURE_PREFIX_RE,
    SIGNATURE_PREFIXES,
)
from rag.lexicon.numbers import (
    BLANK_NUMBER_RE,
    FILE_OR_URL_RE,
    FOLDED_NUMBER_RE,
    NUMBER_RE,
    SO_WORD,
    inside_file_or_url,
    number_code,
)
from rag.lexicon.places import (
    ALL_PROVINCES,
    CITIES,
    LOCAL_PLACE_RE,
    LOCAL_UNITS,
    MERGER_2025,
    MERGER_DATE,
    PROVINCE_ALIASES,
    PROVINCES,
    PROVINCES_2025,
    SUCCESSOR,
    find_local_places,
    find_provinces,
    merger_note,
    merger_notes,
    name_key,
    province_canonical,
    province_equivalents,
    province_label,
    province_of,
    province_successor,
)

__all__ = [
    "ABBREVIATIONS",
    "ALL_PROVINCES",
    "ANNEX_WORDS",
    "BLANK_NUMBER_RE",
    "BODIES",
    "CITED_TYPES",
    "CITIES",
    "DOC_TYPE_NAMES",
    "DOC_TYPE_TABLE",
    "DOC_TYPE_WORDS",
    "EVENT_WORDS",
    "FILE_OR_URL_RE",
    "FOLDED_NUMBER_RE",
    "INTRO_WORDS",
    "ISSUER_ABBREVIATIONS",
    "KINDS",
    "LOCAL_PLACE_RE",
    "LOCAL_UNITS",
    "MERGER_2025",
    "MERGER_DATE",
    "NUMBER_RE",
    "ORG_START",
    "PROVINCES",
    "PROVINCES_2025",
    "PROVINCE_ALIASES",
    "QUERY_TYPES",
    "RECIPIENTS_RE",
    "SIGNATURE_PREFIXES",
    "SIGNATURE_PREFIX_RE",
    "SO_WORD",
    "SUCCESSOR",
    "TITLE_KEYWORDS",
    "TITLE_TYPE_NAMES",
    "TYPE_CODE",
    "Body",
    "DocType",
    "body_of",
    "body_successor",
    "find_local_places",
    "find_provinces",
    "inside_file_or_url",
    "issuer_of_number",
    "merger_note",
    "merger_notes",
    "name_key",
    "number_code",
    "province_canonical",
    "province_equivalents",
    "province_label",
    "province_of",
    "province_successor",
    "sections",
    "tasks",
    "type_of_code",
    "type_of_word",
]
