"""The backfill through Airflow's UI, in Debian's Chromium driven by Playwright.

Log in with the SimpleAuthManager admin, open news_ingest, Trigger → Backfill, pick the date range and
"All Runs", run it, and watch the runs succeed on the DAG's runs page. The screenshot of the filled
form is saved as ``backfill-form.png``; with NEWSINGEST_SCREENSHOT_DIR=docs/img it refreshes the picture
docs/backfill.md shows.
"""

from __future__ import annotations

import os
import re
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


def test_backfill_from_the_ui(airflow_standalone, browser, opensearch_client):
    from playwright.sync_api import expect

    af = airflow_standalone
    page = browser.new_page(viewport={"width": 1280, "height": 1700})
    page.set_default_timeout(30_000)
    t0 = time.monotonic()

    page.goto(af.url + "/")
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill(af.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^(?!.*/auth/login).*$"))

    page.goto(f"{af.url}/dags/{DAG_ID}")
    # Unpause from the UI when needed (the toggle in the DAG header).
    if af.api.request("GET", f"/dags/{DAG_ID}")["is_paused"]:
        page.get_by_test_id("toggle-pause").click()
        deadline = time.monotonic() + 20
        while af.api.request("GET", f"/dags/{DAG_ID}")["is_paused"] and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not af.api.request("GET", f"/dags/{DAG_ID}")["is_paused"], (
            "could not unpause the DAG in the UI"
        )

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
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    dialog.screenshot(path=str(DOCS_IMG / "backfill-form.png"))
    dialog.get_by_role("button", name="Run Backfill").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Backfill in progress")).to_be_visible()

    # The runs appear on the DAG's runs page and end in success.
    page.goto(f"{af.url}/dags/{DAG_ID}/runs")
    deadline = time.monotonic() + 1200
    run_ids: list[str] = []
    while time.monotonic() < deadline:
        runs = [
            r
            for r in af.api.dag_runs(DAG_ID, run_type=["backfill"])
            if r["data_interval_start"][:10] in {d.isoformat() for d in DAYS}
        ]
        run_ids = [r["dag_run_id"] for r in runs]
        if len(runs) == len(DAYS) and all(r["state"] in ("success", "failed") for r in runs):
            break
        time.sleep(5)
    page.reload()
    for run_id in run_ids:
        expect(page.get_by_text(run_id).first).to_be_visible(timeout=60_000)
    page.screenshot(path=str(DOCS_IMG / "backfill-runs.png"), full_page=True)
    states = {r["dag_run_id"]: r["state"] for r in af.api.dag_runs(DAG_ID) if r["dag_run_id"] in run_ids}
    assert len(states) == len(DAYS) and set(states.values()) == {"success"}, states
    took = time.monotonic() - t0
    af.api.wait_for_backfills(DAG_ID)

    found = docs_by_day(opensearch_client, af.settings.index_alias, DAYS)
    for day in DAYS:
        got = {url_path(doc["canonical_url"]) for doc in found[day].values()}
        assert got == expected_paths(day), (day, sorted(got ^ expected_paths(day)))
    print(f"UI backfill of {len(DAYS)} days: {took:.0f}s")
    page.close()
