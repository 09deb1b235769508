"""news_ingest: the nightly crawl → clean → enrich → load run, one calendar day (UTC) per run.

Thin on purpose: every task calls one stage runner of ``newsingest.pipeline`` (or the report module);
XCom carries only paths and counts. Nothing heavy is imported at parse time.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, dag, get_current_context, task
from newsingest.schedule import cron_expression, day_window, schedule_time
from newsingest_airflow.assets import news_index_asset

_AT = schedule_time()
_HOUR, _MINUTE = _AT.hour, _AT.minute
MAX_ACTIVE_RUNS = int(os.environ.get("NEWSINGEST_MAX_ACTIVE_RUNS", "3"))
NEWS_INDEX = news_index_asset()

DOC = f"""
### news_ingest
Crawls the configured news sources for **one calendar day (UTC)**, cleans each page, enriches it
(entities, topics, keywords, language, clusters) and upserts it into OpenSearch through the write alias,
then checks the run's figures (quality gate) and writes the run report.

* **Schedule**: daily at `NEWSINGEST_SCHEDULE_TIME` (now {_HOUR:02d}:{_MINUTE:02d} UTC). The data interval
  is one day, `[D {_HOUR:02d}:{_MINUTE:02d}, D+1 {_HOUR:02d}:{_MINUTE:02d})`; the run **ingests the calendar
  day D** of its data interval start (articles published on D, 00:00-24:00 UTC), after D is over.
* **Backfill**: *Trigger → Backfill* with a date range gives one run per day D whose logical date
  (D {_HOUR:02d}:{_MINUTE:02d}) falls in the range. "Reprocess completed" re-runs days already done: documents
  are keyed by canonical URL, so nothing is duplicated and `first_seen` is kept. See `docs/backfill.md`.
* **Params**: `sources` (subset of source names, empty = all enabled), `force_refetch` (ignore ETag /
  Last-Modified), `dry_run` (crawl, clean and enrich, but do not load).
* **Politeness**: fetch tasks run in the `crawl` pool; fetches of one source never overlap across runs.
* **Quality gate**: thresholds from `NEWSINGEST_QUALITY_THRESHOLDS` (default
  `include/newsingest/data/quality_thresholds.yaml`); the report task logs where the report is.
"""


def _settings():
    from newsingest.config import load_settings

    return load_settings()


def _day_window():
    """The calendar day of this run's data interval start, as [start, end) in UTC, and the run id."""
    ctx = get_current_context()
    start, end = day_window(ctx["data_interval_start"])
    return start, end, ctx["run_id"]


def _unfinished(sources: list[str], planned: list[dict] | None, stages: dict[str, list[dict]]) -> list[str]:
    """Sources whose discover task, or any of their planned batches in a later stage, did not finish."""
    found = {row["source"] for row in stages["discover"]}
    problems = [f"source {s}: stage discover did not finish" for s in sources if s not in found]
    if planned is None:
        return [*problems, "stage plan did not finish"] if found else problems
    wanted = {(b["source"], b["batch"]) for b in planned}
    for stage in ("fetch", "clean", "enrich", "load"):
        done = {(row["source"], row.get("batch")) for row in stages[stage]}
        for source, batch in sorted(wanted - done):
            problems.append(f"source {source}: stage {stage} did not finish batch {batch}")
        wanted &= done
    return problems


def _present(rows) -> list[dict]:
    """Stage summaries of the mapped instances that produced one (failed ones produce none)."""
    return [row for row in (rows or []) if row]


@dag(
    dag_id="news_ingest",
    schedule=CronDataIntervalTimetable(cron_expression(), timezone="UTC"),
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=MAX_ACTIVE_RUNS,
    max_active_tasks=8,
    dagrun_timeout=timedelta(hours=6),
    tags=["newsingest", "ingest"],
    doc_md=DOC,
    default_args={
        "owner": "newsingest",
        "retries": 2,
        "retry_delay": timedelta(seconds=30),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=10),
        "execution_timeout": timedelta(hours=1),
    },
    params={
        "sources": Param(
            [],
            type="array",
            items={"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
            uniqueItems=True,
            title="Sources",
            description="Source names to run (empty: all enabled sources of the sources file).",
        ),
        "force_refetch": Param(
            False,
            type="boolean",
            title="Force re-fetch",
            description="Ignore ETag/Last-Modified and fetch every page again.",
        ),
        "dry_run": Param(
            False,
            type="boolean",
            title="Dry run",
            description="Crawl, clean and enrich, but do not load into OpenSearch.",
        ),
    },
)
def news_ingest():
    @task(
        retries=0,
        execution_timeout=timedelta(minutes=5),
        doc_md="Validate the sources file and the `sources` param; list the sources this run crawls.",
    )
    def load_sources() -> list[str]:
        from newsingest.pipeline import load_source_names

        params = get_current_context()["params"]
        return load_source_names(_settings(), params.get("sources") or None)

    @task(
        execution_timeout=timedelta(minutes=20),
        doc_md="Find the source's article URLs published on the run's day (feeds, sitemaps, sections).",
    )
    def discover(source: str) -> dict:
        from newsingest.pipeline import discover_stage

        start, end, run_id = _day_window()
        return discover_stage(_settings(), run_id, source, start, end)

    @task(
        retries=1,
        execution_timeout=timedelta(minutes=10),
        doc_md="Split each source's discovered URLs into batches (`NEWSINGEST_BATCH_SIZE`, default 200) for "
        "the mapped fetch, clean, enrich and load tasks.",
    )
    def plan(discovered) -> list[dict]:
        from newsingest.pipeline import plan_batches

        size = int(os.environ.get("NEWSINGEST_BATCH_SIZE", "200"))
        return plan_batches(
            _settings(), get_current_context()["run_id"], _present(discovered), batch_size=size
        )

    @task(
        pool="crawl",
        execution_timeout=timedelta(hours=2),
        doc_md="Fetch one batch of discovered URLs politely into the WARC archive (`crawl` pool; batches of "
        "one source never run at the same time, across runs too).",
    )
    def fetch(batch: dict) -> dict:
        from newsingest.pipeline import fetch_stage
        from newsingest_airflow.politeness import source_lock

        ctx = get_current_context()
        settings = _settings()
        with source_lock(batch["source"]):
            return fetch_stage(
                settings,
                ctx["run_id"],
                batch["source"],
                batch["path"],
                force=bool(ctx["params"].get("force_refetch")),
                batch=batch["batch"],
            )

    @task(
        execution_timeout=timedelta(minutes=30),
        doc_md="Extract the article from each fetched page (BeautifulSoup cleaner); drop non-articles.",
    )
    def clean(fetched: dict) -> dict:
        from newsingest.pipeline import clean_stage

        return clean_stage(
            _settings(),
            get_current_context()["run_id"],
            fetched["source"],
            fetched["path"],
            batch=fetched["batch"],
        )

    @task(
        execution_timeout=timedelta(hours=1),
        doc_md="Entities, topics, keywords, language and story clusters for each article.",
    )
    def enrich(cleaned: dict) -> dict:
        from newsingest.load.search import cluster_candidates
        from newsingest.pipeline import enrich_stage
        from newsingest_airflow.hooks import NewsOpenSearchHook

        settings = _settings()
        client = NewsOpenSearchHook().get_client()

        def lookup(bands: list[str]) -> list[dict]:
            return cluster_candidates(client, settings.index_alias, bands)

        return enrich_stage(
            settings,
            get_current_context()["run_id"],
            cleaned["source"],
            cleaned["path"],
            cluster_lookup=lookup,
            batch=cleaned["batch"],
        )

    @task(
        outlets=[NEWS_INDEX],
        execution_timeout=timedelta(minutes=30),
        doc_md="Upsert the enriched articles into OpenSearch (write alias); skipped by `dry_run`.",
    )
    def load(enriched: dict) -> dict:
        from newsingest.pipeline import load_stage
        from newsingest_airflow.hooks import NewsOpenSearchHook

        ctx = get_current_context()
        if ctx["params"].get("dry_run"):
            return {
                "source": enriched["source"],
                "batch": enriched["batch"],
                "dry_run": True,
                "indexed": 0,
                "failed": 0,
            }
        client = NewsOpenSearchHook().get_client()
        return load_stage(
            _settings(), ctx["run_id"], enriched["source"], enriched["path"], client, batch=enriched["batch"]
        )

    @task(
        retries=0,
        trigger_rule="all_done",
        execution_timeout=timedelta(minutes=15),
        doc_md="Compute the run's figures per source and check them against the thresholds; fails the run "
        "naming the source and the figure. Also fails when a source's stages did not all finish.",
    )
    def quality_gate(discovered, fetched, cleaned, enriched, loaded) -> dict:
        from newsingest.report import QualityGateError, assess_run

        start, end, run_id = _day_window()
        # Pulled, not passed: a direct edge from the setup task would have to be all_success.
        sources = get_current_context()["ti"].xcom_pull(task_ids="load_sources")
        if sources is None:
            raise QualityGateError("quality gate failed: load_sources did not finish (see its log)")
        stages = {
            "discover": _present(discovered),
            "fetch": _present(fetched),
            "clean": _present(cleaned),
            "enrich": _present(enriched),
            "load": _present(loaded),
        }
        summary = assess_run(
            _settings(),
            run_id,
            start,
            end,
            discovered=stages["discover"],
            fetched=stages["fetch"],
            cleaned=stages["clean"],
            enriched=stages["enrich"],
            loaded=stages["load"],
        )
        unfinished = _unfinished(sources, get_current_context()["ti"].xcom_pull(task_ids="plan"), stages)
        problems = unfinished + ([summary["message"]] if summary["message"] else [])
        if problems:
            raise QualityGateError(
                "quality gate failed: " + "; ".join(p.removeprefix("quality gate failed: ") for p in problems)
            )
        return summary

    @task(
        retries=1,
        execution_timeout=timedelta(minutes=10),
        doc_md="Write the run report (Markdown and HTML, in the storage root) and index the figures into "
        "the runs index; the log links the report. Runs even when the gate fails.",
    )
    def report() -> dict:
        from newsingest.report import publish_report
        from newsingest_airflow.hooks import NewsOpenSearchHook

        return publish_report(
            _settings(), get_current_context()["run_id"], client=NewsOpenSearchHook().get_client()
        )

    sources = load_sources()
    discovered = discover.expand(source=sources)
    fetched = fetch.expand(batch=plan(discovered))
    cleaned = clean.expand(fetched=fetched)
    enriched = enrich.expand(cleaned=cleaned)
    loaded = load.expand(enriched=enriched)
    gate = quality_gate(discovered, fetched, cleaned, enriched, loaded)
    # The report is a teardown: it runs whatever the gate decided and does not decide the run's state.
    gate >> report().as_teardown(setups=sources)


news_ingest()
