"""Evaluation of article extraction against labelled corpora (metrics, loaders, runners).

Corpus layouts understood (see each corpus README):
- article-extraction-benchmark: ``ground-truth.json`` ``{id: {articleBody, url}}`` + ``html/<id>.html.gz``;
- Fundus style: ``ground-truth.jsonl`` (``id, file, url, title, authors, published, body``) + ``<file>``.

Body metric (article-extraction-benchmark): ``\\w+`` tokens, multisets of 4-token shingles, per-page
tp/fp/fn normalised by tp+fp+fn; precision averaged over pages with a non-empty prediction, recall
over pages with non-empty truth; F1 of the two means; accuracy = exact token sequence match.
"""

from __future__ import annotations

import gzip
import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsingest.clean.authors import agency_name

_TOKEN = re.compile(r"\w+")


@dataclass
class Page:
    """One labelled page."""

    id: str
    url: str
    html: str
    body: str
    title: str | None = None
    authors: list[str] | None = None  # None = not annotated
    published: str | None = None


@dataclass
class Prediction:
    """What an extractor returned for one page (fields it cannot give stay None)."""

    body: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    agency: list[str] = field(default_factory=list)
    published: datetime | str | None = None
    dropped: str | None = None  # why the pipeline would not index the page (None: indexed)


def load_corpus(path: str | Path) -> tuple[str, list[Page]]:
    """Load a corpus directory; returns (kind, pages) with kind ``aeb`` or ``fundus``.

    Raises ValueError naming the directory when it has neither layout.
    """
    root = Path(path)
    if (root / "ground-truth.json").is_file() and (root / "html").is_dir():
        truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
        pages = []
        for pid in sorted(truth):
            item = truth[pid]
            with gzip.open(root / "html" / f"{pid}.html.gz", "rt", encoding="utf-8") as fh:
                html = fh.read()
            pages.append(
                Page(id=pid, url=item.get("url") or "", html=html, body=item.get("articleBody") or "")
            )
        return "aeb", pages
    if (root / "ground-truth.jsonl").is_file():
        pages = []
        with open(root / "ground-truth.jsonl", encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                gt = json.loads(line)
                with gzip.open(root / gt["file"], "rt", encoding="utf-8") as page_fh:
                    html = page_fh.read()
                pages.append(
                    Page(
                        id=gt["id"],
                        url=gt.get("url") or "",
                        html=html,
                        body=gt.get("body") or "",
                        title=gt.get("title"),
                        authors=gt.get("authors"),
                        published=gt.get("published"),
                    )
                )
        return "fundus", pages
    raise ValueError(
        f"{root}: not a corpus directory (expected ground-truth.json + html/ or ground-truth.jsonl)"
    )


# --------------------------------------------------------------------------- metrics


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(toks: list[str], n: int = 4) -> Counter:
    """Multiset of n-token windows; 1..n-1 tokens give one shingle of all tokens; none gives none."""
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


@dataclass
class BodyScore:
    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int


def body_scores(pairs: list[tuple[str, str]]) -> BodyScore:
    """Score (prediction, truth) body pairs with the article-extraction-benchmark metric."""
    precisions: list[float] = []
    recalls: list[float] = []
    exact = 0
    for pred, truth in pairs:
        pt, tt = tokens(pred), tokens(truth)
        exact += pt == tt
        ps, ts = shingles(pt), shingles(tt)
        tp = sum((ps & ts).values())
        fp = sum(ps.values()) - tp
        fn = sum(ts.values()) - tp
        denom = tp + fp + fn
        if denom == 0:
            if ts or not ps:
                recalls.append(1.0)
            continue
        tpn, fpn, fnn = tp / denom, fp / denom, fn / denom
        if ps:
            precisions.append(tpn / (tpn + fpn))
        if ts:
            recalls.append(tpn / (tpn + fnn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return BodyScore(p, r, f1, exact / len(pairs) if pairs else 0.0, len(pairs))


def _norm_name(name: str) -> str:
    agency = agency_name(name)
    return (agency or " ".join(name.split())).casefold()


def authors_f1(pred: list[str], pred_agency: list[str], truth: list[str]) -> float:
    """Set F1 of author names (case-insensitive; agency spellings unified).

    Agencies we report separately count only when the truth credits an agency: a truth without
    one says nothing about the wire credit.
    """
    t = {_norm_name(x) for x in truth}
    agencies_in_truth = any(agency_name(x) for x in truth)
    p = {_norm_name(x) for x in pred}
    if agencies_in_truth:
        p |= {_norm_name(x) for x in pred_agency}
    else:
        p = {x for x in p if not agency_name(x)}
    if not t and not p:
        return 1.0
    if not t or not p:
        return 0.0
    tp = len(t & p)
    if tp == 0:
        return 0.0
    prec, rec = tp / len(p), tp / len(t)
    return 2 * prec * rec / (prec + rec)


def same_day(pred: datetime | str | None, truth: str | None) -> bool:
    """True when the predicted date falls on the truth's calendar day (each in its own offset)."""
    if not truth or pred is None:
        return False
    truth_day = truth[:10]
    pred_day = pred.date().isoformat() if isinstance(pred, datetime) else str(pred)[:10]
    return pred_day == truth_day


def _visible(text: str) -> str:
    """The text as a reader sees it: whitespace runs as one space, invisible format characters (soft
    hyphen, zero-width space, word joiner: Unicode category Cf) left out."""
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Cf").split())


def title_match(pred: str | None, truth: str | None) -> bool:
    """Exact title match of the visible text (whitespace normalised, invisible format characters out)."""
    if truth is None or pred is None:
        return False
    return _visible(pred) == _visible(truth)


# --------------------------------------------------------------------------- runners


Extractor = Callable[[str, str], Prediction]


def ours(html: str, url: str) -> tuple[Prediction, str | None]:
    """Our extractor as the pipeline runs it: a page ``clean_page`` drops gives an empty prediction
    (nothing is indexed), with the drop reason kept. The subtitle comes back for Fundus-style scoring."""
    from newsingest.clean.extract import extract_with_verdict

    a, dropped = extract_with_verdict(html, url)
    if dropped is not None or a is None:
        return Prediction(dropped=dropped.reason if dropped else "unreadable"), None
    pred = Prediction(
        body=a.body, title=a.title, authors=list(a.authors), agency=list(a.agency), published=a.published
    )
    return pred, a.subtitle


def make_trafilatura() -> Callable[[str, str], tuple[Prediction, str | None]]:
    """trafilatura with default settings (metadata on, to compare titles/authors/dates)."""
    import trafilatura

    def run(html: str, url: str) -> tuple[Prediction, str | None]:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
        if doc is None:
            return Prediction(), None
        fields = doc if isinstance(doc, dict) else doc.as_dict()
        authors = [a.strip() for a in (fields.get("author") or "").split(";") if a.strip()]
        return (
            Prediction(
                body=fields.get("text") or "",
                title=fields.get("title"),
                authors=authors,
                published=fields.get("date"),
            ),
            None,
        )

    return run


@dataclass
class CorpusResult:
    """All metrics of one extractor on one corpus."""

    name: str
    body: BodyScore
    title_exact: float | None
    authors_f1: float | None
    published_day: float | None
    dropped_or_empty: int  # pages dropped, or kept with a body of no words
    low_f1: int  # pages whose body F1 is below 0.5 (dropped and empty pages included)
    pages_per_s: float
    seconds: float
    per_page: list[dict] = field(default_factory=list)


class _Tally:
    """Scores and timing of one extractor, accumulated page by page."""

    def __init__(self, name: str, kind: str) -> None:
        self.name, self.kind = name, kind
        self.pairs: list[tuple[str, str]] = []
        self.titles: list[bool] = []
        self.authors: list[float] = []
        self.dates: list[bool] = []
        self.per_page: list[dict] = []
        self.elapsed = 0.0
        self.dropped_or_empty = 0
        self.low_f1 = 0

    def add(self, page: Page, pred: Prediction, subtitle: str | None, seconds: float) -> None:
        self.elapsed += seconds
        body = pred.body
        if (
            self.kind == "fundus"
            and subtitle
            and not " ".join(body.split()).startswith(" ".join(subtitle.split()))
        ):
            body = f"{subtitle}\n\n{body}"  # Fundus truth starts with the summary/standfirst
        self.pairs.append((body, page.body))
        one = body_scores([(body, page.body)])
        row: dict = {"id": page.id, "body": one.f1, "body_p": one.precision, "body_r": one.recall}
        if pred.dropped:
            row["dropped"] = pred.dropped
        if pred.dropped or not tokens(body):
            self.dropped_or_empty += 1
            row["empty"] = True
        self.low_f1 += one.f1 < 0.5
        if self.kind == "fundus":
            self.titles.append(title_match(pred.title, page.title))
            row["title"] = self.titles[-1]
            if page.authors is not None:
                self.authors.append(authors_f1(pred.authors, pred.agency, page.authors))
                row["authors"] = self.authors[-1]
            if page.published:
                self.dates.append(same_day(pred.published, page.published))
                row["published"] = self.dates[-1]
        self.per_page.append(row)

    def result(self, pages: int) -> CorpusResult:
        return CorpusResult(
            name=self.name,
            body=body_scores(self.pairs),
            title_exact=sum(self.titles) / len(self.titles) if self.titles else None,
            authors_f1=sum(self.authors) / len(self.authors) if self.authors else None,
            published_day=sum(self.dates) / len(self.dates) if self.dates else None,
            dropped_or_empty=self.dropped_or_empty,
            low_f1=self.low_f1,
            pages_per_s=pages / self.elapsed if self.elapsed else 0.0,
            seconds=self.elapsed,
            per_page=self.per_page,
        )


def evaluate_side_by_side(kind: str, pages: list[Page], runners: dict[str, Callable]) -> list[CorpusResult]:
    """Run several extractors over a corpus, page by page, and score each.

    Only the extractor call is timed. The extractors take turns on every page, and who goes first
    alternates, so machine load and warm caches fall on all of them alike.
    """
    tallies = {name: _Tally(name, kind) for name in runners}
    order = list(runners)
    for i, page in enumerate(pages):
        turn = order if i % 2 == 0 else order[::-1]
        for name in turn:
            t0 = time.perf_counter()
            pred, subtitle = runners[name](page.html, page.url)
            seconds = time.perf_counter() - t0
            tallies[name].add(page, pred, subtitle, seconds)
    return [tallies[name].result(len(pages)) for name in order]


def evaluate(kind: str, pages: list[Page], name: str, run: Callable) -> CorpusResult:
    """Run one extractor over a corpus and score it; only the extractor call is timed."""
    return evaluate_side_by_side(kind, pages, {name: run})[0]


def iter_metrics(result: CorpusResult) -> Iterator[tuple[str, float | int | None]]:
    """(metric name, value) pairs in display order (counts are ints)."""
    yield "body precision", result.body.precision
    yield "body recall", result.body.recall
    yield "body F1", result.body.f1
    yield "exact-token accuracy", result.body.accuracy
    yield "title exact", result.title_exact
    yield "authors F1", result.authors_f1
    yield "published day", result.published_day
    yield "dropped or empty", result.dropped_or_empty
    yield "F1 < 0.5", result.low_f1
    yield "pages/s", result.pages_per_s
