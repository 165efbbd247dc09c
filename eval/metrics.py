"""Evaluation metrics: pure functions over gold data and system outputs.

Every metric returns `(score, per_item)`: the mean over the items it applies to and the score of each such
item (keyed by item id). Items a metric does not apply to (e.g. unanswerable items for retrieval recall) are
absent from `per_item`; an empty `per_item` gives a score of 0.0.

Matching forms:
- quotes are matched on `quote_key` (rag.text.normalize, `*` markup dropped, whitespace collapsed), so tone
  placement, NFC/NFD, Markdown bold and line breaks do not matter, while diacritics and wording do;
- must-mention phrases are matched on the `rag.text.fold` form with word boundaries, so diacritics, case and
  tone placement do not matter; a date such as `10/7/2023` also matches `10/07/2023` and
  `ngày 10 tháng 7 năm 2023`.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rag.evidence import STOPWORDS
from rag.lexicon.sentences import citation_numbers, sentence_pieces, strip_citations
from rag.text import canonical_number, fold, normalize, strip_diacritics

_WS = re.compile(r"\s+")
_MARKUP = re.compile(r"\*+")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
BUDGET_CHARS = 4000
MIN_PARTIAL_QUOTE = 30

PerItem = dict[str, float]
Score = tuple[float, PerItem]


@dataclass(frozen=True)
class CitedSource:
    """One source an answer cites: its document (when known) and its text (quote and/or section text)."""

    text: str
    doc_id: str | None = None


@dataclass(frozen=True)
class FoundDirective:
    """A directive record as returned by a lookup (only the fields the metric compares)."""

    number: str
    date: str | None = None
    issuer: str | None = None


def _mean(per_item: Mapping[str, float]) -> float:
    return sum(per_item.values()) / len(per_item) if per_item else 0.0


@lru_cache(maxsize=8192)
def quote_key(text: str) -> str:
    """The form quotes and chunk texts are compared in: normalized, `*` emphasis markup removed, whitespace
    collapsed (so hard line wraps and Markdown bold in converted documents do not matter)."""
    return _WS.sub(" ", normalize(_MARKUP.sub("", text))).strip()


def contains_quote(text: str, quote: str) -> bool:
    """True when `quote` lies fully inside `text` (both in `quote_key` form)."""
    key = quote_key(quote)
    return bool(key) and key in quote_key(text)


def first_hit_rank(quotes: Sequence[str], texts: Sequence[str], k: int) -> int | None:
    """1-based rank of the first of the top-k texts that contains any gold quote, or None."""
    for rank, text in enumerate(texts[:k], start=1):
        if any(contains_quote(text, q) for q in quotes):
            return rank
    return None


def recall_at_k(gold: Mapping[str, Sequence[str]], retrieved: Mapping[str, Sequence[str]], k: int) -> Score:
    """Recall@k: per item 1 if a gold quote lies inside one of the top-k retrieved chunk texts.

    `gold` maps item id → gold quotes (items without quotes are skipped); `retrieved` maps item id → chunk
    texts in rank order (a missing item counts as nothing retrieved).
    """
    per_item: PerItem = {}
    for item_id, quotes in gold.items():
        if not quotes:
            continue
        per_item[item_id] = 1.0 if first_hit_rank(quotes, retrieved.get(item_id, ()), k) else 0.0
    return _mean(per_item), per_item


def mrr_at_k(gold: Mapping[str, Sequence[str]], retrieved: Mapping[str, Sequence[str]], k: int = 10) -> Score:
    """Mean reciprocal rank of the first chunk containing a gold quote (0 when none in the top k)."""
    per_item: PerItem = {}
    for item_id, quotes in gold.items():
        if not quotes:
            continue
        rank = first_hit_rank(quotes, retrieved.get(item_id, ()), k)
        per_item[item_id] = 1.0 / rank if rank else 0.0
    return _mean(per_item), per_item


def budget_text(texts: Sequence[str], budget_chars: int = BUDGET_CHARS, sep: str = "\n\n") -> str:
    """The retrieved texts concatenated in rank order and cut at `budget_chars` characters."""
    return sep.join(texts)[:budget_chars]


def budget_recall(
    gold: Mapping[str, Sequence[str]],
    retrieved: Mapping[str, Sequence[str]],
    budget_chars: int = BUDGET_CHARS,
) -> Score:
    """Budget recall: per item 1 if a gold quote lies fully inside the top hits' texts concatenated in rank
    order and cut at `budget_chars` characters (what a prompt with that evidence budget could contain)."""
    per_item: PerItem = {}
    for item_id, quotes in gold.items():
        if not quotes:
            continue
        window = budget_text(list(retrieved.get(item_id, ())), budget_chars)
        per_item[item_id] = 1.0 if any(contains_quote(window, q) for q in quotes) else 0.0
    return _mean(per_item), per_item


def _phrase_variants(phrase: str) -> list[str]:
    """Folded variants of a must-mention phrase (dates get zero-padding and spelled-out variants)."""
    folded = fold(phrase)
    variants = [folded]
    match = _DATE.match(folded.strip())
    if match:
        day, month, year = (int(match.group(1)), int(match.group(2)), match.group(3))
        for d in {f"{day}", f"{day:02d}"}:
            for m in {f"{month}", f"{month:02d}"}:
                variants.append(f"{d}/{m}/{year}")
                variants.append(f"{d}-{m}-{year}")
                variants.append(f"{d}.{m}.{year}")
                variants.append(f"{d} thang {m} nam {year}")
        variants.append(f"{year}-{month:02d}-{day:02d}")
    return variants


def mentions(text: str, phrase: str) -> bool:
    """True when `phrase` occurs in `text` on the folded form, as whole words (dates: several spellings)."""
    folded = fold(text)
    for variant in _phrase_variants(phrase):
        if variant and re.search(rf"(?<!\w){re.escape(variant)}(?!\w)", folded):
            return True
    return False


def must_mention_recall(must: Mapping[str, Sequence[str]], answers: Mapping[str, str]) -> Score:
    """Per item: share of its must-mention phrases found in the answer (items without phrases skipped)."""
    per_item: PerItem = {}
    for item_id, phrases in must.items():
        if not phrases:
            continue
        answer = answers.get(item_id, "")
        per_item[item_id] = sum(1 for p in phrases if mentions(answer, p)) / len(phrases)
    return _mean(per_item), per_item


def source_covers_quote(source: CitedSource, quote: str) -> bool:
    """A cited source covers a gold quote when its text contains the quote, or when its text (≥ 30 characters
    once normalized) is itself a part of the quote (a citation quoting only part of the gold span)."""
    if contains_quote(source.text, quote):
        return True
    key = quote_key(source.text)
    return len(key) >= MIN_PARTIAL_QUOTE and key in quote_key(quote)


def source_supports(
    source: CitedSource, quotes: Sequence[str], must: Sequence[str], gold_docs: Sequence[str]
) -> bool:
    """A cited source supports the answer when (a) it covers a gold quote (`source_covers_quote`), or
    (b) it comes from a gold document and its text contains one of the item's must-mention phrases."""
    if any(source_covers_quote(source, q) for q in quotes):
        return True
    return bool(source.doc_id and source.doc_id in gold_docs and any(mentions(source.text, p) for p in must))


def citation_precision(
    gold_quotes: Mapping[str, Sequence[str]],
    cited: Mapping[str, Sequence[CitedSource]],
    must: Mapping[str, Sequence[str]] | None = None,
    gold_docs: Mapping[str, Sequence[str]] | None = None,
) -> Score:
    """Citation precision: per item, the share of its cited sources that support the answer
    (`source_supports`: the source's quote/section text contains a gold quote, is ≥ 30 characters of one, or
    is from a gold document and contains a must-mention phrase).

    Applies to items with gold quotes whose answer cites at least one source (no citation: no precision; that
    failure shows in citation recall).
    """
    per_item: PerItem = {}
    for item_id, quotes in gold_quotes.items():
        sources = cited.get(item_id, ())
        if not quotes or not sources:
            continue
        phrases = (must or {}).get(item_id, ())
        docs = (gold_docs or {}).get(item_id, ())
        good = sum(1 for s in sources if source_supports(s, quotes, phrases, docs))
        per_item[item_id] = good / len(sources)
    return _mean(per_item), per_item


def citation_recall(
    gold_quotes: Mapping[str, Sequence[str]], cited: Mapping[str, Sequence[CitedSource]]
) -> Score:
    """Citation recall: per item, the share of its gold quotes covered by at least one cited source
    (`source_covers_quote`). Applies to every item with gold quotes; no citation gives 0."""
    per_item: PerItem = {}
    for item_id, quotes in gold_quotes.items():
        if not quotes:
            continue
        sources = cited.get(item_id, ())
        covered = sum(1 for q in quotes if any(source_covers_quote(s, q) for s in sources))
        per_item[item_id] = covered / len(quotes)
    return _mean(per_item), per_item


def refusal_accuracy(answerable: Mapping[str, bool], refused: Mapping[str, bool]) -> Score:
    """Share of unanswerable items (answerable[id] is False) that the system refused."""
    per_item = {i: 1.0 if refused[i] else 0.0 for i, ok in answerable.items() if not ok and i in refused}
    return _mean(per_item), per_item


def false_refusal_rate(answerable: Mapping[str, bool], refused: Mapping[str, bool]) -> Score:
    """Share of answerable items that the system refused (lower is better)."""
    per_item = {i: 1.0 if refused[i] else 0.0 for i, ok in answerable.items() if ok and i in refused}
    return _mean(per_item), per_item


def _number_key(number: str) -> str:
    return strip_diacritics(canonical_number(number))


_CENTRAL_COMMITTEE = ("ban chap hanh trung uong", "hoi nghi trung uong", "hoi nghi lan thu")


def issuer_matches(expected: str | None, found: str | None) -> bool:
    """Issuers match on the folded form when one contains the other; the Central Committee may be named by its
    plenum ("Hội nghị Trung ương 4"). An expected issuer of None (not stated in the corpus) always matches."""
    if expected is None:
        return True
    if not found:
        return False
    exp, got = fold(expected), fold(found)
    if exp in got or got in exp:
        return True
    return "ban chap hanh trung uong" in exp and any(alias in got for alias in _CENTRAL_COMMITTEE)


def directive_fields(expected: FoundDirective, found: Sequence[FoundDirective]) -> dict[str, bool]:
    """Which fields of the expected directive the lookup got right, judged on the best matching record."""
    candidates = [f for f in found if _number_key(f.number) == _number_key(expected.number)]
    if not candidates:
        return {"number": False, "date": False, "issuer": False}
    def fit(f: FoundDirective) -> tuple[bool, bool]:
        return (expected.date is None or f.date == expected.date, issuer_matches(expected.issuer, f.issuer))

    best = max(candidates, key=fit)
    return {
        "number": True,
        "date": expected.date is None or best.date == expected.date,
        "issuer": issuer_matches(expected.issuer, best.issuer),
    }


def directive_correctness(
    expected: Mapping[str, FoundDirective], found: Mapping[str, Sequence[FoundDirective]]
) -> Score:
    """Per item 1 when a returned record has the expected number (canonical form, diacritics ignored), date
    (ISO, exact) and issuer (`issuer_matches`); otherwise 0."""
    per_item: PerItem = {}
    for item_id, exp in expected.items():
        fields = directive_fields(exp, found.get(item_id, ()))
        per_item[item_id] = 1.0 if all(fields.values()) else 0.0
    return _mean(per_item), per_item


def by_kind(per_item: Mapping[str, float], kinds: Mapping[str, str]) -> dict[str, float]:
    """Mean of a per-item score within each question kind."""
    groups: dict[str, list[float]] = {}
    for item_id, value in per_item.items():
        groups.setdefault(kinds.get(item_id, "?"), []).append(value)
    return {kind: sum(values) / len(values) for kind, values in sorted(groups.items())}


def worst_items(scores: Mapping[str, Mapping[str, float]], n: int = 10) -> list[dict[str, object]]:
    """The n items with the lowest mean score over the metrics that apply to them (ties: by id).

    `scores` maps item id → {metric name → per-item score}; "lower is better" metrics must be inverted by the
    caller. Each entry lists the metrics that scored below 1.
    """
    ranked: list[tuple[float, str, list[str]]] = []
    for item_id, metrics in scores.items():
        if metrics:
            failed = sorted(name for name, value in metrics.items() if value < 1.0)
            ranked.append((statistics.fmean(metrics.values()), item_id, failed))
    ranked.sort(key=lambda row: (row[0], row[1]))
    return [{"id": item_id, "mean": mean, "failed": failed} for mean, item_id, failed in ranked[:n]]


def per_item_table(named: Iterable[tuple[str, PerItem]]) -> dict[str, dict[str, float]]:
    """Pivot {metric: {item: score}} pairs into {item: {metric: score}} (input for `worst_items`)."""
    table: dict[str, dict[str, float]] = {}
    for name, per_item in named:
        for item_id, value in per_item.items():
            table.setdefault(item_id, {})[name] = value
    return table


# --- Fragments: text shown to users that starts or ends inside a word or a sentence -------------------------
#
# A *unit* is one piece of text a user sees: a search hit's chunk text, a citation quote, an answer sentence, or
# a section path label. Definitions (on the `*`-free, whitespace-collapsed text):
# - starts inside: after an optional list marker ("-", "+", "•", "a)", "1.", "1.2.", "II.", "(3)"), the text
#   begins with a lower-case letter or with "," ";" ":" ")" (a continuation of the previous sentence); or,
#   when the source is known, the source has a letter or digit right before the text (cut inside a word);
# - ends inside: the text does not end with sentence-final punctuation (. ! ? : ; … closing bracket or quote,
#   table bar) and either no source is known or the source continues the sentence after it (next character a
#   letter or digit, or a space followed by a lower-case letter or , ;); a trailing "…"/"..." marks a cut and
#   counts unless the source shows the sentence ending there;
# - a section path label is a fragment when one of its parts (split at " › ") starts inside (as above) or ends
#   on a connecting word (`CONNECTORS`: "của", "và", "về", "các", ...), a comma or a hyphen, or has an unclosed
#   bracket or quote (a heading cut at a hard line wrap).

_LIST_MARKER = re.compile(r"^(?:[-+•–]\s*|\(?[0-9]+(?:\.[0-9]+)*[.)]\s*|\(?[a-zđ][)]\s*|[IVXLC]+[.\-]\s+)+")
_FINAL = tuple(".!?:;…)]}\"”’»|")
_ELLIPSIS = re.compile(r"(?:…|\.\.\.)$")
PATH_SEPARATOR = " › "
# Words a Vietnamese heading never ends on (they need a complement). TODO: move to rag/lexicon.py once it lands.
CONNECTORS = frozenset((
    "của", "và", "về", "các", "cho", "với", "trong", "tại", "theo", "để", "từ", "đến", "là", "những", "một",
    "số", "đối", "nhằm", "hoặc", "thuộc", "trên", "giữa", "được", "do", "bởi", "nhất", "cùng",
))


def _plain(text: str) -> str:
    return _WS.sub(" ", _MARKUP.sub("", text)).strip()


def starts_inside(text: str, source: str | None = None) -> bool:
    """True when `text` begins inside a word or a sentence (see the definitions above)."""
    plain = _plain(text)
    if not plain:
        return False
    if source is not None:
        src = _plain(source)
        at = src.find(plain)
        if at > 0 and src[at - 1].isalnum():
            return True
    body = _LIST_MARKER.sub("", plain, count=1) or plain
    return body[0].islower() or body[0] in ",;:)"


def ends_inside(text: str, source: str | None = None) -> bool:
    """True when `text` ends inside a word or a sentence (see the definitions above)."""
    plain = _plain(strip_citations(text, space_before=True))
    if not plain:
        return False
    cut = bool(_ELLIPSIS.search(plain))
    core = _ELLIPSIS.sub("", plain).rstrip()
    if not cut and core.endswith(_FINAL):
        return False
    if source is None or not core:
        return True
    src = _plain(source)
    at = src.find(core)
    if at < 0:
        return True
    rest = src[at + len(core):]
    if not rest:
        return False
    if rest[0].isalnum():
        return True
    nxt = rest.lstrip()
    if not nxt or _LIST_MARKER.match(nxt):
        return False  # the source ends, or a new list item begins
    if core.endswith(_FINAL):
        return False
    return nxt[0].islower() or nxt[0] in ",;"


def label_is_fragment(label: str) -> bool:
    """True when a section path label has a part that starts inside a sentence or ends mid-phrase."""
    for part in (p.strip() for p in label.split(PATH_SEPARATOR)):
        if not part:
            continue
        words = normalize(part).lower().split()
        if (starts_inside(part) or part.endswith((",", "-", "–")) or (words and words[-1] in CONNECTORS)
                or part.count("(") > part.count(")") or part.count("“") > part.count("”")):
            return True
    return False


def answer_sentences(answer: str) -> list[str]:
    """An answer's sentences (split after . ! ? … and at line breaks; citation markers kept with them)."""
    return [s.strip() for s in sentence_pieces(answer, newlines=True) if s.strip()]


@dataclass(frozen=True)
class Unit:
    """One piece of text shown to a user; `kind` is search_text, quote, answer_sentence or path_label."""

    kind: str
    text: str
    source: str | None = None

    @property
    def fragment(self) -> bool:
        if self.kind == "path_label":
            return label_is_fragment(self.text)
        return starts_inside(self.text, self.source) or ends_inside(self.text, self.source)


def fragment_share(units: Mapping[str, Sequence[Unit]]) -> Score:
    """Per item: the share of its units that are fragments (items without units skipped)."""
    per_item = {i: sum(u.fragment for u in us) / len(us) for i, us in units.items() if us}
    return _mean(per_item), per_item


def fragment_rates(units: Mapping[str, Sequence[Unit]]) -> dict[str, dict[str, float]]:
    """Over all items: {unit kind (and "all"): {"n": units, "fragments": count, "rate": share}}."""
    counts: dict[str, list[int]] = {}
    for us in units.values():
        for unit in us:
            for key in (unit.kind, "all"):
                row = counts.setdefault(key, [0, 0])
                row[0] += 1
                row[1] += unit.fragment
    return {k: {"n": n, "fragments": f, "rate": f / n if n else 0.0} for k, (n, f) in sorted(counts.items())}


# --- Answers against the quotes they show (issues #10, #11) ---------------------------------------------------
#
# A model answer is shown with its citations, each with a `quote`. Two checks look at answer and quotes alone:
# - must-mention on the quotes: `must_mention_recall` applied to the cited quotes joined (`quotes_text`), to set
#   beside must-mention on the answer text;
# - unsupported sentences (`sentence_supported`): an answer sentence is supported when its citation markers name
#   shown quotes and, on the `fold` form (diacritics, case and tone placement ignored),
#   (a) every number of the sentence (a run of digits, leading zeros dropped: '07' = '7', so '10/7/2023' and
#       'ngày 10 tháng 07 năm 2023' agree) is a number of the cited quotes, and
#   (b) at least `SUPPORT_MIN_SHARE` of its distinct content syllables occur in the cited quotes. A content
#       syllable is a run of letters longer than one character whose folded form is not in the product's stopword
#       table (`rag.evidence.STOPWORDS`), or, whatever its folded form, one written with a capital letter after
#       the sentence's first word: folding makes 'Hà Nội' look like the stopwords 'hà', 'nói', and a name is
#       exactly what a quote must show.
#   A sentence without a marker, or whose markers name no shown citation, is unsupported; so is one with neither
#   content syllables nor numbers (nothing in it can be checked). A leading list marker ('-', '1.', 'a)') is not
#   part of the sentence.
#
# How this differs from the product's verifier (rag.verify / rag.evidence.supports), which it does not call: the
# verifier checks a claim against the full evidence passage the model was given, requires ordered phrase runs,
# names and numbers linked to their context, and re-cites a claim to another passage when its own citation fails;
# this check sees only what a user sees — the quote shown for each cited number — and only bags of syllables and
# numbers, with no re-citing. A sentence the verifier kept can fail here when the quote shown is shorter than the
# passage that supported it, or when it paraphrases; a sentence can pass here with words in another order.

SUPPORT_MIN_SHARE = 0.7
_DIGITS = re.compile(r"\d+")
_SYLLABLE = re.compile(r"[^\W\d_]+")


def quotes_text(quotes: Iterable[str]) -> str:
    """The quotes shown with an answer, as one text (one per line)."""
    return "\n".join(q for q in quotes if q)


def _numbers(folded: str) -> set[str]:
    return {n.lstrip("0") or "0" for n in _DIGITS.findall(folded)}


def _content_syllables(text: str) -> set[str]:
    """Folded content syllables of a sentence (see the definition above)."""
    out: set[str] = set()
    for index, syllable in enumerate(_SYLLABLE.findall(normalize(text))):
        folded = fold(syllable)
        if len(folded) > 1 and (folded not in STOPWORDS or (index > 0 and syllable[0].isupper())):
            out.add(folded)
    return out


def cited_sentences(answer: str) -> list[tuple[str, tuple[int, ...]]]:
    """An answer's sentences (and list lines) without their `[n]` markers, each with the numbers it cites.

    Split with the project's splitter (`sentence_pieces`, line breaks included, no break after a numbering or an
    abbreviation); a piece with under three letters or digits (a marker alone after the full stop) gives its
    markers to the sentence before it."""
    out: list[tuple[str, list[int]]] = []
    for piece in sentence_pieces(answer, newlines=True, abbreviations=True):
        refs = citation_numbers(piece)
        text = _plain(strip_citations(piece, space_before=True))
        if len(re.sub(r"\W", "", text)) < 3:
            if out and refs:
                out[-1][1].extend(r for r in refs if r not in out[-1][1])
            continue
        out.append((text, list(dict.fromkeys(refs))))
    return [(text, tuple(refs)) for text, refs in out]


def sentence_supported(sentence: str, quotes: Sequence[str], min_share: float = SUPPORT_MIN_SHARE) -> bool:
    """Whether the cited `quotes` support `sentence` lexically (see the definition above); no quote: False."""
    source = fold(quotes_text(quotes))
    if not source:
        return False
    body = _LIST_MARKER.sub("", _plain(sentence), count=1)
    numbers = _numbers(fold(body))
    if not numbers <= _numbers(source):
        return False
    content = _content_syllables(body)
    if not content:
        return bool(numbers)
    return len(content & set(_SYLLABLE.findall(source))) / len(content) >= min_share


def unsupported_sentences(
    answers: Mapping[str, str], quotes: Mapping[str, Mapping[int, str]], min_share: float = SUPPORT_MIN_SHARE
) -> tuple[Score, tuple[int, int]]:
    """Per item: the share of its answer sentences (`cited_sentences`) that the quotes they cite do not support
    (`sentence_supported`; `quotes[item]` maps citation number → quote). Lower is better. Items without
    sentences are skipped. Also returns (sentences, unsupported) counted over all items."""
    per_item: PerItem = {}
    total = bad = 0
    for item_id, answer in answers.items():
        shown = quotes.get(item_id, {})
        sentences = cited_sentences(answer)
        if not sentences:
            continue
        failed = sum(
            1 for text, refs in sentences
            if not sentence_supported(text, [shown[n] for n in refs if n in shown], min_share)
        )
        per_item[item_id] = failed / len(sentences)
        total += len(sentences)
        bad += failed
    return (_mean(per_item), per_item), (total, bad)


def restrict(score: Score, ids: Iterable[str]) -> Score:
    """A metric's score over only the items in `ids` (e.g. the items answered in one mode)."""
    keep = set(ids)
    per_item = {i: v for i, v in score[1].items() if i in keep}
    return _mean(per_item), per_item
