"""Where everything lives under the storage root (a local folder or any fsspec URL).

Every storage path is built here; :mod:`newsingest.storage` reads and writes them. Run ids, source names
and batch keys become path segments through :func:`newsingest.storage.safe_part`.

::

    <root>/runs/<run>/<stage>/<source>/<batch>.jsonl.gz       stage files (discover, fetch, clean, enrich)
    <root>/runs/<run>/clean/<source>/<batch>.dropped.jsonl.gz  pages the clean stage dropped, and why
    <root>/runs/<run>/dead-letter/<source>/<batch>.jsonl.gz    documents the index refused
    <root>/runs/<run>/quality.json                             the run's figures and the gate's decision
    <root>/runs/<run>/report.md, report.html                   the run's reports
    <root>/warc/<run>/<source>/<batch>.warc.gz                 the fetch archive
    <root>/state/http/<source>.jsonl.gz                        HTTP validators (conditional GETs)
    <root>/state/docs/<source>/<sha1>.gz                       last good body of each discovery document
    <root>/state/undated/<source>.jsonl.gz                     undated URLs already handed out
"""

from __future__ import annotations

from newsingest.storage import join, safe_part

STAGE_SUFFIX = ".jsonl.gz"
DEAD_LETTER = "dead-letter"
DROPPED_SUFFIX = ".dropped"
DROPPED_GLOB = f"**/*{DROPPED_SUFFIX}{STAGE_SUFFIX}"  # below a clean stage folder


def runs_dir(root: str) -> str:
    """The folder holding one folder per run."""
    return join(root, "runs")


def run_dir(root: str, run_id: str) -> str:
    """Everything one run wrote besides its archive: stage files, dead letters, quality and reports."""
    return join(runs_dir(root), safe_part(run_id))


def stage_dir(root: str, run_id: str, stage: str) -> str:
    """One stage's files of a run (``<source>/<batch>.jsonl.gz`` below it)."""
    return join(run_dir(root, run_id), stage)


def stage_path(
    root: str, run_id: str, stage: str, source: str, batch: str, suffix: str = STAGE_SUFFIX
) -> str:
    """One batch's stage file."""
    return join(stage_dir(root, run_id, stage), safe_part(source), safe_part(batch) + suffix)


def dropped_path(root: str, run_id: str, source: str, batch: str) -> str:
    """The pages one clean batch dropped, with stage and reason."""
    return stage_path(root, run_id, "clean", source, f"{batch}{DROPPED_SUFFIX}")


def clean_memo_path(root: str, run_id: str, source: str, batch: str) -> str:
    """Where one clean batch's outcomes sit in its output files, by page key (``clean/memo.py``)."""
    return stage_path(root, run_id, "clean-memo", source, batch)


def load_unchanged_path(root: str, run_id: str, source: str, batch: str) -> str:
    """The doc ids one load batch found already indexed as sent (its latest attempt; consolidation
    leaves those alone once this run consolidated them)."""
    return stage_path(root, run_id, "load-unchanged", source, batch)


def consolidated_path(root: str, run_id: str) -> str:
    """The doc ids this run's consolidation has brought to canonical entities and story clusters."""
    return join(run_dir(root, run_id), "consolidated.jsonl.gz")


def dead_letter_path(root: str, run_id: str, source: str, batch: str) -> str:
    """The documents of one load batch that the index refused."""
    return stage_path(root, run_id, DEAD_LETTER, source, batch)


def dead_letter_dir(root: str, run_id: str) -> str:
    return stage_dir(root, run_id, DEAD_LETTER)


def quality_path(root: str, run_id: str) -> str:
    """The run's figures and the gate's decision."""
    return join(run_dir(root, run_id), "quality.json")


def report_paths(root: str, run_id: str) -> tuple[str, str]:
    """The run's Markdown and HTML reports."""
    directory = run_dir(root, run_id)
    return join(directory, "report.md"), join(directory, "report.html")


def warc_dir(root: str, run_id: str) -> str:
    """The fetch archive of one run."""
    return join(root, "warc", safe_part(run_id))


def warc_path(root: str, run_id: str, source: str, batch: str) -> str:
    """One batch's archive file of one source."""
    return join(warc_dir(root, run_id), safe_part(source), f"{safe_part(batch)}.warc.gz")


def state_path(root: str, *parts: str) -> str:
    """Crawl state kept between runs (validators, discovery documents, undated URLs)."""
    return join(root, "state", *(safe_part(p) for p in parts))
