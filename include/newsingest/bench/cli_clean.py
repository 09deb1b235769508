"""`newsingest bench clean CORPUS...`: our cleaner vs trafilatura, side by side, same run."""

from __future__ import annotations

import json
import sys

import click


@click.command("clean")
@click.argument("corpora", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--limit", type=int, default=None, help="Use only the first N pages of each corpus.")
@click.option("--no-anchor", is_flag=True, help="Skip trafilatura (ours only).")
@click.option(
    "--per-page",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write per-page scores (JSON Lines) to this file.",
)
def clean(corpora: tuple[str, ...], limit: int | None, no_anchor: bool, per_page: str | None) -> None:
    """Benchmark the cleaner on labelled CORPORA against trafilatura (default settings).

    Prints body precision/recall/F1 (article-extraction-benchmark shingle metric), exact-token accuracy,
    title exact match, authors set F1, published correct to the day, pages dropped or left empty, pages
    with body F1 < 0.5 and pages/s (extraction only, one process; the two extractors take turns page by
    page so load falls on both alike). Ours runs as the pipeline does: a page it drops scores as empty.
    On Fundus-style corpora the body is compared as subtitle + body.
    """
    from newsingest.bench.clean_evaluate import (
        evaluate_side_by_side,
        iter_metrics,
        load_corpus,
        make_trafilatura,
        ours,
    )

    anchor = None
    if not no_anchor:
        try:
            anchor = make_trafilatura()
        except ImportError:
            raise click.ClickException(
                "trafilatura is not installed; install the bench extras: "
                "VIRTUAL_ENV=.venv uv pip install --require-hashes -r requirements-bench.lock"
            ) from None
    rows_out = open(per_page, "w", encoding="utf-8") if per_page else None  # noqa: SIM115
    try:
        for corpus in corpora:
            try:
                kind, pages = load_corpus(corpus)
            except ValueError as exc:
                raise click.ClickException(str(exc)) from None
            if limit:
                pages = pages[:limit]
            # Warm imports and lazy caches so neither side pays start-up inside the timing.
            if pages:
                ours(pages[0].html, pages[0].url)
                if anchor:
                    anchor(pages[0].html, pages[0].url)
            runners = {"newsingest": ours, **({"trafilatura": anchor} if anchor else {})}
            results = evaluate_side_by_side(kind, pages, runners)
            mine, theirs = results[0], (results[1] if anchor else None)
            click.echo(f"\n{corpus}  ({kind}, {len(pages)} pages)")
            header = f"{'metric':<22}{'newsingest':>12}"
            if theirs:
                header += f"{'trafilatura':>13}{'ratio':>8}"
            click.echo(header)
            theirs_metrics = dict(iter_metrics(theirs)) if theirs else {}
            for name, value in iter_metrics(mine):
                if value is None:
                    continue
                fmt = "{:.1f}" if name == "pages/s" else "{:d}" if isinstance(value, int) else "{:.3f}"
                line = f"{name:<22}{fmt.format(value):>12}"
                if theirs:
                    other = theirs_metrics.get(name)
                    ratio = f"{value / other:.2f}" if other else "-"
                    line += f"{fmt.format(other) if other is not None else '-':>13}{ratio:>8}"
                click.echo(line)
            if rows_out:
                for result in (mine, theirs):
                    if result is None:
                        continue
                    for row in result.per_page:
                        rows_out.write(json.dumps({"corpus": corpus, "extractor": result.name, **row}) + "\n")
    finally:
        if rows_out:
            rows_out.close()
    sys.stdout.flush()


commands: list[click.Command] = [clean]
