"""`newsingest search`: search the article index from the shell; `newsingest rank-eval`: measure relevance."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

    from newsingest.load.search import SearchResult

_EM = re.compile(r"</?em>")
_SPACE = re.compile(r"\s+")


MAX_QUERY_CHARS = 4000  # longer text is a document, not a query (long queries are trimmed to a clause budget)
MAX_RESULT_WINDOW = 10_000  # OpenSearch's index.max_result_window: hits past it cannot be paged to
_TIME_UNIT = re.compile(r"^\d+(\.\d+)?(ms|s|m|h|d)$")


def _connection_options(func):
    """--url/--index/credentials, shared by the commands here (credentials only from the environment)."""
    func = click.option(
        "--index",
        "alias",
        envvar="NEWSINGEST_INDEX",
        show_envvar=True,
        default="news",
        show_default=True,
        help="Read alias.",
    )(func)
    func = click.option(
        "--url",
        envvar="NEWSINGEST_OPENSEARCH_URL",
        show_envvar=True,
        default="http://127.0.0.1:9200",
        show_default=True,
        help="OpenSearch URL (user/password from NEWSINGEST_OPENSEARCH_USERNAME/_PASSWORD; "
        "NEWSINGEST_OPENSEARCH_AUTH=sigv4 signs with AWS credentials instead).",
    )(func)
    return func


def _time_unit(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not _TIME_UNIT.match(value):
        raise click.BadParameter(f"{value!r} is not a duration like 12h, 7d or 30m (units ms, s, m, h, d)")
    return value


def _missing_alias(exc: Exception) -> bool:
    """True when OpenSearch says the index or alias does not exist (not a 404 from some other server)."""
    info = getattr(exc, "info", None)
    error = info.get("error") if isinstance(info, dict) else None
    return isinstance(error, dict) and error.get("type") == "index_not_found_exception"


def _client(url: str) -> OpenSearch:
    from newsingest.cli import settings
    from newsingest.cli.errors import note_service
    from newsingest.load.client import make_client

    note_service("opensearch", url)
    try:
        return make_client(url, max_retries=1, **settings().index.client_options())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def _snippet(text: str) -> str:
    """Highlight markers become bold (click drops the styling when not writing to a terminal)."""
    parts = _EM.split(_SPACE.sub(" ", text).strip())
    return "".join(click.style(p, bold=True) if i % 2 else p for i, p in enumerate(parts))


def print_result(result: SearchResult, *, color: bool | None = None) -> None:
    """Plain-text rendering of a :class:`SearchResult` (used by `search` and `demo`)."""
    what = f"for {result.query!r}" if result.query else "(newest first)"
    total = f"{result.total}{'' if result.total_exact else '+'}"
    stories = f"{result.stories} stor{'y' if result.stories == 1 else 'ies'}"
    click.echo(f"{total} articles in {stories} {what} ({result.took_ms} ms)")
    for n, hit in enumerate(result.hits, 1):
        extra = f"  [+{hit.copies - 1} more cop{'y' if hit.copies == 2 else 'ies'}]" if hit.copies > 1 else ""
        click.echo()
        click.secho(f"{n:2d}. {hit.title or '(untitled)'}", bold=True, color=color, nl=False)
        click.echo(extra)
        meta = " · ".join(x for x in (hit.source, (hit.published or "")[:10], hit.language) if x)
        click.echo(f"    {meta}")
        click.echo(f"    {hit.url}")
        fragments = (
            hit.highlights.get("body") or hit.highlights.get("lead") or ([hit.lead] if hit.lead else [])
        )
        for fragment in [f for f in fragments if f][:2]:
            click.echo(f"    … {_snippet(fragment)} …", color=color)
        for copy in hit.other_copies[:3]:
            click.echo(f"      also: {copy.get('source')}: {copy.get('title')}")
    if any(result.facets.values()):
        click.echo()
        click.secho("Facets", bold=True, color=color)
        for name, values in result.facets.items():
            if values:
                click.echo(f"  {name}: " + ", ".join(f"{v.value} ({v.count})" for v in values))


@click.command("search")
@click.argument("query", required=False, default="")
@click.option("--person", "persons", multiple=True, help="Only articles naming this person (repeatable).")
@click.option("--org", "organisations", multiple=True, help="Organisation filter (repeatable).")
@click.option("--location", "locations", multiple=True, help="Place filter (repeatable).")
@click.option("--country", "countries", multiple=True, help="ISO country code, e.g. GB (repeatable).")
@click.option("--topic", "topics", multiple=True, help="IPTC topic label or code (repeatable).")
@click.option("--source", "sources", multiple=True, help="Source name from the sources file (repeatable).")
@click.option("--language", "languages", multiple=True, help="Language code, e.g. en (repeatable).")
@click.option("--since", help="Published on/after (YYYY-MM-DD or ISO timestamp).")
@click.option("--until", help="Published before (exclusive).")
@click.option("--recency", is_flag=True, help="Favour recent articles (Gaussian decay on published).")
@click.option(
    "--recency-scale",
    default="7d",
    show_default=True,
    callback=_time_unit,
    help="Age at which the boost halves.",
)
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option(
    "-n", "--size", type=click.IntRange(0, 1000), default=10, show_default=True, help="Hits to show."
)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--facets", "facet_size", type=click.IntRange(0, 1000), default=5, show_default=True,
              help="Top values per facet (0: none).")  # fmt: skip
@click.option("--no-collapse", is_flag=True, help="Show every copy of a story.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@_connection_options
def search_command(
    query: str,
    url: str,
    alias: str,
    page: int,
    no_collapse: bool,
    as_json: bool,
    **options: Any,
) -> None:
    """Search the article index (relevance ranked, one hit per story, with facets)."""
    from opensearchpy.exceptions import NotFoundError

    from newsingest.load.search import search

    if len(query) > MAX_QUERY_CHARS:
        raise click.BadParameter(
            f"{len(query):,} characters; a query has at most {MAX_QUERY_CHARS:,}", param_hint="QUERY"
        )
    reach = page * options["size"]
    if reach > MAX_RESULT_WINDOW:
        raise click.BadParameter(
            f"{page} with --size {options['size']} reaches hit {reach:,}; OpenSearch pages through the first "
            f"{MAX_RESULT_WINDOW:,} hits only: narrow the search with filters (--since, --source, ...)",
            param_hint="--page",
        )
    client = _client(url)
    try:
        result = search(
            client,
            alias,
            query,
            offset=(page - 1) * options["size"],
            collapse=not no_collapse,
            **options,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    except NotFoundError as exc:
        if not _missing_alias(exc):
            raise
        raise click.ClickException(
            f"index alias {alias!r} does not exist at {url}; load articles first (newsingest demo or the DAG)"
        ) from exc
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print_result(result)


def print_rank_eval(ours: Any, baseline: Any | None) -> None:
    """Ours beside the baseline, per query (worst of ours first), then no-match queries and gaps."""
    line = f"{ours.metric} (recall-aware): newsingest search {ours.score:.4f}"
    if baseline is not None:
        ratio = f"{ours.score / baseline.score:.3f}" if baseline.score else "-"
        line += f"   plain BM25 multi_match(title^2, lead, body) {baseline.score:.4f}   ratio {ratio}"
    click.echo(f"{line}   over {len(ours.per_query)} queries")
    for qid, score in sorted(ours.per_query.items(), key=lambda kv: kv[1]):
        other = f"  baseline {baseline.per_query[qid]:.3f}" if baseline is not None else ""
        unrated = len(ours.unrated_hits.get(qid, []))
        note = f"  ({unrated} unrated in top {ours.k})" if unrated else ""
        click.echo(f"  {score:.3f}{other}  {qid}{note}")
    for qid, hits in ours.no_match_hits.items():
        other = f", baseline {baseline.no_match_hits[qid]}" if baseline is not None else ""
        click.echo(f"  should match nothing: {qid}: {hits} hits{other}")
    if ours.skipped_queries:
        click.echo(f"skipped (no relevant document indexed): {', '.join(ours.skipped_queries)}")
    if ours.missing:
        click.echo(f"rated documents not in the index: {len(ours.missing)}")


@click.command("rank-eval")
@click.argument("judgements", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--k", type=click.IntRange(min=1), default=None, help="Cut-off (default: the file's k, else 10)."
)
@click.option("--no-baseline", is_flag=True, help="Skip the plain BM25 baseline.")
@click.option("--json", "as_json", is_flag=True)
@_connection_options
def rank_eval_command(
    judgements: str, k: int | None, no_baseline: bool, as_json: bool, url: str, alias: str
) -> None:
    """Recall-aware nDCG@k of `newsingest search` over a judgements file, beside plain BM25."""
    from opensearchpy.exceptions import NotFoundError

    from newsingest.load.rank_eval import JudgementsError, baseline_query, load_judgements, run_rank_eval

    client = _client(url)
    try:
        judged = load_judgements(judgements)
        ours = run_rank_eval(client, alias, judged, k=k)
        baseline = None
        if not no_baseline:
            baseline = run_rank_eval(client, alias, judged, k=k, query_builder=baseline_query)
    except JudgementsError as exc:
        raise click.BadParameter(str(exc), param_hint="JUDGEMENTS") from exc
    except NotFoundError as exc:
        if not _missing_alias(exc):
            raise
        raise click.ClickException(f"index alias {alias!r} does not exist at {url}") from exc
    if as_json:
        out = {"newsingest": ours.__dict__, **({"baseline": baseline.__dict__} if baseline else {})}
        click.echo(json.dumps(out, indent=2))
        return
    print_rank_eval(ours, baseline)


commands: list[click.Command] = [search_command, rank_eval_command]
