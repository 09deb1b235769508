"""The user's path to a backfill through Airflow's UI, in Debian's Chromium driven by Playwright.

First the days get runs the way the quickstart makes them (a backfill through the scheduler, REST API).
Then, while the scheduler is busy with a scheduled run and a CPU-heavy process competes for the cores:
log in with the SimpleAuthManager admin, open news_ingest, Trigger → Backfill, the three days with
"All Runs" and Max Active Runs 3, run it. All three runs succeed and re-use the quickstart's runs (same
logical dates, same ids); each run's report states its own day; no run disappears; the document count is
unchanged; every day's articles were processed again, and being unchanged, not rewritten (their
``last_crawled`` stays). The screenshot of the filled form is saved as
``backfill-form.png``; with NEWSINGEST_SCREENSHOT_DIR=docs/img it refreshes the pictures docs/backfill.md
shows.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from airflow_harness import DAG_ID, docs_by_day, expected_paths, url_path

pytestmark = [pytest.mark.browser, pytest.mark.airflow, pytest.mark.opensearch, pytest.mark.slow]

CHROMIUM = os.environ.get("NEWSINGEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots go to NEWSINGEST_SCREENSHOT_DIR when set (e.g. docs/img to refresh the docs' pictures),
# otherwise to the storage of this test session, so a test run never changes tracked files.
DOCS_IMG = Path(
    os.environ.get("NEWSINGEST_SCREENSHOT_DIR") or Path(os.environ["NEWSINGEST_STORAGE_ROOT"]) / "screenshots"
)
DAYS = [date(2026, 11, 6), date(2026, 11, 7), date(2026, 11, 8)]


@pytest.fixture
def cpu_hog():
    """A busy process beside the test for as long as it runs (these machines are shared)."""
    proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _pick(page, index: int, day: date, time_of_day: str) -> None:
    """Fill the index-th date-time picker of the backfill form (UTC)."""
    page.get_by_test_id("datetime-input").nth(index).click()
    popover = page.locator("[data-scope=popover][data-part=content][data-state=open]")
    popover.get_by_placeholder("YYYY/MM/DD").fill(day.strftime("%Y/%m/%d"))
    popover.get_by_placeholder("HH:mm").fill(time_of_day)
    page.keyboard.press("Escape")
    popover.wait_for(state="hidden")


def _all_runs(api) -> dict[str, dict]:
    from newsingest.services.day_runs import _all_runs

    return {r["dag_run_id"]: r for r in _all_runs(api, DAG_ID)}


def _last_crawled(client, alias: str) -> dict[date, dict[str, str]]:
    client.indices.refresh(index=alias)
    out: dict[date, dict[str, str]] = {}
    for day in DAYS:
        start, end = f"{day.isoformat()}T00:00:00Z", f"{day.isoformat()}T23:59:59.999Z"
        resp = client.search(
            index=alias,
            body={"query": {"range": {"published": {"gte": start, "lte": end}}}, "size": 500,
                  "_source": ["last_crawled"]},
        )  # fmt: skip
        out[day] = {h["_id"]: h["_source"]["last_crawled"] for h in resp["hits"]["hits"]}
    return out


def _busy_scheduled_run(api) -> str:
    """Clear the scheduled run (made when the DAG was switched on) so the scheduler runs it again now."""
    scheduled = api.dag_runs(DAG_ID, run_type=["scheduled"])
    assert scheduled, "no scheduled run: the fixture switches the DAG on, which schedules the latest day"
    run_id = scheduled[0]["dag_run_id"]
    api.request("POST", f"/dags/{DAG_ID}/dagRuns/{run_id}/clear", json={"dry_run": False})
    deadline = time.monotonic() + 120
    while api.dag_run(DAG_ID, run_id)["state"] not in ("running",) and time.monotonic() < deadline:
        time.sleep(1)
    return run_id


def test_backfill_from_the_ui(airflow_standalone, browser, opensearch_client, cpu_hog):
    from newsingest.schedule import scheduled_logical_date
    from newsingest.services.day_runs import run_days
    from newsingest.storage import safe_part
    from playwright.sync_api import expect

    af = airflow_standalone
    alias = af.settings.index_alias
    t_quick = time.monotonic()
    # 1. The quickstart's runs of the days (a backfill through the scheduler, as `newsingest demo` does).
    quick = run_days(af.api, DAYS)
    assert [(r.day, r.state) for r in quick] == [(d, "success") for d in DAYS], quick
    # Durations as the UI shows them: from when the run started, not from its logical date.
    assert all(r.seconds is not None and 0 < r.seconds < 3600 for r in quick), quick
    quick_took = time.monotonic() - t_quick
    runs_before = _all_runs(af.api)
    count_before = opensearch_client.count(index=alias)["count"]
    docs_before = docs_by_day(opensearch_client, alias, DAYS)
    crawled_before = _last_crawled(opensearch_client, alias)
    assert all(crawled_before[d] for d in DAYS)

    # 2. A scheduled run keeps the scheduler busy while the backfill is made in the UI.
    scheduled_run = _busy_scheduled_run(af.api)
    page = browser.new_page(viewport={"width": 1280, "height": 1700})
    page.set_default_timeout(30_000)
    t0 = time.monotonic()

    page.goto(af.url + "/")
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill(af.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^(?!.*/auth/login).*$"))

    page.goto(f"{af.url}/dags/{DAG_ID}")
    assert not af.api.request("GET", f"/dags/{DAG_ID}")["is_paused"]

    af.api.wait_for_backfills(DAG_ID)  # one backfill per DAG at a time
    page.get_by_role("button", name="Trigger").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Backfill", exact=True).click()
    _pick(page, 0, DAYS[0], "00:00")
    _pick(page, 1, DAYS[-1], "23:59")
    dialog.get_by_text("All Runs", exact=True).click()
    dialog.locator("input[name=max_active_runs]").fill("3")
    expect(dialog.get_by_text(f"{len(DAYS)} runs will be triggered")).to_be_visible()
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    dialog.screenshot(path=str(DOCS_IMG / "backfill-form.png"))
    dialog.get_by_role("button", name="Run Backfill").click()
    # The API server may take a while to answer on a busy machine (the CPU hog and the scheduled run).
    expect(dialog).to_be_hidden(timeout=180_000)
    expect(page.get_by_text("Backfill in progress")).to_be_visible(timeout=60_000)
    backfill = next(b for b in af.api.backfills(DAG_ID) if not b.get("completed_at"))
    assert backfill["max_active_runs"] == 3 and backfill["reprocess_behavior"] == "completed"

    # The runs appear on the DAG's runs page and end in success.
    page.goto(f"{af.url}/dags/{DAG_ID}/runs")
    done = af.api.wait_for_backfill(backfill["id"], timeout=1500, poll=5)
    assert done["completed_at"]
    took = time.monotonic() - t0
    logical = {scheduled_logical_date(d).isoformat().replace("+00:00", "Z") for d in DAYS}
    runs = [r for r in af.api.dag_runs(DAG_ID) if r["logical_date"] in logical]
    page.reload()
    for run in runs:
        expect(page.get_by_text(run["dag_run_id"]).first).to_be_visible(timeout=60_000)
    page.screenshot(path=str(DOCS_IMG / "backfill-runs.png"), full_page=True)
    page.close()

    # All three succeed, and they are the quickstart's runs again (same logical dates, same ids).
    assert sorted(r["dag_run_id"] for r in runs) == sorted(r.run_id for r in quick)
    assert {r["dag_run_id"]: r["state"] for r in runs} == {r.run_id: "success" for r in quick}
    # Each run's report states its own day.
    reports = {}
    totals_by_day: dict[str, dict] = {}
    for run in runs:
        day = run["data_interval_start"][:10]
        assert run["logical_date"][:10] == day
        folder = Path(af.settings.storage_root) / "runs" / safe_part(run["dag_run_id"])
        quality = json.loads((folder / "quality.json").read_text())
        assert quality["interval_start"][:10] == day, (run["dag_run_id"], quality["interval_start"])
        report = (folder / "report.md").read_text()
        assert f"{day}T00:00:00" in report, (run["dag_run_id"], report[:400])
        reports[day] = quality["interval_start"]
        totals_by_day[day] = quality["totals"]
    assert sorted(reports) == [d.isoformat() for d in DAYS]
    # No run disappeared (the scheduled one included); the index neither grew nor lost documents.
    runs_after = _all_runs(af.api)
    assert set(runs_before) <= set(runs_after), sorted(set(runs_before) - set(runs_after))
    assert scheduled_run in runs_after
    assert opensearch_client.count(index=alias)["count"] == count_before
    docs_after = docs_by_day(opensearch_client, alias, DAYS)
    for day in DAYS:
        assert set(docs_after[day]) == set(docs_before[day]), day
        got = {url_path(doc["canonical_url"]) for doc in docs_after[day].values()}
        assert got == expected_paths(day), (day, sorted(got ^ expected_paths(day)))
    print(
        f"quickstart-style runs of {len(DAYS)} days: {quick_took:.0f}s; UI backfill (All Runs): {took:.0f}s; "
        f"days reported: {sorted(reports.values())}; documents before/after: {count_before}/"
        f"{opensearch_client.count(index=alias)['count']}"
    )
    # Every day was processed again (pages answering 304 re-processed from the archive) and, its articles
    # being unchanged, nothing was rewritten: their crawl times stay (moved only when hours old).
    crawled_after = _last_crawled(opensearch_client, alias)
    for day in DAYS:
        totals = totals_by_day[day.isoformat()]
        assert totals["enriched"] >= len(docs_before[day]) > 0, (day, totals)
        assert totals["unchanged"] >= len(docs_before[day]), (day, totals)
        assert crawled_after[day] == crawled_before[day], day
