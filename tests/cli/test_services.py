"""`newsingest services` against the real embedded OpenSearch node and real processes."""

from __future__ import annotations

import json
import sys
import textwrap
import time
from pathlib import Path

import pytest
from newsingest.cli.errors import CONFIGURATION, FAILURE, UNAVAILABLE
from newsingest.services.process import Daemon, session_members

NOTHING = "http://127.0.0.1:1"  # no service answers on port 1


@pytest.mark.opensearch
def test_start_says_already_running(cli, opensearch_url):
    result = cli("services", "start", "opensearch", env={"NEWSINGEST_OPENSEARCH_URL": opensearch_url})
    assert result.code == 0, result.output
    assert f"opensearch: already running at {opensearch_url}" in result.stdout
    assert "starting" not in result.stdout


@pytest.mark.opensearch
def test_other_home_status_and_stop_agree(cli, opensearch_url, tmp_path):
    env = {"NEWSINGEST_OPENSEARCH_URL": opensearch_url, "NEWSINGEST_HOME": str(tmp_path)}
    status = cli("services", "status", "--json", env=env)
    row = next(r for r in json.loads(status.stdout)["services"] if r["name"] == "opensearch")
    assert row == {"name": "opensearch", "up": True, "url": opensearch_url, "pid": None, "remote": False}
    text = cli("services", "status", env=env)
    assert f"up    {opensearch_url}  (not started from this NEWSINGEST_HOME)" in text.stdout
    stop = cli("services", "stop", "opensearch", env=env)
    stop.fails(FAILURE, "opensearch still running: stop with the NEWSINGEST_HOME that started it")
    assert f"opensearch: up at {opensearch_url} but not started from this NEWSINGEST_HOME" in stop.stdout
    assert cli("services", "status", "--json", env=env).code == 0
    assert json.loads(cli("services", "status", "--json", env=env).stdout)["services"][0]["up"]


def test_stop_without_names_says_what_it_stops(cli, tmp_path):
    env = {
        "NEWSINGEST_OPENSEARCH_URL": NOTHING,
        "NEWSINGEST_HOME": str(tmp_path),
        "NEWSINGEST_SAMPLE_SITE_PORT": "1",
    }
    result = cli("services", "stop", env=env)
    assert (
        result.stdout.splitlines()[0]
        == f"stopping opensearch, site, postgres, airflow started from NEWSINGEST_HOME={tmp_path}"
    )
    assert "opensearch: not running" in result.stdout and "site: not running" in result.stdout
    assert "Traceback" not in result.output


def test_remote_url_is_checked_never_started(cli):
    env = {"NEWSINGEST_OPENSEARCH_URL": "https://search.example.invalid:9200"}
    status = cli("services", "status", env=env)
    assert status.code == 0 and "down  https://search.example.invalid:9200  (remote)" in status.stdout
    start = cli("services", "start", "opensearch", env=env)
    start.fails(UNAVAILABLE, "OpenSearch at https://search.example.invalid:9200 does not answer",
                "names a remote host, which newsingest checks but never starts")  # fmt: skip
    assert "starting" not in start.stdout
    stop = cli("services", "stop", "opensearch", env=env)
    assert (
        stop.code == 0
        and "opensearch: remote at https://search.example.invalid:9200, not stopped" in stop.stdout
    )


@pytest.mark.parametrize("url", ["http://127.0.0.1", "https://search.example.invalid"])
def test_url_without_port(cli, url):
    result = cli("services", "status", "--json", env={"NEWSINGEST_OPENSEARCH_URL": url})
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["services"][0]["url"] == url


def test_no_jdk_is_one_line_before_any_starting(cli, tmp_path, monkeypatch):
    from newsingest.services import opensearch

    monkeypatch.setattr(opensearch, "JVM_DIR", tmp_path)  # an empty folder: no system JDK
    env = {"NEWSINGEST_OPENSEARCH_URL": NOTHING, "JAVA_HOME": None, "NEWSINGEST_JAVA_HOME": None,
           "NEWSINGEST_HOME": str(tmp_path / "home")}  # fmt: skip
    result = cli("services", "start", "opensearch", env=env)
    result.fails(CONFIGURATION, "needs a JDK 21 or newer; found: none", "set NEWSINGEST_JAVA_HOME")
    assert "starting" not in result.stdout


@pytest.mark.parametrize("variable", ["JAVA_HOME", "NEWSINGEST_JAVA_HOME"])
def test_java_home_without_java_is_named(cli, tmp_path, variable):
    env = {"NEWSINGEST_OPENSEARCH_URL": NOTHING, "NEWSINGEST_JAVA_HOME": None, variable: str(tmp_path),
           "NEWSINGEST_HOME": str(tmp_path / "home")}  # fmt: skip
    result = cli("services", "start", "opensearch", env=env)
    result.fails(CONFIGURATION, f"{variable}={tmp_path} has no bin/java; point it at a JDK 21+ or unset it")


def test_daemon_stop_waits_for_every_process_it_started(tmp_path):
    """Like `airflow standalone`: the leader exits on SIGTERM at once, a child takes 2 s to shut down."""
    child_pid = tmp_path / "child.pid"
    child = textwrap.dedent(f"""
        import os, signal, sys, time
        open({str(child_pid)!r}, "w").write(str(os.getpid()))
        signal.signal(signal.SIGTERM, lambda *a: (time.sleep(2), sys.exit(0)))
        while True:
            time.sleep(0.1)
    """)
    leader = (
        f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {child!r}]); time.sleep(600)"
    )
    daemon = Daemon("tree", tmp_path)
    leader_pid = daemon.start([sys.executable, "-c", leader])
    deadline = time.monotonic() + 30
    while not child_pid.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    child = int(child_pid.read_text())
    assert child in session_members(leader_pid)
    started = time.monotonic()
    assert daemon.stop(timeout=30)
    assert time.monotonic() - started >= 1.5  # it waited for the slow child
    assert not session_members(leader_pid)
    stat = Path(f"/proc/{child}/stat")
    assert not stat.exists() or stat.read_text().rsplit(")", 1)[-1].split()[0] == "Z"
