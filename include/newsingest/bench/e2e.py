"""`newsingest bench e2e`: one generated day of N articles through news_ingest under the real scheduler.

The day is generated on the sample site's four publishers and layouts (300-2,000 words per article;
about 15 % are wire copies: a Meridian wire story carried word for word by another publisher) and served
on loopback with feeds and sitemaps dated that day. A private ``airflow standalone`` (LocalExecutor, its
own PostgreSQL database, ports, storage root and index alias, the embedded default's settings) runs
``news_ingest`` for the day through a backfill, as ``newsingest run --day`` does. The figures come from
Airflow's task instances (REST API) and from sampling each task process's resident memory.

The anchor, measured in the same run after Airflow has stopped: raw ``nlp.pipe`` of the same spaCy model
with the same components over the day's unique texts, one process per core. ``ratio`` = ``limit_s`` /
``wall_s`` (= ``e2e_per_s`` / ``limit_per_s``, both in articles of the day per second).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import resource
import shutil
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from newsingest.config import Settings

log = logging.getLogger(__name__)

DAG_ID = "news_ingest"
STAGES = ("fetch", "clean", "enrich", "load")
WIRE_SHARE = 0.15  # share of the day's articles that are wire copies carried by another publisher
MIN_WORDS, MAX_WORDS, MODE_WORDS = 300, 2000, 500
WIRE = "wire"
AGENCY = "Meridian Press Agency"


# ------------------------------------------------------------------------------------- the generated day
def _path(pub, day: date, slug: str, i: int, section: str) -> str:
    return {
        "broadsheet": f"{pub.base_path}{day:%Y/%m/%d}/{slug}-{i}/",
        "tabloid": f"{pub.base_path}{section}/{slug}-n{50000 + i}.html",
        "wire": f"{pub.base_path}story/{day:%Y%m%d}-{slug}-{i}",
        "aggregator": f"{pub.base_path}p/{100000 + i}/",
    }[pub.layout]


def generate_day(articles: int, day: date, seed: int = 20):
    """A :class:`~newsingest.sample_site.catalog.Catalog` of ``articles`` articles published on ``day``.

    About ``WIRE_SHARE`` of them are copies of a wire story (same title and paragraphs) on another
    publisher's pages. Returns ``(catalog, unique_texts)``: the texts the model has to read once each.
    """
    from newsingest.sample_site import bulk
    from newsingest.sample_site.catalog import Catalog, SampleArticle, catalog
    from newsingest.sample_site.layouts.common import slugify

    if articles < 1:
        raise ValueError(f"--articles must be at least 1, got {articles}")
    publishers = catalog().publishers
    by_layout = {p.layout: p for p in publishers}
    others = [p for p in publishers if p.layout != WIRE]
    rng = random.Random(f"newsingest-e2e:{seed}:{day}")
    copies = round(articles * WIRE_SHARE) if articles >= 4 else 0
    originals: list[SampleArticle] = []
    out: list[SampleArticle] = []
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)

    def when() -> datetime:
        return start + timedelta(seconds=rng.randrange(24 * 3600 - 60))

    for i in range(articles - copies):
        # Every fourth original is a wire story, so the wire has stories for every copy to carry.
        pub = publishers[i % len(publishers)]
        sections = [s for s in pub.sections if s not in ("live", "deutsch")]
        place, topic = rng.choice(bulk.PLACES), rng.choice(bulk.TOPICS)
        title = f"{place} {topic}: {rng.choice(bulk.HEADLINE_ENDINGS)} ({i})"
        section = rng.choice(sections)
        words = int(rng.triangular(MIN_WORDS, MAX_WORDS, MODE_WORDS))
        art = SampleArticle(
            id=f"e2e-{i}",
            publisher=pub.id,
            path=_path(pub, day, slugify(f"{place} {topic}"), i, section),
            kind="article",
            title=title,
            subtitle=None,
            authors=(f"{rng.choice(bulk.FIRST)} {rng.choice(bulk.LAST)}",),
            agency=AGENCY if pub.layout == WIRE else None,
            published=when(),
            modified=None,
            section=section,
            tags=(topic,),
            topic="economy",
            language="en",
            paragraphs=tuple(bulk.news_paragraphs(rng, words, place, topic)),
        )
        originals.append(art)
    wire_stories = [a for a in originals if a.publisher == by_layout[WIRE].id]
    out = list(originals)
    for j in range(copies):
        story = wire_stories[j % len(wire_stories)]
        pub = others[j % len(others)]
        i = len(originals) + j
        section = rng.choice([s for s in pub.sections if s not in ("live", "deutsch")])
        out.append(
            dataclasses.replace(
                story,
                id=f"e2e-{i}",
                publisher=pub.id,
                path=_path(pub, day, slugify(story.title.rsplit(" (", 1)[0]), i, section),
                section=section,
                published=story.published + timedelta(minutes=rng.randint(5, 90)),
            )
        )
    # A copy published after midnight still belongs to the day: keep it on the day.
    end = start + timedelta(days=1)
    out = [
        a if a.published < end else dataclasses.replace(a, published=end - timedelta(minutes=1)) for a in out
    ]
    texts = [f"{a.title}\n\n" + "\n\n".join(a.paragraphs) for a in originals]
    return Catalog(window_start=day, window_end=day, publishers=publishers, articles=tuple(out)), texts


def sources_yaml(site_url: str) -> str:
    """The bench day's sources file: the four publishers' feeds and sitemaps, polite limits for loopback."""
    from newsingest.sample_site.catalog import catalog

    rows = ["# newsingest bench e2e: the generated day's publishers on loopback", "sources:"]
    for pub in catalog().publishers:
        rows += [
            f"  - name: {pub.source}",
            f"    homepage: {site_url}{pub.base_path}",
            f'    feeds: ["{site_url}{pub.feed_path}"]',
            f'    sitemaps: ["{site_url}{pub.sitemap_path}"]',
            f"    language: {pub.language}",
            f"    country: {pub.country}",
            "    rate_limit: 200.0",
            "    enabled: true",
            "    allow_private: true",
        ]
    return "\n".join(rows) + "\n"


# ------------------------------------------------------------------------------------ the publishers' site
def _serve_day(articles: int, day: date, ready) -> None:
    """Child process: generate the same day again (the generation is seeded) and serve it until killed."""
    from newsingest.sample_site.server import start_site

    cat, _ = generate_day(articles, day)
    site = start_site("127.0.0.1", 0, catalog=cat)
    ready.put(site.port)
    threading.Event().wait()  # until the bench terminates this process


class DaySite:
    """The generated day served from a process of its own, as publishers' servers are: the bench's
    samplers and waits then share no interpreter lock with the pages being served."""

    def __init__(self, articles: int, day: date, timeout: float = 600.0) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        ready = ctx.Queue()
        self.process = ctx.Process(target=_serve_day, args=(articles, day, ready), daemon=True)
        self.process.start()
        try:
            self.port = int(ready.get(timeout=timeout))
        except Exception as exc:
            self.stop()
            raise RuntimeError(f"the bench's sample site did not start within {timeout:.0f}s") from exc
        self.url = f"http://127.0.0.1:{self.port}"

    def cpu_s(self) -> float:
        """CPU seconds the serving process has used so far."""
        import psutil

        try:
            times = psutil.Process(self.process.pid).cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=30)


# ------------------------------------------------------------------------------------ task memory sampler
class TaskMemory:
    """Samples the Airflow instance's processes under ``root``: the resident memory of every task process
    (``airflow worker -- <ti id>``) and its children (spaCy workers), keeping the peak per task instance
    id, and the CPU seconds every process has used (per task instance, and in all: the scheduler, API
    server, DAG processor and PostgreSQL too), so the run's CPU can be set beside the limit's."""

    PREFIX = "airflow worker -- "

    def __init__(self, root: int | None = None, interval: float = 0.5) -> None:
        self.root = root
        self.interval = interval
        self.peak_mb: dict[str, float] = {}
        self.task_cpu_s: dict[str, float] = {}
        self._cpu: dict[tuple[int, float], float] = {}  # (pid, create time) -> CPU seconds last seen
        self._base: dict[tuple[int, float], float] = {}  # CPU seconds of processes alive at the start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="e2e-task-memory", daemon=True)

    def __enter__(self) -> TaskMemory:
        self._sample(base=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._sample()

    @property
    def cpu_s(self) -> float:
        """CPU seconds the sampled processes used while sampling (up to one interval of a process that
        ended between samples is missed)."""
        return sum(cpu - self._base.get(key, 0.0) for key, cpu in self._cpu.items())

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self, base: bool = False) -> None:
        import psutil

        try:  # only the Airflow instance's processes: cheaper than every process on the machine
            procs = psutil.Process(self.root).children(recursive=True) if self.root else None
        except psutil.Error:
            procs = None
        for proc in procs if procs is not None else psutil.process_iter():
            try:
                key = (proc.pid, proc.create_time())
                times = proc.cpu_times()
                self._cpu[key] = times.user + times.system
                if base:
                    self._base[key] = self._cpu[key]
                cmd = " ".join(proc.cmdline())
                if not cmd.startswith(self.PREFIX):
                    continue
                ti_id = cmd[len(self.PREFIX) :].split()[0]
                rss = proc.memory_info().rss
                cpu = self._cpu[key]
                for child in proc.children(recursive=True):
                    rss += child.memory_info().rss
                    child_times = child.cpu_times()
                    cpu += child_times.user + child_times.system
            except (psutil.Error, IndexError):
                continue
            mb = rss / 2**20
            if mb > self.peak_mb.get(ti_id, 0.0):
                self.peak_mb[ti_id] = mb
            if cpu > self.task_cpu_s.get(ti_id, 0.0):
                self.task_cpu_s[ti_id] = cpu


# ------------------------------------------------------------------------------------------------ figures
def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _union_seconds(intervals: list[tuple[datetime, datetime]]) -> float:
    total, end = 0.0, None
    for a, b in sorted(intervals):
        if end is None or a > end:
            total += (b - a).total_seconds()
            end = b
        elif b > end:
            total += (b - end).total_seconds()
            end = b
    return total


def stage_figures(
    tis: list[dict], articles: int, peaks: dict[str, float], cpu: dict[str, float] | None = None
) -> dict[str, Any]:
    """Per task: busy seconds (sum over its instances), span, articles per busy second, peak RSS, CPU
    seconds (with ``cpu``: per task instance id); the time task instances waited between being scheduled
    and starting; the run's idle wall time."""
    by_task: dict[str, list[tuple[datetime, datetime, dict]]] = {}  # task -> (start, end, instance)
    for ti in tis:
        began, ended = _when(ti.get("start_date")), _when(ti.get("end_date"))
        if began and ended:
            by_task.setdefault(ti["task_id"], []).append((began, ended, ti))
    stages: dict[str, dict[str, Any]] = {}
    for task, rows in by_task.items():
        busy = sum((ended - began).total_seconds() for began, ended, _ in rows)
        span = max(ended for _, ended, _ in rows) - min(began for began, _, _ in rows)
        peak = max((peaks.get(r.get("id", ""), 0.0) for _, _, r in rows), default=0.0)
        used = sum((cpu or {}).get(r.get("id", ""), 0.0) for _, _, r in rows)
        stages[task] = {
            "instances": len(rows),
            "busy_s": round(busy, 2),
            "span_s": round(span.total_seconds(), 2),
            "per_s": round(articles / busy, 2) if busy and task in STAGES else None,
            "peak_rss_mb": round(peak, 1) if peak else None,
            "cpu_s": round(used, 1) if used else None,
        }
    waits = []
    for ti in tis:
        start, ready = _when(ti.get("start_date")), _when(ti.get("scheduled_when") or ti.get("queued_when"))
        if start and ready and start >= ready:
            waits.append((start - ready).total_seconds())
    running = [(began, ended) for rows in by_task.values() for began, ended, _ in rows]
    return {
        "stages": stages,
        "overhead_s": round(sum(waits), 2),
        "running_s": _union_seconds(running),
        "timeline": timeline(by_task),
    }


def timeline(by_task: dict[str, list[tuple[datetime, datetime, dict]]]) -> list[dict[str, Any]]:
    """Per task, in order of first start: seconds from the run's first task start to its first instance's
    start and to its last instance's end, and the seconds its instances ran (the mean): where a run's wall
    time goes between and inside the task levels."""
    if not by_task:
        return []
    origin = min(began for rows in by_task.values() for began, _, _ in rows)
    rows_out = []
    for task, rows in sorted(by_task.items(), key=lambda kv: min(b for b, _, _ in kv[1])):
        first = min(began for began, _, _ in rows)
        last = max(ended for _, ended, _ in rows)
        mean = sum((ended - began).total_seconds() for began, ended, _ in rows) / len(rows)
        rows_out.append(
            {
                "task": task,
                "instances": len(rows),
                "start_s": round((first - origin).total_seconds(), 2),
                "end_s": round((last - origin).total_seconds(), 2),
                "mean_run_s": round(mean, 2),
            }
        )
    return rows_out


def _all_task_instances(api, run_id: str) -> list[dict]:
    out: list[dict] = []
    while True:
        page = api.request(
            "GET",
            f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances",
            params={"limit": 100, "offset": len(out)},
        )
        out.extend(page["task_instances"])
        if not page["task_instances"] or len(out) >= page["total_entries"]:
            return out


def measure_limit(texts: list[str], processes: int) -> dict[str, Any]:
    """Raw ``nlp.pipe`` (the enrichment's model, NER components only) over ``texts``, ``processes`` worker
    processes; the model load is timed apart."""
    from newsingest.enrich.entities import SpacyNer, configured_model

    ner = SpacyNer(configured_model(), n_process=processes, batch_size=32)
    started = time.perf_counter()
    ner.nlp  # noqa: B018 - load the model outside the timing
    load_s = time.perf_counter() - started
    cpu_before = _own_cpu_s()
    started = time.perf_counter()
    for doc in ner.pipe(texts):
        _ = doc.ents
    seconds = time.perf_counter() - started
    return {
        "model": ner.name,
        "processes": processes,
        "load_s": round(load_s, 2),
        "seconds": seconds,
        "cpu_s": round(_own_cpu_s() - cpu_before, 1),  # this process and its (ended) workers
    }


def _own_cpu_s() -> float:
    """CPU seconds of this process and of its children that have ended."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _node_cpu_s(client) -> float | None:
    """CPU seconds the OpenSearch node's process has used so far (None when the node does not say)."""
    try:
        nodes = client.nodes.stats(metric="process")["nodes"].values()
        return sum(n["process"]["cpu"]["total_in_millis"] for n in nodes) / 1000
    except Exception:  # a figure, not a failure: the report says it is missing
        return None


# ------------------------------------------------------------------------------------------- the services
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(settings: Settings, runs_index: str) -> dict[str, str]:
    """What the bench's Airflow runs with besides the embedded defaults: its own log-server ports and
    runs index (several instances share the machine)."""
    return {
        "NEWSINGEST_RUNS_INDEX": runs_index,
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(_free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(_free_port()),
    }


def run_e2e(
    settings: Settings,
    *,
    articles: int,
    day: date,
    rerun: bool = False,
    processes: int | None = None,
    keep: bool = False,
    progress: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """Generate, serve and ingest the day through the scheduler; measure the anchor; return the figures."""
    from newsingest.load.client import make_client
    from newsingest.quality.report import read_quality
    from newsingest.services.airflow import AirflowStandalone
    from newsingest.services.day_runs import unpause_without_catchup
    from newsingest.services.opensearch import OpenSearchNode
    from newsingest.services.postgres import PostgresServer

    processes = processes or os.cpu_count() or 1
    load_before = os.getloadavg()
    t = time.perf_counter()
    _, texts = generate_day(articles, day)  # the site's process generates the same day to serve it
    progress(
        f"==> generated {articles} articles on {day} ({len(texts)} unique texts) in "
        f"{time.perf_counter() - t:.1f}s"
    )
    root = Path(tempfile.mkdtemp(prefix="newsingest-e2e-"))
    os.chmod(root, 0o755)  # PostgreSQL runs as its own account when we are root: it must reach its data
    tag = uuid.uuid4().hex[:8]
    t = time.perf_counter()
    site = DaySite(articles, day)
    progress(f"==> serving them at {site.url} from its own process (up in {time.perf_counter() - t:.1f}s)")
    sources = root / "sources.yaml"
    sources.write_text(sources_yaml(site.url))
    bench = dataclasses.replace(
        settings,
        home=root / "home",
        storage_root=str(root / "storage"),
        sources_file=sources,
        index_alias=f"bench-e2e-{tag}",
        sample_site_port=site.port,
    )
    runs_index = f"bench-e2e-runs-{tag}"
    OpenSearchNode(settings).start()
    client = make_client(settings.opensearch_url)
    postgres = PostgresServer(bench.home, port=_free_port())
    airflow = AirflowStandalone(
        bench,
        api_port=_free_port(),
        home=root / "airflow",
        postgres=postgres,
        env=bench_env(bench, runs_index),
    )
    result: dict[str, Any] = {"articles": articles, "day": day.isoformat(), "unique_texts": len(texts)}
    try:
        t = time.perf_counter()
        progress("==> starting a private airflow standalone (LocalExecutor, PostgreSQL)")
        airflow.start()
        result["settings"] = {
            "batch_size": bench.batch_size,
            "parallelism": int(airflow.env()["AIRFLOW__CORE__PARALLELISM"]),
            "ner_processes": bench.ner_processes,
        }
        with airflow.api() as api:
            api.wait_for_dag(DAG_ID)
            unpause_without_catchup(api, DAG_ID)
            progress(
                f"    up in {time.perf_counter() - t:.0f}s at {airflow.url}; running news_ingest for {day}"
            )
            first = _one_run(api, bench, client, day, articles, progress, airflow.daemon.pid(), site.cpu_s)
            result.update(first)
            if rerun:
                progress(f"==> the same day again (rerun of {first['run_id']})")
                again = _one_run(
                    api, bench, client, day, articles, progress, airflow.daemon.pid(), site.cpu_s
                )
                result["rerun"] = {
                    key: again[key]
                    for key in (
                        "wall_s",
                        "e2e_per_s",
                        "reused",
                        "unchanged",
                        "enriched",
                        "indexed",
                        "state",
                        "stages",
                        "other_tasks",
                        "overhead_s",
                        "timeline",
                        "idle_s",
                        "cpu_s",
                    )
                }
                result["rerun"]["share_of_first"] = round(again["wall_s"] / first["wall_s"], 3)
        result["dag_parse_s"] = dag_parse_seconds(airflow)
        quality = read_quality(bench, first["run_id"])
        result["quality_gate"] = quality.get("status")
    finally:
        airflow.stop()
        postgres.stop()
        site.stop()
        if not keep:
            client.indices.delete(index=f"{bench.index_alias}*", ignore_unavailable=True)
            client.indices.delete(index=runs_index, ignore_unavailable=True)
            shutil.rmtree(root, ignore_errors=True)
    progress(f"==> the limit: raw nlp.pipe over the {len(texts)} unique texts, {processes} processes")
    limit = measure_limit(texts, processes)
    result["limit"] = {**limit, "seconds": round(limit["seconds"], 2)}
    result["limit_s"] = round(limit["seconds"], 2)
    result["limit_per_s"] = round(articles / limit["seconds"], 2)
    result["ratio"] = round(limit["seconds"] / result["wall_s"], 4)  # = e2e_per_s / limit_per_s
    # The same comparison in CPU seconds: what the machine's load does not change.
    result["limit_cpu_s"] = limit["cpu_s"]
    result["cpu_ratio"] = round(limit["cpu_s"] / result["cpu_s"], 4) if result.get("cpu_s") else None
    result["load_average"] = {
        "before": [round(x, 2) for x in load_before],
        "after": [round(x, 2) for x in os.getloadavg()],
    }
    result["cores"] = os.cpu_count()
    if keep:
        result["kept"] = {"root": str(root), "alias": bench.index_alias}
    return result


def dag_parse_seconds(airflow) -> dict[str, float] | None:
    """Parse time per DAG file: Airflow's DagBag figure (``airflow dags report``), else each file run
    in a fresh interpreter with Airflow's SDK already imported (as the dag-processor's child has it)."""
    try:
        rows = _report_rows(airflow.run_cli("dags", "report", "-o", "json", timeout=300).stdout)
    except Exception as exc:  # the figure is optional: a failing report must not lose the run's figures
        log.warning("airflow dags report failed (%s); timing each DAG file on its own", exc)
        return _timed_dag_files(airflow.env())
    out = {}
    for row in rows:
        raw = str(row.get("duration", ""))
        try:  # "0:00:00.123456" (a timedelta) or seconds
            parts = [float(p) for p in raw.split(":")]
            seconds = sum(p * 60**i for i, p in enumerate(reversed(parts)))
            out[Path(row["file"]).name] = round(seconds, 3)
        except (KeyError, ValueError):
            continue
    return out or _timed_dag_files(airflow.env())


def _report_rows(text: str) -> list[dict[str, Any]]:
    """The JSON table in ``airflow dags report -o json`` output, past any log lines printed before it
    (their ``[timestamp]`` prefixes are not the table)."""
    import json

    decoder = json.JSONDecoder()
    start = text.find("[")
    while start != -1:
        try:
            rows, _ = decoder.raw_decode(text, start)
        except ValueError:
            rows = None
        if isinstance(rows, list) and all(isinstance(r, dict) for r in rows):
            return rows
        start = text.find("[", start + 1)
    raise ValueError(f"no JSON table in the report output: {text[:200]!r}")


_TIME_ONE_FILE = (
    "import sys, time, runpy, airflow.sdk\n"
    "t = time.perf_counter(); runpy.run_path(sys.argv[1], run_name='dag_parse'); "
    "print(time.perf_counter() - t)"
)


def _timed_dag_files(env: dict[str, str]) -> dict[str, float] | None:
    """Seconds to run each ``dags/*.py`` file (imports and DAG construction), one fresh process each."""
    import subprocess
    import sys

    from newsingest.config import PROJECT_ROOT

    out: dict[str, float] = {}
    for path in sorted((PROJECT_ROOT / "dags").glob("*.py")):
        try:
            proc = subprocess.run(
                [sys.executable, "-c", _TIME_ONE_FILE, str(path)],
                env=env, capture_output=True, text=True, timeout=300, check=True,
            )  # fmt: skip
            out[path.name] = round(float(proc.stdout.strip().splitlines()[-1]), 3)
        except (subprocess.SubprocessError, ValueError, IndexError) as exc:
            log.warning("could not time %s: %s", path.name, exc)
    return out or None


def _one_run(
    api,
    settings: Settings,
    client,
    day: date,
    articles: int,
    progress,
    root_pid: int | None,
    site_cpu_s: Callable[[], float] = lambda: 0.0,
) -> dict[str, Any]:
    from newsingest.quality.report import read_quality
    from newsingest.services.day_runs import run_days

    loads = []
    stop = threading.Event()

    def sample_load() -> None:
        while not stop.wait(5):
            loads.append(os.getloadavg()[0])

    sampler = threading.Thread(target=sample_load, daemon=True)
    sampler.start()
    node_before, own_before, site_before = _node_cpu_s(client), _own_cpu_s(), site_cpu_s()
    started = time.perf_counter()
    try:
        with TaskMemory(root_pid) as memory:
            (run,) = run_days(api, [day], max_active_runs=1, timeout_per_day=6 * 3600, progress=progress)
    finally:
        stop.set()
    took = time.perf_counter() - started
    node_after, own_after, site_after = _node_cpu_s(client), _own_cpu_s(), site_cpu_s()
    tis = _all_task_instances(api, run.run_id)
    figures = stage_figures(tis, articles, memory.peak_mb, memory.task_cpu_s)
    cpu = {
        "airflow": round(memory.cpu_s, 1),  # tasks, scheduler, API server, DAG processor, PostgreSQL
        "opensearch": round(node_after - node_before, 1) if node_before and node_after else None,
        "bench_process": round(own_after - own_before, 1),  # the samplers, the API polling
        "sample_site": round(site_after - site_before, 1),  # the publishers' pages, in their own process
    }
    record = read_quality(settings, run.run_id)
    totals = record.get("totals", {})
    client.indices.refresh(index=settings.index_alias)
    in_index = client.count(index=settings.index_alias)["count"]
    wall = run.seconds or took
    progress(
        f"    {run.state} in {wall:.0f}s ({articles / wall:.1f} articles/s); {in_index} documents indexed"
    )
    return {
        "run_id": run.run_id,
        "state": run.state,
        "wall_s": round(wall, 2),
        "command_s": round(took, 2),
        "e2e_per_s": round(articles / wall, 2),
        "stages": {k: figures["stages"].get(k, {}) for k in STAGES},
        "other_tasks": {k: v for k, v in figures["stages"].items() if k not in STAGES},
        "overhead_s": figures["overhead_s"],
        "timeline": figures["timeline"],
        "idle_s": round(max(0.0, wall - figures["running_s"]), 2),
        "indexed": in_index,
        "enriched": totals.get("enriched"),
        "reused": totals.get("reused"),
        "unchanged": totals.get("unchanged"),  # documents the load found already indexed as sent
        "load_average_during": round(sum(loads) / len(loads), 2) if loads else os.getloadavg()[0],
        "cpu": cpu,
        # The pipeline's CPU: Airflow (tasks and services) and the node; the publishers' site and the
        # bench's samplers are not the product, so they are reported but not counted.
        "cpu_s": round((cpu["airflow"] or 0) + (cpu["opensearch"] or 0), 1),
    }


def _cpu_parts(r: dict[str, Any]) -> str:
    cpu = r.get("cpu") or {}
    return (
        f"Airflow {cpu.get('airflow')}, OpenSearch {cpu.get('opensearch')}; not counted: the sample site "
        f"{cpu.get('sample_site')}, the bench's samplers {cpu.get('bench_process')}"
    )


def stage_table(r: dict[str, Any]) -> list[str]:
    """Per stage (and other task): instances, busy and span seconds, throughput, peak RSS and CPU."""
    lines = [
        f"{'stage':<14}{'tasks':>6}{'busy s':>9}{'span s':>9}{'art/busy s':>12}"
        f"{'peak RSS MB':>13}{'CPU s':>8}"
    ]
    for name, s in {**r["stages"], **r.get("other_tasks", {})}.items():
        if not s:
            continue
        per = f"{s['per_s']:.1f}" if s.get("per_s") else "-"
        rss = f"{s['peak_rss_mb']:.0f}" if s.get("peak_rss_mb") else "-"
        used = f"{s['cpu_s']:.0f}" if s.get("cpu_s") else "-"
        lines.append(
            f"{name:<14}{s['instances']:>6}{s['busy_s']:>9.1f}{s['span_s']:>9.1f}{per:>12}{rss:>13}{used:>8}"
        )
    return lines


def format_report(r: dict[str, Any]) -> str:
    """The figures as a table: ours beside the raw nlp.pipe limit, then the stages."""
    lines = [
        f"\nnews_ingest for {r['day']} through the scheduler: {r['articles']} articles "
        f"({r['unique_texts']} unique texts), run {r['state']}, quality gate {r.get('quality_gate')}",
        "settings: " + ", ".join(f"{k} {v}" for k, v in r.get("settings", {}).items()),
        f"{'':<34}{'seconds':>10}{'articles/s':>12}",
        f"{'end to end (scheduler)':<34}{r['wall_s']:>10.1f}{r['e2e_per_s']:>12.2f}",
        f"{'limit: raw nlp.pipe x' + str(r['limit']['processes']):<34}"
        f"{r['limit_s']:>10.1f}{r['limit_per_s']:>12.2f}",
        f"{'ratio (ours / limit)':<34}{r['ratio']:>10.3f}",
        f"CPU seconds: ours {r.get('cpu_s')} ({_cpu_parts(r)}), limit {r.get('limit_cpu_s')}; "
        f"CPU ratio {r.get('cpu_ratio')}",
        "",
    ]
    lines += stage_table(r)
    lines += [
        "",
        f"queued/scheduled wait (sum over task instances): {r['overhead_s']:.1f}s; "
        f"wall time with no task running: {r['idle_s']:.1f}s",
        f"indexed {r['indexed']}, enriched {r['enriched']}, reused {r['reused']}; "
        f"load average during the run {r['load_average_during']} on {r['cores']} cores",
    ]
    if "rerun" in r:
        again = r["rerun"]
        lines.append(
            f"rerun: {again['state']} in {again['wall_s']:.1f}s "
            f"({again['share_of_first']:.0%} of the first run), "
            f"reused {again['reused']} of {again['enriched']}, "
            f"load found {again.get('unchanged')} unchanged; "
            f"CPU seconds {again.get('cpu_s')}; "
            f"queued/scheduled wait {again.get('overhead_s', 0):.1f}s, "
            f"no task running {again.get('idle_s', 0):.1f}s"
        )
        lines += stage_table(again)
    return "\n".join(lines)
