"""Facet figures of real pages before and after the entity registry (post-load consolidation).

Usage (a node must answer at NEWSINGEST_OPENSEARCH_URL):
    .venv/bin/python scripts/eval_entity_facets.py /work/shared/corpora/fundus-en \
        /work/shared/corpora/article-extraction-benchmark [--keep] [--batches=N]
    .venv/bin/python scripts/eval_entity_facets.py --sample-site

``--sample-site`` takes the bundled sample site's English articles instead (title, subtitle and the
paragraphs a reader gets, what the quickstart ingests) and also prints, against the entities each article
of ``articles.yaml`` names, every facet value filed under another entity type than the catalogue's (a
wrong type on the quickstart's first screen).

Enriches the ground-truth title and body of each corpus (Fundus-style ground-truth.jsonl, or a
ground-truth.json of {id: {articleBody, title?}}), loads them into a throw-away alias, prints the person
fragment share and the share of names filed under two types, consolidates (entity registry) and prints the
figures again, with the top values of each entity facet. ``--batches=N`` consolidates the articles in N
successive slices, as N nightly runs would (the result should not depend on N). Reads the corpora in
place; copies nothing.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

FACETS = ("persons", "organisations", "locations")


def articles(paths: list[str]):
    from newsingest.models import CleanedArticle

    out = []
    for path in paths:
        p = Path(path)
        if (p / "ground-truth.jsonl").is_file():
            rows = [json.loads(line) for line in (p / "ground-truth.jsonl").open() if line.strip()]
            items = [(r["url"], r.get("title"), r.get("body") or "") for r in rows]
        else:
            data = json.loads((p / "ground-truth.json").read_text())
            items = [
                (f"https://{p.name}.invalid/{k}", v.get("title"), v.get("articleBody") or "")
                for k, v in data.items()
            ]
        out += [CleanedArticle(url=u, canonical_url=u, title=t, body=b) for u, t, b in items if b.strip()]
    return out


def sample_site_articles():
    """The sample site's English articles as the quickstart ingests them, and their catalogue entries."""
    from newsingest.models import CleanedArticle
    from newsingest.sample_site.catalog import load_catalog

    out = []
    for a in load_catalog():
        if a.language != "en" or not a.visible_paragraphs:
            continue
        url = f"https://sample-site.invalid{a.path}"
        body = "\n\n".join([*([a.subtitle] if a.subtitle else []), *a.visible_paragraphs])
        art = CleanedArticle(url=url, canonical_url=url, title=a.title, body=body, section=a.section,
                             tags=list(a.tags))  # fmt: skip
        out.append((art, a))
    return out


def wrong_types(client, alias: str, catalogue: dict) -> list[tuple[str, str, str]]:
    """(article id, facet, value) for each facet value the catalogue files under another entity type."""
    from opensearchpy.helpers import scan

    wrong = []
    for hit in scan(client, index=alias, query={"_source": ["url", *FACETS]}):
        entry = catalogue.get(hit["_source"]["url"])
        if entry is None:
            continue
        gold = {f: set(getattr(entry, f)) for f in FACETS}
        for f in FACETS:
            for value in hit["_source"].get(f) or []:
                if value not in gold[f] and any(value in gold[g] for g in FACETS if g != f):
                    wrong.append((entry.id, f, value))
    return sorted(wrong)


def figures(client, alias: str, top: int = 30) -> dict:
    from opensearchpy.helpers import scan

    client.indices.refresh(index=alias)
    counts = {f: Counter() for f in FACETS}
    for hit in scan(client, index=alias, query={"_source": list(FACETS)}):
        for f in FACETS:
            counts[f].update(set(hit["_source"].get(f) or []))
    persons = set(counts["persons"])
    edges = set()
    for p in persons:
        words = p.split()
        if len(words) >= 2:
            edges.update((words[0], words[-1]))
    fragments = sorted(p for p in persons if len(p.split()) == 1 and p in edges)
    types = defaultdict(set)
    for f in FACETS:
        for value in counts[f]:
            types[value.casefold()].add(f)
    two = sorted(v for v, t in types.items() if len(t) > 1)
    return {
        "persons": len(persons),
        "fragments": fragments,
        "fragment_share": len(fragments) / max(1, len(persons)),
        "names": len(types),
        "two_types": two,
        "two_type_share": len(two) / max(1, len(types)),
        "top": {f: sorted(counts[f].items(), key=lambda kv: (-kv[1], kv[0]))[:top] for f in FACETS},
    }


def show(label: str, fig: dict, *, top: bool) -> None:
    print(f"== {label}")
    print(
        f"persons {fig['persons']}, one-token fragments {len(fig['fragments'])} "
        f"({100 * fig['fragment_share']:.2f} %): {fig['fragments'][:20]}"
    )
    print(
        f"names {fig['names']}, under two types {len(fig['two_types'])} "
        f"({100 * fig['two_type_share']:.2f} %): {fig['two_types'][:20]}"
    )
    if top:
        for f, values in fig["top"].items():
            print(f"top {f}: " + ", ".join(f"{v} ({n})" for v, n in values))


def main(argv: list[str]) -> int:
    from newsingest.config import load_settings
    from newsingest.consolidate import consolidate
    from newsingest.enrich.pipeline import Enricher
    from newsingest.load.bulk import load_articles
    from newsingest.load.client import make_client
    from newsingest.load.entity_evidence import evidence_index
    from newsingest.load.entity_registry import registry_index
    from newsingest.load.index import drop_alias_and_indices, ensure_index

    keep = "--keep" in argv
    batches = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--batches=")), 1)
    paths = [a for a in argv if not a.startswith("--")]
    catalogue = {}
    if "--sample-site" in argv:
        pairs = sample_site_articles()
        docs = [art for art, _ in pairs]
        catalogue = {art.url: entry for art, entry in pairs}
        paths = ["the sample site"]
    else:
        docs = articles(paths)
    enriched = Enricher().enrich(docs)
    enriched = [a for a in enriched if a.ner_skipped_reason is None]
    client = make_client(load_settings().opensearch_url)
    alias = f"eval_facets_{uuid.uuid4().hex[:8]}"
    ensure_index(client, alias)
    try:
        load_articles(
            client, alias, enriched, dead_letter_path=None, crawled_at=datetime.now(UTC), refresh=True
        )
        print(f"{len(enriched)} English articles from {', '.join(paths)}")
        show("per article (enrichment only)", figures(client, alias), top=False)
        ids = [a.doc_id for a in enriched]
        for i in range(batches):  # like nightly runs: each consolidates its own documents
            summary = consolidate(client, alias, ids[i::batches])
            print("consolidate:", summary)
        show("after the entity registry", figures(client, alias), top=True)
        if catalogue:
            wrong = wrong_types(client, alias, catalogue)
            print(f"facet values the catalogue files under another type: {len(wrong)}")
            for article_id, facet, value in wrong:
                print(f"  {article_id}: {value} in {facet}")
    finally:
        if not keep:
            client.indices.delete(index=registry_index(alias), ignore_unavailable=True)
            client.indices.delete(index=evidence_index(registry_index(alias)), ignore_unavailable=True)
            drop_alias_and_indices(client, alias)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
