"""`newsingest bench realsites CORPUS...`: real pages as publishers' sites, one news_ingest run, scored."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import click


def _yesterday() -> str:
    return (datetime.now(UTC).date() - timedelta(days=1)).isoformat()


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@click.command("realsites")
@click.argument("corpora", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Pages per corpus.")
@click.option(
    "--day", default=_yesterday, show_default="yesterday (UTC)", help="The day feeds and sitemaps give."
)
@click.option(
    "--alias", default="bench-realsites", show_default=True, help="Index alias of this run (dropped first)."
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="Port of the loopback sites (0: any free)."
)
@click.option(
    "--judgements",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Judged queries (ratings by the pages' original URLs): nDCG@k of search beside plain BM25.",
)
def realsites(
    corpora: tuple[str, ...], limit: int, day: str, alias: str, port: int, judgements: str | None
) -> None:
    """Serve the first LIMIT pages of each labelled CORPUS as publishers' sites on loopback (RSS feed and
    sitemap per site, every item dated DAY), run news_ingest for DAY into its own ALIAS with dag.test(), then
    print per-field quality against the ground truth (body F1, title, date, authors), the pages dropped and
    why, facet figures (person fragments, names under two types, top 15 values) and, with --judgements,
    recall-aware nDCG@k of `newsingest search` beside a plain BM25 multi_match in the same run.
    """
    from newsingest.bench.realsites import (
        SitesServer,
        build_sites,
        dropped_pages,
        facet_figures,
        field_quality,
        indexed_documents,
        same_url,
        write_sources,
    )
    from newsingest.config import load_settings
    from newsingest.load.client import make_client
    from newsingest.load.entity_evidence import evidence_index
    from newsingest.load.entity_registry import registry_index
    from newsingest.load.index import check_alias, drop_alias_and_indices
    from newsingest.services.airflow import migrate
    from newsingest.services.dagtest import run_days
    from newsingest.services.opensearch import OpenSearchNode

    try:
        run_day = date.fromisoformat(day)
        check_alias(alias)
        sites = build_sites(corpora, run_day, limit=limit)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    served_pages = [p for s in sites for p in s.pages]
    base = load_settings()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    workdir = base.home / "bench" / "realsites" / stamp
    click.echo(
        f"{len(served_pages)} pages from {len(corpora)} corpora as {len(sites)} sites, dated {run_day}; "
        f"alias {alias!r}; run files in {workdir}"
    )
    OpenSearchNode(base).start()
    client = make_client(base.opensearch_url)
    drop_alias_and_indices(client, alias)
    # The entity registry and its evidence too: pages are served on a new port each run (new doc ids),
    # so a previous run's evidence would otherwise add to this run's.
    for index in (registry_index(alias), evidence_index(registry_index(alias))):
        client.indices.delete(index=index, ignore_unavailable=True)
    with SitesServer(sites, port=port) as server:
        settings = dataclasses.replace(
            base,
            storage_root=str(workdir / "storage"),
            sources_file=write_sources(sites, server.base_url, workdir / "sources.yaml"),
            index_alias=alias,
        )
        migrate(settings)
        log_file = workdir / "news_ingest.log"
        click.echo(f"news_ingest for {run_day} (dag.test; Airflow's log: {log_file}) ...")
        started = time.monotonic()
        (run,) = run_days(settings, [run_day], log_file)
        click.echo(f"run {run.run_id}: {run.state} in {time.monotonic() - started:.0f}s")
        gate = [
            line for line in log_file.read_text(errors="replace").splitlines() if "QualityGateError:" in line
        ]
        if gate:  # expected: real pages carry their own (older) dates, not the day the feeds give
            click.echo("  " + gate[-1].split("QualityGateError:", 1)[1].strip()[:400])
        by_url = {same_url(server.url(p)): p for p in served_pages}
        original_to_served = {p.page.url: server.url(p) for p in served_pages if p.page.url}
    logging.getLogger("opensearch").setLevel(logging.WARNING)
    client.indices.refresh(index=alias)
    docs = indexed_documents(client, alias)
    indexed = {same_url(d.get("url")) for d in docs}

    click.secho("\nPer-field quality against the ground truth (indexed pages)", bold=True)
    header = ("corpus", "served", "indexed", "body F1", "P", "R", "title", "date", "authors")
    widths = (30, 7, 8, 9, 7, 7, 7, 7, 8)
    click.echo(f"{header[0]:<30}" + "".join(f"{h:>{w}}" for h, w in zip(header[1:], widths[1:], strict=True)))
    for corpus in dict.fromkeys(p.corpus for p in served_pages):
        pages = {u: p for u, p in by_url.items() if p.corpus == corpus}
        q = field_quality(pages, docs)
        click.echo(
            f"{corpus:<30}{len(pages):>7}{q.pages:>8}{q.body_f1:>9.3f}{q.body_precision:>7.3f}"
            f"{q.body_recall:>7.3f}{_fmt(q.title_exact):>7}{_fmt(q.published_day):>7}{_fmt(q.authors_f1):>8}"
        )

    click.secho("\nPages not indexed, and why", bold=True)
    drops = list(dropped_pages(settings.storage_root, run.run_id))
    reasons = Counter(d.get("reason") for d in drops)
    accounted = {same_url(d.get("url")) for d in drops}
    silent = [u for u in by_url if u not in indexed and u not in accounted]
    for reason, count in reasons.most_common():
        click.echo(f"  {count:4d}  {reason}")
        for d in [d for d in drops if d.get("reason") == reason][:3]:
            page = by_url.get(same_url(d.get("url")))
            click.echo(f"          e.g. {page.key if page else d.get('url')}: {(d.get('detail') or '')[:90]}")
    if silent:
        click.echo(f"  {len(silent):4d}  never reached clean (not discovered/fetched, or lost after): "
                   + ", ".join(by_url[u].key for u in silent[:5]))  # fmt: skip
    if not reasons and not silent:
        click.echo("  none")

    figures = facet_figures(docs)
    click.secho("\nFacets", bold=True)
    click.echo(
        f"  one-token persons that are the first/last token of another person: "
        f"{len(figures.one_token_fragments)}/{figures.distinct_persons} = {figures.fragment_share:.1%}"
        + (f"  ({', '.join(figures.one_token_fragments[:12])})" if figures.one_token_fragments else "")
    )
    click.echo(
        f"  names filed under two types (person/organisation/location): "
        f"{len(figures.names_under_two_types)}/{figures.distinct_names} = {figures.two_type_share:.1%}"
        + (f"  ({', '.join(figures.names_under_two_types[:12])})" if figures.names_under_two_types else "")
    )
    for name, values in figures.top.items():
        click.echo(f"  top {name}: " + ", ".join(f"{v} ({c})" for v, c in values))

    if judgements:
        from newsingest.cli.search import print_rank_eval
        from newsingest.load.rank_eval import baseline_query, load_judgements, retarget_urls, run_rank_eval

        judged = retarget_urls(load_judgements(judgements), original_to_served)
        click.secho(f"\nRanking on {judgements}", bold=True)
        ours = run_rank_eval(client, alias, judged)
        plain = run_rank_eval(client, alias, judged, query_builder=baseline_query)
        print_rank_eval(ours, plain)
    click.echo(f'\nsearch it: NEWSINGEST_INDEX={alias} newsingest search "…"')


commands: list[click.Command] = [realsites]
