"""Which of a page's title sources matches a labelled corpus's title, and where sources disagree.

Usage: .venv/bin/python scripts/eval_title_sources.py CORPUS [CORPUS ...]

CORPUS is a Fundus-style directory (``ground-truth.jsonl`` with a ``title`` per page). For each corpus it
prints how often each source (og:title, JSON-LD headline, other meta, microdata, <h1>, <title>) equals the
labelled title exactly, how often the cleaner's choice does, and, on pages where og:title and the JSON-LD
headline are both present and differ, which one the label follows and whether the <h1> sides with it.
This is the measurement behind the title order in ``newsingest.clean.fields.titles``.
"""

from __future__ import annotations

import sys
from collections import Counter

from bs4 import BeautifulSoup
from newsingest.bench.clean_evaluate import load_corpus, title_match
from newsingest.clean.extract import extract
from newsingest.clean.fields.titles import title_candidates
from newsingest.clean.metadata import read_metadata
from newsingest.clean.text import prestrip
from newsingest.web.charset import decode_html


def _source_name(prov: str, index: int, candidates: list[tuple[str, str, bool]]) -> str:
    if prov != "dom":
        return prov
    return "h1" if not candidates[index][2] else "title-tag"


def evaluate(path: str) -> None:
    kind, pages = load_corpus(path)
    labelled = [p for p in pages if p.title]
    per_source: Counter[str] = Counter()
    present: Counter[str] = Counter()
    chosen_ok = 0
    disagree: Counter[str] = Counter()
    for page in labelled:
        prepared = prestrip(decode_html(page.html))
        soup = BeautifulSoup(prepared.html, "lxml", multi_valued_attributes=None)
        meta = read_metadata(soup, prepared.ld_json)
        candidates = title_candidates(meta, soup, page.url)
        by_source: dict[str, str] = {}
        for i, (value, prov, _) in enumerate(candidates):
            by_source.setdefault(_source_name(prov, i, candidates), value)
        for source, value in by_source.items():
            present[source] += 1
            per_source[source] += title_match(value, page.title)
        chosen = extract(page.html, page.url).title
        chosen_ok += title_match(chosen, page.title)
        og, ld, h1 = by_source.get("opengraph"), by_source.get("json-ld"), by_source.get("h1")
        if og and ld and not title_match(og, ld):
            label = "neither"
            if title_match(og, page.title) or title_match(ld, page.title):
                label = "og" if title_match(og, page.title) else "ld"
            side = "h1=other"
            if h1 and (title_match(h1, og) or title_match(h1, ld)):
                side = "h1=og" if title_match(h1, og) else "h1=ld"
            disagree[f"label={label} {side}"] += 1
            disagree["total"] += 1
    n = len(labelled)
    print(f"\n{path}  ({kind}, {n} pages with a title)")
    print(f"  cleaner's choice exact: {chosen_ok}/{n} = {chosen_ok / max(n, 1):.3f}")
    for source in ("opengraph", "json-ld", "meta", "microdata", "h1", "title-tag", "feed"):
        if present[source]:
            print(f"  {source:<10} present {present[source]:>4}  exact {per_source[source]:>4}")
    print(f"  og:title and JSON-LD headline differ on {disagree['total']} pages:")
    for key, count in sorted(disagree.items()):
        if key != "total":
            print(f"    {key:<26} {count}")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    for path in argv:
        evaluate(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
