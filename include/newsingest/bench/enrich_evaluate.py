"""Evaluation of the enrichment stage against labelled corpora (read from their paths, never copied).

- :func:`evaluate_conll`: document-level entity-set F1 per type (PER/ORG/LOC) of the raw spaCy model and
  of our normalised entities on a CoNLL-2003 file (IOB2), plus mention-level span F1 of the raw model.
- :func:`evaluate_language`: accuracy of language identification on a fundus-style ground-truth.jsonl.
- :func:`evaluate_topics`: accuracy/macro-F1 of top topics against a JSONL dev set of labelled texts.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsingest.enrich.geo import fold

CONLL_TYPES = ("PER", "ORG", "LOC")
SPACY_TO_CONLL = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
SPORT = "medtop:15000000"
OURS_TO_CONLL = {"person": "PER", "organisation": "ORG", "location": "LOC"}


@dataclass
class ConllDoc:
    text: str
    title_end: int
    lead_end: int
    gold: dict[str, set[str]]  # type -> folded entity strings
    gold_spans: set[tuple[int, int, str]]


def read_conll(path: str | Path) -> list[ConllDoc]:
    """Documents of a CoNLL-2003 IOB file; tokens joined by spaces, sentences by newlines."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"CoNLL file not found: {path}")
    docs: list[ConllDoc] = []
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []

    def flush_doc() -> None:
        if current:
            sentences.append(list(current))
            current.clear()
        if sentences:
            docs.append(_build_doc(sentences))
        sentences.clear()

    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.strip()
            if line.startswith("-DOCSTART-"):
                flush_doc()
                continue
            if not line:
                if current:
                    sentences.append(list(current))
                    current.clear()
                continue
            parts = line.split()
            if len(parts) < 2:
                raise ValueError(f"{path}:{lineno}: expected 'token ... tag', got {line!r}")
            current.append((parts[0], parts[-1]))
    flush_doc()
    return docs


def _build_doc(sentences: list[list[tuple[str, str]]]) -> ConllDoc:
    pieces: list[str] = []
    gold: dict[str, set[str]] = defaultdict(set)
    spans: set[tuple[int, int, str]] = set()
    offset = 0
    title_end = lead_end = 0
    for si, sent in enumerate(sentences):
        ent_type: str | None = None
        ent_start = 0
        ent_tokens: list[str] = []
        ent_end = 0
        for tok, tag in [*sent, ("", "O")]:
            if ent_type and (tag == "O" or tag.startswith("B-") or tag[2:] != ent_type):
                if ent_type in CONLL_TYPES:
                    gold[ent_type].add(fold(" ".join(ent_tokens)))
                    spans.add((ent_start, ent_end, ent_type))
                ent_type, ent_tokens = None, []
            if tag != "O" and tok:
                if ent_type is None:
                    ent_type, ent_start = tag[2:], offset
                ent_tokens.append(tok)
                ent_end = offset + len(tok)
            if tok:
                pieces.append(tok)
                offset += len(tok) + 1
        pieces[-1] += "\n"
        if si == 0:
            title_end = offset
        if si <= 2:
            lead_end = offset
    text = " ".join(pieces).replace("\n ", "\n")
    return ConllDoc(text, title_end, lead_end, dict(gold), spans)


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ConllReport:
    docs: int
    raw: dict[str, PRF] = field(default_factory=dict)  # doc-level, raw model
    ours: dict[str, PRF] = field(default_factory=dict)  # doc-level, canonical names
    ours_forms: dict[str, PRF] = field(default_factory=dict)  # doc-level, all merged surface forms
    raw_mentions: PRF = field(default_factory=PRF)

    def rows(self) -> Iterator[tuple[str, float, float, float]]:
        for t in (*CONLL_TYPES, "overall"):
            yield t, self.raw[t].f1, self.ours[t].f1, self.ours_forms[t].f1


def evaluate_conll(
    path: str | Path, *, model: str | None = None, limit: int | None = None, half: str | None = None
) -> ConllReport:
    """Doc-level entity-set F1 of the raw model vs. our normalisation on a CoNLL file.

    ``half`` ("even" or "odd") keeps the documents of even or odd index (0-based) only: analyse errors
    on one half, check that a change helps the other."""
    from newsingest.enrich.entities import SpacyNer
    from newsingest.enrich.normalize import Normalizer
    from newsingest.enrich.topics import TopicClassifier

    docs = read_conll(path)[:limit]
    if half is not None:
        if half not in ("even", "odd"):
            raise ValueError(f"half must be 'even' or 'odd', got {half!r}")
        docs = docs[0 if half == "even" else 1 :: 2]
    ner = SpacyNer(model)
    normalizer = Normalizer()
    topics = TopicClassifier()
    report = ConllReport(len(docs))
    for table in (report.raw, report.ours, report.ours_forms):
        for t in (*CONLL_TYPES, "overall"):
            table[t] = PRF()
    texts = [d.text for d in docs]
    # The anchor is the model as it comes (no truecasing of ALL-CAPS lines); ours reads what enrich reads.
    raw_mentions = SpacyNer(model, truecase=False).extract(texts)
    for doc, mentions, model_mentions in zip(docs, ner.extract(texts), raw_mentions, strict=True):
        raw: dict[str, set[str]] = defaultdict(set)
        raw_spans = set()
        for m in model_mentions:
            kind = SPACY_TO_CONLL.get(m.label)
            if kind:
                raw[kind].add(fold(m.text))
                raw_spans.add((m.start, m.end, kind))
        report.raw_mentions.add(doc.gold_spans, raw_spans)
        title, _, body = doc.text.partition("\n")
        ranked = topics.classify(title, body)
        ents = normalizer.normalize(
            mentions,
            text_length=len(doc.text),
            title_end=doc.title_end,
            lead_end=doc.lead_end,
            text=doc.text,
            sport=bool(ranked) and ranked[0].code == SPORT,
        )
        ours: dict[str, set[str]] = defaultdict(set)
        forms: dict[str, set[str]] = defaultdict(set)
        for e in ents:
            kind = OURS_TO_CONLL.get(e.type)
            if kind:
                ours[kind].add(fold(e.name))
                forms[kind].update(fold(f) for f in e.forms)
        # Canonical names are compared with the gold strings mapped through the same cross-document
        # canonicaliser (alias table, country names) and short-form merge as ours: "U.S." and
        # "United States" are one facet value, as are "Clinton" and "Bill Clinton" in one story.
        gold_canon = canonical_gold(doc.gold, normalizer)
        for table, pred, gold in (
            (report.raw, raw, doc.gold),
            (report.ours, ours, gold_canon),
            (report.ours_forms, forms, doc.gold),
        ):
            for t in CONLL_TYPES:
                g, p = gold.get(t, set()), pred.get(t, set())
                table[t].add(g, p)
                table["overall"].add({(t, x) for x in g}, {(t, x) for x in p})
    return report


def canonical_gold(gold: dict[str, set[str]], normalizer) -> dict[str, set[str]]:
    """Gold entity strings of one document mapped to canonical facet names (aliases, countries, and
    person last names merged into the one full name of the same document that ends with them)."""
    out: dict[str, set[str]] = defaultdict(set)
    persons = [p.split() for p in gold.get("PER", ())]
    for t, names in gold.items():
        for name in names:
            alias = normalizer.aliases.lookup(name) or normalizer.aliases.lookup(name.upper())
            if alias is not None:
                out[t].add(fold(alias.name))
                continue
            if t == "LOC":
                place = normalizer.gazetteer.lookup(name)
                if place is not None and place.kind == "country":
                    out[t].add(fold(place.name))
                    continue
            if t == "PER":
                toks = name.split()
                full = {" ".join(p) for p in persons if len(p) > len(toks) and p[-len(toks) :] == toks}
                if len(full) == 1:
                    out[t].add(full.pop())
                    continue
            out[t].add(name)
    return dict(out)


# -- language -----------------------------------------------------------------------------------


@dataclass
class LanguageReport:
    total: int
    correct: int
    errors: list[tuple[str, str, str | None]]  # id, expected, got
    seconds: float

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def evaluate_language(ground_truth: str | Path, *, mode: str = "low") -> LanguageReport:
    import time

    from newsingest.enrich.language import detect_language

    rows = list(_read_jsonl(ground_truth))
    start = time.perf_counter()
    errors = []
    correct = 0
    for row in rows:
        got = detect_language(row["body"], mode=mode).code
        if got == row["language"]:
            correct += 1
        else:
            errors.append((row.get("id", "?"), row["language"], got))
    return LanguageReport(len(rows), correct, errors, time.perf_counter() - start)


# -- topics -------------------------------------------------------------------------------------


@dataclass
class TopicReport:
    total: int
    accuracy: float
    macro_f1: float
    per_class: dict[str, PRF]
    confusion: Counter


def evaluate_topics(
    rows: Iterable[dict], *, scheme: str = "iptc", text_field: str = "text", label_field: str = "label"
) -> TopicReport:
    """Top-label accuracy and macro-F1; ``scheme`` maps IPTC scores to 'bbc', 'agnews' or raw 'iptc' codes."""
    from newsingest.enrich.topics import TopicClassifier, top_label

    clf = TopicClassifier()
    per: dict[str, PRF] = defaultdict(PRF)
    confusion: Counter = Counter()
    total = correct = 0
    for row in rows:
        gold = row[label_field]
        golds = set(gold) if isinstance(gold, list) else {gold}
        scores = clf.scores(row.get("title") or "", row[text_field])
        pred = top_label(scores, scheme)
        total += 1
        hit = pred in golds
        correct += hit
        main = pred if hit else sorted(golds)[0]
        confusion[(main, pred)] += 1
        if hit:
            per[pred].tp += 1
        else:
            per[pred].fp += 1
            per[main].fn += 1
    macro = sum(p.f1 for p in per.values()) / len(per) if per else 0.0
    return TopicReport(total, correct / total if total else 0.0, macro, dict(per), confusion)


def _read_jsonl(path: str | Path) -> Iterator[dict]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"JSONL file not found: {path}")
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise ValueError(f"{path}:{lineno}: invalid JSON: {exc}") from exc
