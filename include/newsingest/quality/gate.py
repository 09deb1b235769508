"""The quality gate's decision for one run: stages finished, index reconciled, figures within bounds.

:func:`decide_run` is what the DAG's ``quality_gate`` task runs. It gathers every reason the run may not
count as done, in this order:

1. a source's stage that did not finish (a discover task, or a planned batch in fetch, clean or enrich);
2. the day reconciliation (:mod:`newsingest.quality.reconcile`): every article the run produced must be in the
   index as produced; what is missing is loaded again from the run's files once (which also finishes a
   batch whose load task failed), and what is still missing fails the run, naming the source and count;
3. the thresholds over the run's figures (:mod:`newsingest.quality.figures`), including discovery (a source
   whose every channel failed) and a source's yield against its own recent history.

It writes one ``quality.json`` with the outcome and returns the verdict; the report renders exactly it.
"""

from __future__ import annotations

import logging
import statistics
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from newsingest.config import Settings
from newsingest.quality.report import assess_run
from newsingest.quality.runs_index import runs_index_name

log = logging.getLogger(__name__)

HISTORY_RUNS = 7  # earlier runs a source's usual yield is taken from
STAGES = ("discover", "fetch", "clean", "enrich", "load")


def unfinished_stages(
    sources: Sequence[str],
    planned: Sequence[Mapping[str, Any]] | None,
    stages: Mapping[str, Sequence[Mapping]],
) -> list[str]:
    """Sources whose discover task, or any planned batch of fetch, clean or enrich, did not finish.

    Unfinished loads are not listed: the reconciliation loads their batches again and judges the result.
    """
    found = {row["source"] for row in stages.get("discover", [])}
    problems = [f"source {s}: stage discover did not finish" for s in sources if s not in found]
    if planned is None:
        return [*problems, "stage plan did not finish"] if found else problems
    wanted = {(b["source"], b["batch"]) for b in planned}
    for stage in ("fetch", "clean", "enrich"):
        done = {(row["source"], row.get("batch")) for row in stages.get(stage, [])}
        for source, batch in sorted(wanted - done):
            problems.append(f"source {source}: stage {stage} did not finish batch {batch}")
        wanted &= done
    return problems


def _reconciliation(
    client, settings: Settings, run_id: str, sources: Sequence[str], enriched: Sequence[Mapping]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Figures per source from reconciling the run's articles with the index, and problems."""
    from newsingest.quality.reconcile import reconcile_run

    paths = [row["path"] for row in enriched if row.get("path")]
    try:
        rows = reconcile_run(client, settings.index_alias, paths, sources=sources)
    except Exception as exc:  # the index cannot be read: nothing is known to be done
        return {}, [
            f"the index could not be read to reconcile the run ({type(exc).__name__}: {str(exc)[:200]})"
        ]
    reloaded = [doc_id for row in rows.values() for doc_id in row.reloaded_ids]
    problems = []
    if reloaded:  # documents loaded after the consolidate task ran: give them canonical names and clusters
        from newsingest.consolidate import consolidate

        try:
            consolidate(client, settings.index_alias, reloaded)
        except Exception as exc:
            problems.append(
                f"consolidating {len(reloaded)} reloaded articles failed ({type(exc).__name__}: {exc})"
            )
            _forget_consolidated(settings, run_id, reloaded)
    figures: dict[str, dict[str, Any]] = {}
    for source, row in rows.items():
        figures[source] = {
            "expected_in_index": row.expected,
            "in_index": row.present,
            "reloaded": row.reloaded,
            "missing_in_index": len(row.missing),
            "reconciliation": row.to_json(),
        }
        if row.missing:
            problems.append(
                f"source {source}: {len(row.missing)} of {row.expected} articles are not in the index "
                "(loaded again once, still missing)"
            )
    return figures, problems


def _forget_consolidated(settings: Settings, run_id: str, doc_ids: Sequence[str]) -> None:
    """Take ``doc_ids`` out of the run's consolidation record: they were loaded again as enriched (raw
    names, batch clusters) and not consolidated, so a rerun of the run must consolidate them, even when
    its load finds them unchanged."""
    from newsingest import layout, storage
    from newsingest.consolidate import run_doc_ids

    path = layout.consolidated_path(settings.storage_root, run_id)
    if not storage.exists(path):
        return
    drop = set(doc_ids)
    keep = [doc_id for doc_id in run_doc_ids([path]) if doc_id not in drop]
    storage.write_jsonl_gz(path, ({"doc_id": doc_id} for doc_id in keep))


def usual_discovered(client, runs_index: str, source: str, before: str, run_id: str) -> float | None:
    """The median number of URLs ``source`` discovered in its last runs before day ``before``."""
    try:
        resp = client.search(
            index=runs_index,
            body={
                "size": HISTORY_RUNS,
                "query": {
                    "bool": {
                        "filter": [{"term": {"source": source}}, {"range": {"day": {"lt": before}}}],
                        "must_not": [{"term": {"run_id": run_id}}],
                    }
                },
                "sort": [{"day": "desc"}],
                "_source": ["discovered"],
            },
        )
    except Exception as exc:  # no runs index yet, or it is down: no history to compare with
        log.info("no discovery history for %s: %s", source, exc)
        return None
    values = [h["_source"].get("discovered") or 0 for h in resp["hits"]["hits"]]
    return float(statistics.median(values)) if values else None


def _history(
    client, runs_index: str, figures_by_source: Mapping[str, Mapping[str, Any]], day: str, run_id: str
) -> dict:
    extra: dict[str, dict[str, Any]] = {}
    for source, fig in figures_by_source.items():
        usual = usual_discovered(client, runs_index, source, day, run_id)
        if usual:
            extra[source] = {
                "discovered_usual": usual,
                "discovered_vs_usual": round((fig.get("discovered") or 0) / usual, 4),
            }
    return extra


def decide_run(
    settings: Settings,
    run_id: str,
    start: datetime,
    end: datetime,
    *,
    sources: Sequence[str],
    planned: Sequence[Mapping[str, Any]] | None,
    stages: Mapping[str, list[dict]],
    client=None,
    dry_run: bool = False,
    problems: Sequence[str] = (),
) -> dict[str, Any]:
    """Decide the run (see the module docstring), write ``quality.json`` and return the verdict."""
    problems = [*problems, *unfinished_stages(sources, planned, stages)]
    extra: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    if dry_run:
        notes.append("dry run: nothing was loaded, the index was not reconciled")
    elif client is None:
        problems.append("no OpenSearch client: the run cannot be reconciled with the index")
    else:
        extra, reconcile_problems = _reconciliation(
            client, settings, run_id, sources, stages.get("enrich", [])
        )
        problems += reconcile_problems
        discovered = {row["source"]: row for row in stages.get("discover", [])}
        day = start.date().isoformat()
        for source, fig in _history(client, runs_index_name(settings), discovered, day, run_id).items():
            extra.setdefault(source, {}).update(fig)
    return assess_run(
        settings,
        run_id,
        start,
        end,
        discovered=stages.get("discover", []),
        fetched=stages.get("fetch", []),
        cleaned=stages.get("clean", []),
        enriched=stages.get("enrich", []),
        loaded=stages.get("load", []),
        problems=problems,
        extra_figures=extra,
        attempt=uuid.uuid4().hex,
        notes=notes,
    )
