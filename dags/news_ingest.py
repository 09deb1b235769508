"""news_ingest: the nightly crawl → clean → enrich → load run, one calendar day (UTC) per run.

Thin on purpose: every task calls one stage runner of ``newsingest.pipeline``; XCom carries only
paths and counts. Nothing heavy is imported at parse time.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, get_current_context, task

# Nightly at NEWSINGEST_SCHEDULE_TIME (HH:MM, UTC); each run ingests the calendar day that ends before it.
_HOUR, _MINUTE = (int(x) for x in os.environ.get("NEWSINGEST_SCHEDULE_TIME", "02:00").split(":"))
NEWS_INDEX = Asset(
    name="news_index",
    uri=f"opensearch://{os.environ.get('NEWSINGEST_INDEX', 'news')}",
    group="opensearch",
)

DOC = """
### news_ingest
Crawls the configured news sources for **one calendar day (UTC)**, cleans each page, enriches it
(entities, topics, keywords, language, clusters) and upserts it into OpenSearch through the write alias.

* Schedule: daily at `NEWSINGEST_SCHEDULE_TIME` (default 02:00 UTC); the run whose data interval starts
  on day *D* ingests articles published on *D*.
* Backfill: *Trigger → Backfill* with a date range gives one run per day; reruns never duplicate
  (documents are keyed by canonical URL and `first_seen` is kept).
* Params: `sources` (subset of source names, empty = all enabled), `force_refetch` (ignore ETag /
  Last-Modified), `dry_run` (stop before loading).
"""


def _settings():
    from newsingest.config import load_settings

    return load_settings()


def _day_window():
    """The calendar day of this run's data interval, as [start, end) in UTC."""
    ctx = get_current_context()
    start = pendulum.instance(ctx["data_interval_start"]).in_timezone("UTC").start_of("day")
    return start, start.add(days=1), ctx["run_id"]


@dag(
    dag_id="news_ingest",
    schedule=CronDataIntervalTimetable(f"{_MINUTE} {_HOUR} * * *", timezone="UTC"),
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=3,
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
        "sources": Param([], type="array", items={"type": "string"},
                         description="Source names to run (empty: all enabled sources)."),
        "force_refetch": Param(False, type="boolean", description="Ignore ETag/Last-Modified and refetch."),
        "dry_run": Param(False, type="boolean", description="Crawl, clean and enrich, but do not load."),
    },
)
def news_ingest():
    @task(retries=0, doc_md="Validate the sources file and list the sources this run crawls.")
    def load_sources() -> list[str]:
        from newsingest.pipeline import load_source_names

        params = get_current_context()["params"]
        return load_source_names(_settings(), params.get("sources") or None)

    @task(doc_md="Find the source's article URLs published on the run's day (feeds, sitemaps, sections).")
    def discover(source: str) -> dict:
        from newsingest.pipeline import discover_stage

        start, end, run_id = _day_window()
        return discover_stage(_settings(), run_id, source, start, end)

    @task(pool="default_pool", doc_md="Fetch the discovered URLs politely into the WARC archive.")
    def fetch(discovered: dict) -> dict:
        from newsingest.pipeline import fetch_stage

        ctx = get_current_context()
        return fetch_stage(_settings(), ctx["run_id"], discovered["source"], discovered["path"],
                           force=bool(ctx["params"].get("force_refetch")))

    @task(doc_md="Extract the article from each fetched page (BeautifulSoup cleaner); drop non-articles.")
    def clean(fetched: dict) -> dict:
        from newsingest.pipeline import clean_stage

        return clean_stage(_settings(), get_current_context()["run_id"], fetched["source"], fetched["path"])

    @task(doc_md="Entities, topics, keywords, language and story clusters for each article.")
    def enrich(cleaned: dict) -> dict:
        from newsingest.load.search import cluster_candidates
        from newsingest.pipeline import enrich_stage
        from newsingest_airflow.hooks import NewsOpenSearchHook

        settings = _settings()
        client = NewsOpenSearchHook().get_client()
        lookup = (lambda bands: cluster_candidates(client, settings.index_alias, bands))  # noqa: E731
        return enrich_stage(settings, get_current_context()["run_id"], cleaned["source"], cleaned["path"],
                            cluster_lookup=lookup)

    @task(outlets=[NEWS_INDEX], doc_md="Upsert the enriched articles into OpenSearch (write alias).")
    def load(enriched: dict) -> dict:
        from newsingest.pipeline import load_stage
        from newsingest_airflow.hooks import NewsOpenSearchHook

        ctx = get_current_context()
        if ctx["params"].get("dry_run"):
            return {"source": enriched["source"], "skipped": enriched["enriched"], "dry_run": True}
        client = NewsOpenSearchHook().get_client()
        return load_stage(_settings(), ctx["run_id"], enriched["source"], enriched["path"], client)

    @task(retries=0, doc_md="Check the run's figures against the thresholds; write the run report.")
    def quality_gate(discovered: list[dict], fetched: list[dict], cleaned: list[dict], enriched: list[dict],
                     loaded: list[dict]) -> dict:
        from newsingest.report import build_report

        start, end, run_id = _day_window()
        return build_report(_settings(), run_id, start, end, discovered=list(discovered), fetched=list(fetched),
                            cleaned=list(cleaned), enriched=list(enriched), loaded=list(loaded))

    sources = load_sources()
    discovered = discover.expand(source=sources)
    fetched = fetch.expand(discovered=discovered)
    cleaned = clean.expand(fetched=fetched)
    enriched = enrich.expand(cleaned=cleaned)
    loaded = load.expand(enriched=enriched)
    quality_gate(discovered, fetched, cleaned, enriched, loaded)


news_ingest()
