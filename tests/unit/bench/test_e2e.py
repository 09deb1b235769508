"""The generated benchmark day (`bench e2e`): one day, realistic lengths, wire copies, unique paths;
and the stage figures computed from task instances."""

from __future__ import annotations

from datetime import date

import pytest

DAY = date(2026, 11, 10)


def test_generated_day_has_wire_copies_lengths_and_one_day():
    from newsingest.bench.e2e import generate_day

    cat, texts = generate_day(200, DAY)
    arts = cat.articles
    assert len(arts) == 200 and len({a.path for a in arts}) == 200
    assert all(a.day == DAY for a in arts) and cat.window_start == cat.window_end == DAY
    assert {a.publisher for a in arts} == {p.id for p in cat.publishers}  # every layout
    words = [sum(len(p.split()) for p in a.paragraphs) for a in arts]
    assert min(words) >= 300 and max(words) <= 2000 + 200  # the last paragraph may overshoot a little
    bodies = [a.paragraphs for a in arts]
    copies = len(bodies) - len(set(bodies))
    assert copies == 30  # 15 %
    assert len(texts) == 170 == len(set(texts))
    copied = [a for a in arts if bodies.count(a.paragraphs) > 1]
    assert {a.publisher for a in copied if a.agency} >= {"wire"}
    assert generate_day(200, DAY)[0] == cat  # deterministic


def test_generated_day_is_served_with_feeds_and_sitemaps():
    from html import escape

    import httpx
    from newsingest.bench.e2e import generate_day
    from newsingest.sample_site.server import start_site

    cat, _ = generate_day(40, DAY)
    with start_site("127.0.0.1", 0, catalog=cat) as site:
        wire = next(p for p in cat.publishers if p.id == "wire")
        sitemap = httpx.get(site.url + wire.sitemap_path).text
        ours = [a for a in cat.articles if a.publisher == "wire"]
        assert all(site.url + a.path in sitemap for a in ours)
        page = httpx.get(site.url + cat.articles[-1].path)
        assert page.status_code == 200 and escape(cat.articles[-1].paragraphs[0][:40]) in page.text


def test_rejects_an_empty_day():
    from newsingest.bench.e2e import generate_day

    with pytest.raises(ValueError, match="--articles"):
        generate_day(0, DAY)


def test_stage_figures_from_task_instances():
    from newsingest.bench.e2e import stage_figures

    def ti(task, i, sched, start, end, ti_id):
        day = "2026-11-11T02:00:"
        return {
            "task_id": task,
            "map_index": i,
            "id": ti_id,
            "scheduled_when": f"{day}{sched:02d}Z",
            "start_date": f"{day}{start:02d}Z",
            "end_date": f"{day}{end:02d}Z",
        }

    tis = [
        ti("fetch", 0, 0, 1, 5, "a"),
        ti("fetch", 1, 0, 2, 6, "b"),
        ti("enrich", 0, 6, 10, 30, "c"),
        ti("report", -1, 30, 40, 41, "d"),
    ]
    fig = stage_figures(tis, 100, {"a": 120.0, "c": 480.5}, {"a": 1.25, "b": 2.0, "c": 19.5})
    fetch, enrich = fig["stages"]["fetch"], fig["stages"]["enrich"]
    assert fetch == {
        "instances": 2,
        "busy_s": 8.0,
        "span_s": 5.0,
        "per_s": 12.5,
        "peak_rss_mb": 120.0,
        "cpu_s": 3.2,
    }
    assert enrich["per_s"] == 5.0 and enrich["peak_rss_mb"] == 480.5 and enrich["cpu_s"] == 19.5
    assert fig["stages"]["report"]["cpu_s"] is None  # not sampled: no figure rather than 0
    assert fig["stages"]["report"]["per_s"] is None
    assert fig["overhead_s"] == 1 + 2 + 4 + 10
    assert fig["running_s"] == 5 + 20 + 1  # [1, 6], [10, 30], [40, 41]
    assert fig["timeline"] == [
        {"task": "fetch", "instances": 2, "start_s": 0.0, "end_s": 5.0, "mean_run_s": 4.0},
        {"task": "enrich", "instances": 1, "start_s": 9.0, "end_s": 29.0, "mean_run_s": 20.0},
        {"task": "report", "instances": 1, "start_s": 39.0, "end_s": 40.0, "mean_run_s": 1.0},
    ]


def test_dag_files_are_timed_one_fresh_process_each() -> None:
    """The fallback when `airflow dags report` fails: every DAG file gets a figure (none is lost)."""
    from newsingest.bench.e2e import _timed_dag_files
    from newsingest.config import PROJECT_ROOT, load_settings
    from newsingest.services.airflow import process_env

    timed = _timed_dag_files(process_env(load_settings()))
    assert timed is not None
    assert set(timed) == {p.name for p in (PROJECT_ROOT / "dags").glob("*.py")}
    assert all(seconds > 0 for seconds in timed.values())


def test_task_sampler_counts_the_cpu_of_a_task_process_and_its_children():
    """A task process (titled like Airflow's) that burns CPU itself and in a child: both are counted."""
    import os
    import subprocess
    import sys

    from newsingest.bench.e2e import TaskMemory

    burn = (
        "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.0: pass\ntime.sleep(0.6)\n"
    )
    task = (
        "import subprocess, sys, setproctitle\n"
        "setproctitle.setproctitle('airflow worker -- ti-1 --json-path x')\n"
        f"child = subprocess.Popen([sys.executable, '-c', {burn!r}])\n"
        f"exec({burn!r})\n"
        "sys.exit(child.wait())\n"
    )
    with TaskMemory(root=os.getpid(), interval=0.2) as sampler:
        assert subprocess.run([sys.executable, "-c", task]).returncode == 0
    assert 1.5 <= sampler.task_cpu_s["ti-1"] < 10  # its own second and its child's
    assert sampler.peak_mb["ti-1"] > 1
    assert sampler.cpu_s >= sampler.task_cpu_s["ti-1"] * 0.9


def test_report_rows_skip_the_log_lines_airflow_prints_before_the_table():
    # What `airflow dags report -o json` printed on this machine: a bracketed log level comes first.
    text = (
        "2026-12-07T15:46:43.433570Z [warning  ] Could not import graphviz. Rendering graph to the "
        "graphical format will not be possible. [py.warnings] category=UserWarning lineno=57\n"
        '[{"file": "news_ingest.py", "duration": "0:00:00.280173", "dag_num": "1", "task_num": "12"}, '
        '{"file": "news_reindex.py", "duration": "0:00:00.027650", "dag_num": "1", "task_num": "2"}]\n'
    )
    from newsingest.bench import e2e

    rows = e2e._report_rows(text)
    assert [r["file"] for r in rows] == ["news_ingest.py", "news_reindex.py"]
    with pytest.raises(ValueError, match="no JSON table"):
        e2e._report_rows("[warning  ] nothing else\n")
