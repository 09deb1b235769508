"""`newsingest bench crawl`: our fetch stage vs Scrapy on the sample site's bulk pages, same run."""

from __future__ import annotations

import click


def _sizes(value: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in value.split(",") if v.strip())
    except ValueError as exc:
        raise click.BadParameter(f"expected comma-separated integers, got {value!r}") from exc


@click.command("crawl")
@click.option(
    "--n", "n", type=click.IntRange(1, 50_000), default=2000, show_default=True, help="Pages to fetch."
)
@click.option("--concurrency", type=click.IntRange(1, 256), default=16, show_default=True)
@click.option("--repeats", type=click.IntRange(1, 10), default=2, show_default=True, help="Runs per crawler.")
@click.option(
    "--scaling",
    default="500,1000",
    show_default=True,
    help="Extra N values for the memory-vs-N table (empty to skip).",
)
@click.option("--no-anchor", is_flag=True, help="Skip Scrapy (ours only).")
def crawl(n: int, concurrency: int, repeats: int, scaling: str, no_anchor: bool) -> None:
    """Fetch N bulk pages from the sample site (loopback, politeness relaxed) with our fetcher and with
    Scrapy, each in its own process; print pages/s, peak RSS and client CPU per page side by side, and
    peak RSS at several N to show memory stays flat. Our side includes robots.txt, WARC writing and
    validator state, as in the pipeline; Scrapy only downloads."""
    from newsingest.bench.crawl.runner import BenchError, format_report, run_benchmark

    try:
        report = run_benchmark(
            n,
            concurrency=concurrency,
            repeats=repeats,
            scaling=_sizes(scaling),
            anchor=not no_anchor,
            echo=click.echo,
        )
    except BenchError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(format_report(report))


commands: list[click.Command] = [crawl]
