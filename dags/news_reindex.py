"""news_reindex: rebuild the article index into a new version (from the live index or the WARC archive).

Manual only. Thin like news_ingest: each task calls one function of ``newsingest.reindex_runner``
(orchestration) or ``newsingest.load.reindex`` (the index lifecycle); XCom carries only names, paths and
counts. Nothing heavy is imported at parse time.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, get_current_context, task
from newsingest.config import load_settings
from newsingest_airflow.assets import news_index_asset

NEWS_INDEX = news_index_asset(load_settings().index_alias)  # parse time: no network, no heavy imports

DOC = """
### news_reindex
Builds a **new physical version** of the article index (`<alias>-v<N+1>`) with the current index
template, fills it, and swaps the read alias (`<alias>`) and the write alias (`<alias>-write`) to it in
one atomic `_aliases` call. The previous index is **kept** (swap back by hand with `POST _aliases`)
unless `drop_old` is ticked. Trigger it by hand (*Trigger DAG w/ config*); it has no schedule.

* **mode = index**: copy the live index into the new version (after a mapping or analysis change).
  Writes move to the new version first, so a concurrent nightly load is not lost.
* **mode = archive**: re-run clean and enrich on the **raw WARC archive** of stored runs (after a cleaner
  or enricher change) and load the result into the new version, reached only through `<alias>-build`
  until the swap. `runs` picks runs by id (the folders under `<storage root>/runs/`; empty = all stored
  runs), `since` / `until` (YYYY-MM-DD, inclusive) by the day they ingested. `keep_unlisted` (default on)
  first copies what the live index has and the build lacks, so re-processing some days keeps the others;
  turn it off for a clean rebuild from the archive alone. Before and after the swap, live documents
  crawled during the build (or up to 6 h before it started) that are missing or fresher are carried over.
* **dry_run**: only plan: log where the aliases point, the next version and the runs/batches to re-process.

One run at a time; an unfinished archive build is discarded by the `discard_unfinished_build` teardown.
See `docs/reindex.md`.
"""


def _settings():
    from newsingest.config import load_settings

    return load_settings()


def _client():
    from newsingest_airflow.hooks import NewsOpenSearchHook

    return NewsOpenSearchHook().get_client()


@dag(
    dag_id="news_reindex",
    schedule=None,
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=4,
    dagrun_timeout=timedelta(hours=24),
    tags=["newsingest", "maintenance"],
    doc_md=DOC,
    default_args={
        "owner": "newsingest",
        "retries": 0,
        "execution_timeout": timedelta(minutes=30),
    },
    params={
        "mode": Param(
            "index",
            type="string",
            enum=["index", "archive"],
            title="Mode",
            description="index: copy the live index into a new version; archive: re-process stored runs "
            "from the WARC archive into a new version.",
        ),
        "runs": Param(
            [],
            type="array",
            items={"type": "string", "minLength": 1},
            uniqueItems=True,
            title="Runs (archive mode)",
            description="Run ids to re-process (empty: every stored run, within since/until).",
        ),
        "since": Param(
            None,
            type=["null", "string"],
            pattern=r"^\d{4}-\d{2}-\d{2}$",
            title="Since (archive mode)",
            description="First ingested day to re-process, YYYY-MM-DD (inclusive; empty: no lower bound).",
        ),
        "until": Param(
            None,
            type=["null", "string"],
            pattern=r"^\d{4}-\d{2}-\d{2}$",
            title="Until (archive mode)",
            description="Last ingested day to re-process, YYYY-MM-DD (inclusive; empty: no upper bound).",
        ),
        "keep_unlisted": Param(
            True,
            type="boolean",
            title="Keep documents not re-processed (archive mode)",
            description="Copy live documents the archive build lacks; off: the new version holds only the "
            "re-processed runs.",
        ),
        "drop_old": Param(
            False,
            type="boolean",
            title="Drop the old index",
            description="Delete the previous index after the swap (default: keep it to swap back).",
        ),
        "dry_run": Param(
            False,
            type="boolean",
            title="Dry run",
            description="Only log the plan; change nothing.",
        ),
    },
)
def news_reindex():
    # Tasks returning a summary dict say multiple_outputs=False: Airflow would otherwise infer True from
    # the `-> dict` annotation and push every key as an XCom of its own (one API call and row each).
    @task(
        execution_timeout=timedelta(minutes=10),
        doc_md="Check the params and the index layout; list the stored fetch batches to re-process "
        "(archive mode; none in index mode). Logs the whole plan.",
    )
    def plan() -> list[dict]:
        from newsingest.load.reindex import index_state
        from newsingest.reindex_runner import plan_archive

        params = get_current_context()["params"]
        settings = _settings()
        state = index_state(_client(), settings.index_alias)
        batches = []
        if params["mode"] == "archive":
            batches = [
                b.to_json()
                for b in plan_archive(
                    settings.storage_root, params["runs"], since=params["since"], until=params["until"]
                )
            ]
        print(f"reindex plan ({params['mode']}, dry_run={params['dry_run']}): {state}")
        for b in batches:
            print(f"  re-process {b['run']} {b['source']} {b['batch']}: {b['path']}")
        return batches

    @task.branch(
        execution_timeout=timedelta(minutes=5),
        doc_md="Pick the mode's path; a dry run stops here.",
    )
    def choose() -> list[str]:
        params = get_current_context()["params"]
        if params["dry_run"]:
            return []
        return ["copy_index"] if params["mode"] == "index" else ["create_build"]

    @task(
        multiple_outputs=False,
        outlets=[NEWS_INDEX],
        execution_timeout=timedelta(hours=12),
        doc_md="Index mode: copy the live index into the next version with the current template and swap "
        "both aliases (newsingest.load.reindex.reindex_to_new_version).",
    )
    def copy_index() -> dict:
        from newsingest.reindex_runner import reindex_from_index

        params = get_current_context()["params"]
        return reindex_from_index(_client(), _settings().index_alias, drop_old=params["drop_old"])

    @task(
        multiple_outputs=False,
        execution_timeout=timedelta(minutes=10),
        doc_md="Archive mode: create the next version with the current template behind the build alias only.",
    )
    def create_build() -> dict:
        from newsingest.load.reindex import create_build as create

        return create(_client(), _settings().index_alias)

    @task(
        multiple_outputs=False,
        retries=2,
        retry_delay=timedelta(seconds=30),
        max_active_tis_per_dagrun=1,
        execution_timeout=timedelta(hours=2),
        doc_md="Archive mode: clean and enrich one stored fetch batch from the WARC archive and load it into "
        "the build (one at a time, so story clusters build up as in the original runs). Retries are safe.",
    )
    def reprocess(build: dict, batch: dict) -> dict:
        from newsingest.reindex_runner import FetchBatch, reprocess_batch

        return reprocess_batch(_settings(), _client(), build, FetchBatch.from_json(batch))

    @task(
        multiple_outputs=False,
        outlets=[NEWS_INDEX],
        execution_timeout=timedelta(hours=6),
        doc_md="Archive mode: carry over live documents the build lacks or that are fresher, swap the read "
        "and write aliases to the build atomically, drop the old index if asked.",
    )
    def finish(build, reprocessed) -> dict:
        from newsingest.reindex_runner import finish_build

        rows = [r for r in (reprocessed or []) if r]
        params = get_current_context()["params"]
        totals = {k: sum(r.get(k, 0) for r in rows) for k in ("cleaned", "enriched", "indexed", "failed")}
        print(f"re-processed {len(rows)} batches into {build['index']}: {totals}")
        result = finish_build(
            _client(), build, drop_old=params["drop_old"], keep_unlisted=params["keep_unlisted"]
        )
        return {**result, "reprocessed": totals}

    @task(
        retries=1,
        execution_timeout=timedelta(minutes=10),
        doc_md="Teardown: delete an archive build that was not swapped in (a failed run), so the next run "
        "can start; does nothing after a successful swap.",
    )
    def discard_unfinished_build() -> list[str]:
        from newsingest.load.reindex import discard_build

        return discard_build(_client(), _settings().index_alias)

    planned = plan()
    chosen = choose()
    build = create_build()
    planned >> chosen >> [copy_index(), build]
    done = finish(build, reprocess.partial(build=build).expand(batch=planned))
    discard = discard_unfinished_build().as_teardown()
    build.as_setup() >> discard
    done >> discard


news_reindex()
