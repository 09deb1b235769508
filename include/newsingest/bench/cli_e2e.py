"""`newsingest bench e2e`: a generated day of articles through news_ingest under the real scheduler."""

from __future__ import annotations

import click


@click.command("e2e")
@click.option("--articles", default=2000, show_default=True, help="Articles on the generated day.")
@click.option("--day", default="2026-11-10", show_default=True, help="The day (UTC) the articles are dated.")
@click.option("--rerun", is_flag=True, help="Run the same day a second time (enrichment reuse, time).")
@click.option(
    "--processes", type=int, default=None, help="Processes for the raw nlp.pipe limit (default: cores)."
)
@click.option("--keep", is_flag=True, help="Keep the bench's folder and index afterwards.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON only.")
def e2e(articles: int, day: str, rerun: bool, processes: int | None, keep: bool, as_json: bool) -> None:
    """A generated day of N articles through news_ingest under the real scheduler vs raw nlp.pipe.

    Serves the day on loopback, starts a private airflow standalone (LocalExecutor, PostgreSQL), runs the
    day as `newsingest run --day` does, and prints wall time, articles/s, per-stage busy time, throughput
    and peak task memory, the scheduler's overhead, and the limit (raw nlp.pipe over the day's unique
    texts, one process per core) measured in the same run.
    """
    import json
    from datetime import date

    from newsingest.bench.e2e import format_report, run_e2e
    from newsingest.config import load_settings

    if articles < 1:
        raise click.BadParameter("must be at least 1", param_hint="--articles")
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(f"{day!r} is not a date like 2026-11-10", param_hint="--day") from None
    say = (lambda line: click.echo(line, err=True)) if as_json else click.echo
    _stop_cleanly_on_sigterm()
    result = run_e2e(
        load_settings(),
        articles=articles,
        day=when,
        rerun=rerun,
        processes=processes,
        keep=keep,
        progress=say,
    )
    click.echo(json.dumps(result, indent=2) if as_json else format_report(result))


def _stop_cleanly_on_sigterm() -> None:
    """A SIGTERM (``kill``, a CI timeout) unwinds like Ctrl-C, so the private Airflow, PostgreSQL and
    sample site the bench started are stopped and its folder and index removed."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


commands: list[click.Command] = [e2e]
