"""news_ingest: the nightly crawl → clean → enrich → load run, one calendar day (UTC) per run.

Thin on purpose: every task calls one stage runner of ``newsingest.pipeline`` (or the report module);
XCom carries only paths and counts. Nothing heavy is imported at parse time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, dag, get_current_context, task
from newsingest.config import load_settings
from newsingest.schedule import cron_expression, run_window
from newsingest.sources import enabled_names_quick
from newsingest_airflow.assets import news_index_asset

# Read at parse time (no network, no heavy imports); every task reads the settings again when it runs.
_PARSED = load_settings()
_AT = _PARSED.schedule.time
_HOUR, _MINUTE = _AT.hour, _AT.minute
MAX_ACTIVE_RUNS = _PARSED.schedule.max_active_runs
NEWS_INDEX = news_index_asset(_PARSED.index_alias)
# The form offers (and Airflow validates) the enabled source names of the sources file, read at parse time
# (YAML only, no network); when the file cannot be read, any well-formed name passes the form and the
# load_sources task names the problem.
SOURCE_NAMES = enabled_names_quick(_PARSED.sources_file)
_SOURCE_ITEM = (
    {"type": "string", "enum": SOURCE_NAMES}
    if SOURCE_NAMES
    else {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}
)
_EXAMPLES: dict[str, Any] = {"examples": SOURCE_NAMES} if SOURCE_NAMES else {}

DOC = f"""
### news_ingest
Crawls the configured news sources for **one calendar day (UTC)**, cleans each page, enriches it
(entities, topics, keywords, language, clusters) and upserts it into OpenSearch through the write alias,
then consolidates the run (entity registry: one canonical name per entity across articles; story clusters
across batches, sources and days), checks the run's figures (quality gate) and writes the run report.

* **Schedule**: daily at `NEWSINGEST_SCHEDULE_TIME` (now {_HOUR:02d}:{_MINUTE:02d} UTC). The run of day D has
  the logical date `D {_HOUR:02d}:{_MINUTE:02d}` and the data interval
  `[D {_HOUR:02d}:{_MINUTE:02d}, D+1 {_HOUR:02d}:{_MINUTE:02d})`; it **ingests the calendar day D** (articles
  published on D, 00:00-24:00 UTC) and starts after D is over.
* **Backfill**: *Trigger → Backfill* with a date range (*From* D 00:00, *To* the last day 23:59) gives one
  run per day, with the same logical date as the scheduled run of that day. *All Runs* re-runs days already
  done (their runs keep their ids): documents are keyed by canonical URL, so nothing is duplicated and
  `first_seen` is kept. *Max Active Runs* in the form starts at 1; up to {MAX_ACTIVE_RUNS} days can run at
  once (`NEWSINGEST_MAX_ACTIVE_RUNS`). `newsingest run --day D` does the same for one day. See
  `docs/backfill.md`.
* **Params** (all optional): `sources` (a subset of the enabled sources, empty = all), `force_refetch`
  (ignore ETag / Last-Modified), `dry_run` (crawl, clean and enrich, but do not load).
* **Politeness**: fetch tasks run in the `crawl` pool; fetches of one source never overlap across runs.
* **Quality gate**: thresholds from `NEWSINGEST_QUALITY_THRESHOLDS` (default
  `include/newsingest/data/quality_thresholds.yaml`); the report task logs where the report is.
"""


def _settings():
    from newsingest.config import load_settings

    return load_settings()


def _day_window():
    """The calendar day this run ingests (its logical date's), as [start, end) in UTC, and the run id."""
    ctx = get_current_context()
    start, end = run_window(ctx.get("logical_date"), ctx["data_interval_start"])
    return start, end, ctx["run_id"]


def _present(rows) -> list[dict]:
    """Stage summaries of the mapped instances that produced one (failed ones produce none)."""
    return [row for row in (rows or []) if row]


@dag(
    dag_id="news_ingest",
    schedule=CronDataIntervalTimetable(cron_expression(_AT), timezone="UTC"),
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
        # "null" in each type: the form marks a param required unless null is allowed, and empty/off is valid.
        "sources": Param(
            [],
            type=["array", "null"],
            items=_SOURCE_ITEM,
            uniqueItems=True,
            title="Sources",
            description="Sources to run (empty: all enabled sources of the sources file)"
            + (f"; one of: {', '.join(SOURCE_NAMES)}." if SOURCE_NAMES else "."),
            **_EXAMPLES,
        ),
        "force_refetch": Param(
            False,
            type=["boolean", "null"],
            title="Force re-fetch",
            description="Ignore ETag/Last-Modified and fetch every page again.",
        ),
        "dry_run": Param(
            False,
            type=["boolean", "null"],
            title="Dry run",
            description="Crawl, clean and enrich, but do not load into OpenSearch.",
        ),
    },
)
def news_ingest():
    # Tasks returning a summary dict say multiple_outputs=False: Airflow would otherwise infer True from
    # the `-> dict` annotation and push every key as an XCom of its own (one API call and row each).
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
        multiple_outputs=False,
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
        doc_md="Split each source's discovered URLs into batches (`NEWSINGEST_BATCH_SIZE`, default 1000) for "
        "the mapped fetch, clean, enrich and load tasks.",
    )
    def plan(discovered) -> list[dict]:
        from newsingest.pipeline import plan_batches

        settings = _settings()  # NEWSINGEST_BATCH_SIZE, validated with every other setting
        return plan_batches(
            settings, get_current_context()["run_id"], _present(discovered), batch_size=settings.batch_size
        )

    @task(
        multiple_outputs=False,
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
        multiple_outputs=False,
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
        multiple_outputs=False,
        execution_timeout=timedelta(hours=1),
        doc_md="Entities, topics, keywords, language and story clusters for each article; an article "
        "whose indexed copy has the same text and enrichment version reuses that enrichment.",
    )
    def enrich(cleaned: dict) -> dict:
        from newsingest.load.reuse import enrichment_lookup
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
            reuse_lookup=enrichment_lookup(client, settings.index_alias),
            batch=cleaned["batch"],
        )

    @task(
        multiple_outputs=False,
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
        multiple_outputs=False,
        trigger_rule="all_done",
        execution_timeout=timedelta(minutes=30),
        doc_md="After every load: canonical entity names through the entity registry (`<alias>-entities`; "
        "older documents follow a newly learned merge) and story clusters across batches, sources and days; "
        "skipped by `dry_run`.",
    )
    def consolidate(enriched, loaded) -> dict:
        from newsingest import layout
        from newsingest.consolidate import consolidate_run
        from newsingest_airflow.hooks import NewsOpenSearchHook

        ctx = get_current_context()
        if ctx["ti"].xcom_pull(task_ids="load_sources") is None:
            from airflow.sdk.exceptions import AirflowSkipException

            raise AirflowSkipException("load_sources did not finish: nothing to consolidate")
        if ctx["params"].get("dry_run"):
            return {"dry_run": True}
        done = {(r["source"], r.get("batch")) for r in _present(loaded)}
        if not done:
            return {"documents": 0}
        paths = [r["path"] for r in _present(enriched) if (r["source"], r.get("batch")) in done]
        settings, run_id = _settings(), ctx["run_id"]
        unchanged = [
            layout.load_unchanged_path(settings.storage_root, run_id, source, batch or "")
            for source, batch in sorted(done, key=str)
        ]
        client = NewsOpenSearchHook().get_client()
        return consolidate_run(
            client,
            settings.index_alias,
            paths,
            unchanged,
            layout.consolidated_path(settings.storage_root, run_id),
        )

    @task(
        multiple_outputs=False,
        retries=0,
        trigger_rule="all_done",
        execution_timeout=timedelta(minutes=15),
        doc_md="Decide the run: every source's stages finished, every article of the run is in the index "
        "(what is missing is loaded again once from the run's files), and the figures are within the "
        "thresholds. Fails the run naming the source and the reason; the report renders this decision.",
    )
    def quality_gate(discovered, fetched, cleaned, enriched, loaded) -> dict:
        from newsingest.pipeline import load_source_names
        from newsingest.quality.gate import decide_run
        from newsingest.quality.thresholds import QualityGateError
        from newsingest_airflow.hooks import NewsOpenSearchHook

        start, end, run_id = _day_window()
        ctx = get_current_context()
        settings = _settings()
        problems: list[str] = []
        # Pulled, not passed: a direct edge from the setup task would have to be all_success.
        sources = ctx["ti"].xcom_pull(task_ids="load_sources")
        if sources is None:  # load_sources failed: name the sources the run was meant to crawl
            try:
                sources = load_source_names(settings, ctx["params"].get("sources") or None)
                problems.append("load_sources did not finish (see its log)")
            except ValueError as exc:
                sources, problems = [], [f"load_sources failed: {exc}"]
        if not problems and ctx["ti"].xcom_pull(task_ids="consolidate") is None:
            problems.append("stage consolidate did not finish (entity registry, story clusters)")
        dry_run = bool(ctx["params"].get("dry_run"))
        client = None if dry_run else NewsOpenSearchHook().get_client()
        verdict = decide_run(
            settings,
            run_id,
            start,
            end,
            sources=sources,
            planned=ctx["ti"].xcom_pull(task_ids="plan"),
            stages={
                "discover": _present(discovered),
                "fetch": _present(fetched),
                "clean": _present(cleaned),
                "enrich": _present(enriched),
                "load": _present(loaded),
            },
            client=client,
            dry_run=dry_run,
            problems=problems,
        )
        ctx["ti"].xcom_push(key="verdict", value=verdict)  # kept when the task fails below
        if verdict["status"] == "failed":
            raise QualityGateError(verdict["message"])
        return verdict

    @task(
        multiple_outputs=False,
        retries=1,
        execution_timeout=timedelta(minutes=10),
        doc_md="Write the run report (Markdown and HTML, in the storage root) from the gate's decision and "
        "index the figures into the runs index; the log links the report. Runs whatever happened "
        "before it, and never changes the run's state.",
    )
    def report() -> dict:
        from newsingest.quality.report import publish_report
        from newsingest_airflow.hooks import NewsOpenSearchHook

        start, end, run_id = _day_window()
        verdict = get_current_context()["ti"].xcom_pull(task_ids="quality_gate", key="verdict")
        try:
            client = NewsOpenSearchHook().get_client()
        except Exception:  # no connection: the report is still written
            client = None
        return publish_report(_settings(), run_id, client=client, verdict=verdict, start=start, end=end)

    @task(
        multiple_outputs=False,
        execution_timeout=timedelta(minutes=10),
        doc_md="Install the index template and create the index behind the aliases when missing (give an "
        "existing one the template's new fields): once per run, before any load; skipped by `dry_run`.",
    )
    def prepare_index() -> dict:
        from newsingest.pipeline import prepare_index as prepare
        from newsingest_airflow.hooks import NewsOpenSearchHook

        if get_current_context()["params"].get("dry_run"):
            return {"dry_run": True}
        return prepare(_settings(), NewsOpenSearchHook().get_client())

    @task(retries=0, doc_md="Marks the run as started (the report's setup: it runs whatever fails later).")
    def begin() -> str:
        return get_current_context()["run_id"]

    started = begin()
    sources = load_sources()
    started >> sources
    discovered = discover.expand(source=sources)
    fetched = fetch.expand(batch=plan(discovered))
    cleaned = clean.expand(fetched=fetched)
    enriched = enrich.expand(cleaned=cleaned)
    loaded = load.expand(enriched=enriched)
    sources >> prepare_index() >> loaded
    consolidated = consolidate(enriched, loaded)
    gate = quality_gate(discovered, fetched, cleaned, enriched, loaded)
    consolidated >> gate
    # The report is a teardown: it runs whatever the gate decided (even when load_sources failed, since
    # its setup is `begin`) and does not decide the run's state.
    reported = report().as_teardown()
    started.as_setup() >> reported
    gate >> reported


news_ingest()
