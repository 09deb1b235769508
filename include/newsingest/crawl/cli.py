"""`newsingest crawl ...`: the crawl stage by hand (check sources, discover, fetch, inspect a WARC).

Exposes ``commands`` like the modules in ``newsingest.cli``; the same functions the DAG runs.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click


def note(message: str) -> None:
    """An informational line on stderr (``newsingest -q`` silences it)."""
    from newsingest.cli import note as cli_note

    cli_note(message)


def _settings():
    from newsingest.cli import settings

    return settings()


def _load(path: str | None):
    from newsingest.sources import SourcesError, load_sources

    file = Path(path) if path else _settings().sources_file
    try:
        return file, load_sources(file)
    except SourcesError as exc:
        raise click.ClickException(str(exc)) from exc


def _pick(path: str | None, name: str):
    file, sources = _load(path)
    for source in sources:
        if source.name == name:
            return source
    raise click.ClickException(f"{file}: no source named {name!r}; have {', '.join(s.name for s in sources)}")


def _when(value: str, option: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO date or datetime: {value!r}", param_hint=option) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_sources_option = click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False),
    envvar="NEWSINGEST_SOURCES",
    show_envvar=True,
    default=None,
    help="Sources file (default: include/sources/sample.yaml).",
)


@click.group("crawl")
def crawl() -> None:
    """Crawl stage: sources file, discovery, polite fetching, WARC archives."""


@crawl.command("check-sources")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the sources as one JSON object.")
def check_sources(path: str | None, as_json: bool) -> None:
    """Validate a sources file and list its sources (exit 1 naming file, source and field on error)."""
    file, sources = _load(path)
    if as_json:
        data = {"file": str(file), "sources": [s.model_dump(mode="json") for s in sources]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{file}: {len(sources)} sources")
    for s in sources:
        channels = f"{len(s.feeds)} feeds, {len(s.sitemaps)} sitemaps, {len(s.sections)} sections"
        state = "enabled" if s.enabled else "disabled"
        click.echo(f"  {s.name:24s} {state:8s} {s.rate_limit:g} req/s  {channels}  {s.homepage}")


@crawl.command("discover")
@click.argument("source")
@_sources_option
@click.option(
    "--start", default=None, help="Window start (ISO date/datetime, UTC if no zone). Default: yesterday."
)
@click.option("--end", default=None, help="Window end, exclusive. Default: start + 1 day.")
@click.option("--no-undated", is_flag=True, help="Drop undated items instead of handing them out once.")
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True), default=None, help="Write URLs as JSONL."
)
def discover_cmd(
    source: str,
    sources_path: str | None,
    start: str | None,
    end: str | None,
    no_undated: bool,
    out: str | None,
) -> None:
    """Discover SOURCE's article URLs published in [start, end) and report every feed/sitemap/section."""
    from newsingest.crawl.discover import discover_report

    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    begin = _when(start, "--start") if start else today - timedelta(days=1)
    finish = _when(end, "--end") if end else begin + timedelta(days=1)
    if finish <= begin:
        raise click.BadParameter("must be after --start", param_hint="--end")
    report = discover_report(
        _pick(sources_path, source), begin, finish, settings=_settings(), keep_undated=not no_undated
    )
    for doc in report.documents:
        status = "304" if doc.not_modified else str(doc.status or "-")
        problem = f"  {doc.error_class}: {doc.error}" if doc.error_class else ""
        note(f"  {doc.channel:8s} {status:>4s} {doc.items:6d} items  {doc.url}{problem}")
    note(
        f"{source}: {len(report.urls)} URLs in [{begin.isoformat()}, {finish.isoformat()}); dropped "
        f"{report.dropped_out_of_window} out of window, {report.dropped_seen_undated} undated seen before, "
        f"{report.dropped_undated} undated; {report.skipped_sitemaps} sitemaps skipped by lastmod"
    )
    lines = (json.dumps(u.to_json(), ensure_ascii=False) for u in report.urls)
    if out:
        Path(out).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    else:
        for line in lines:
            sys.stdout.write(line + "\n")


@crawl.command("fetch")
@click.argument("source")
@click.argument("urls", nargs=-1, required=True)
@_sources_option
@click.option("--run-id", default=None, help="Archive under warc/<run-id>/ (default: manual-<timestamp>).")
@click.option("--force", is_flag=True, help="No conditional GET (refetch even if unchanged).")
@click.option("--json", "as_json", is_flag=True, help="Print results and health as one JSON object.")
def fetch_cmd(
    source: str,
    urls: tuple[str, ...],
    sources_path: str | None,
    run_id: str | None,
    force: bool,
    as_json: bool,
) -> None:
    """Fetch URLS as SOURCE would (robots, rate limit, SSRF guard, WARC); print results and health.

    Exits 1 when no URL could be fetched.
    """
    from newsingest.cli.errors import FAILURE, CliError
    from newsingest.crawl.fetch import fetch_urls
    from newsingest.models import DiscoveredURL, FetchSummary
    from newsingest.quality.figures import fetch_figures

    src = _pick(sources_path, source)
    run = run_id or f"manual-{datetime.now(UTC):%Y%m%dT%H%M%S}"
    items = [DiscoveredURL(url=u, source=src.name, channels=["manual"]) for u in urls]
    results = fetch_urls(items, [src], run_id=run, settings=_settings(), force=force)
    summary = FetchSummary.of_results(src.name, results)
    health = [{"source": src.name, **fetch_figures(summary.to_dict())}]
    archive = results[0].warc_path if results and results[0].warc_path else None
    if as_json:
        data = {"results": [r.to_json() for r in results], "health": health, "archive": archive}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for r in results:
            outcome = "304" if r.not_modified else str(r.status or "-")
            detail = f"{r.error_class}: {r.error}" if r.error_class else f"{r.bytes} bytes {r.encoding or ''}"
            click.echo(f"{outcome:>4s} {r.elapsed_ms:8.0f} ms  {r.url}  {detail}")
        for row in health:
            note(json.dumps(row))
        if archive:
            note(f"archive: {archive}")
    failed = [r for r in results if not r.ok]
    if results and len(failed) == len(results):
        raise CliError(f"none of the {len(results)} URLs could be fetched (see the errors above)", FAILURE)
    if failed:
        note(f"{len(failed)} of {len(results)} URLs failed")


@crawl.command("warc")
@click.argument("path")
def warc_cmd(path: str) -> None:
    """List the records of a WARC archive (a path or fsspec URL); damaged records are reported and skipped."""
    from newsingest.crawl.archive import ArchiveProblem, iter_archive

    if "://" not in path and not Path(path).is_file():
        raise click.BadParameter(f"{path}: no such file", param_hint="PATH")

    problems: list[ArchiveProblem] = []
    count = 0
    for record in iter_archive(path, on_problem=problems.append):
        count += 1
        status = str(record.status) if record.status is not None else ""
        click.echo(f"{record.offset:>10d}  {record.rec_type:9s} {status:>4s}  {record.url or ''}")
    for problem in problems:
        click.echo(f"skipped at {problem.offset}: {problem.reason}", err=True)
    note(f"{count} records, {len(problems)} skipped")


commands: list[click.Command] = [crawl]
