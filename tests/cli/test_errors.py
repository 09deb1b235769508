"""Bad settings and bad input: one `Error:` line naming the input, a documented exit code, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from newsingest.cli.errors import CONFIGURATION, FAILURE, USAGE
from newsingest.config import INCLUDE_DIR

SAMPLE = str(INCLUDE_DIR / "sources" / "sample.yaml")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("NEWSINGEST_INDEX_SHARDS", "abc", "NEWSINGEST_INDEX_SHARDS='abc': expected a whole number"),
        ("NEWSINGEST_SAMPLE_SITE_PORT", "abc", "NEWSINGEST_SAMPLE_SITE_PORT='abc': expected a whole number"),
        ("NEWSINGEST_NER_BATCH_SIZE", "0", "NEWSINGEST_NER_BATCH_SIZE='0': must be at least 1"),
        ("NEWSINGEST_BATCH_SIZE", "abc", "NEWSINGEST_BATCH_SIZE='abc': expected a whole number"),
        (
            "NEWSINGEST_OPENSEARCH_URL",
            "localhost:9200",
            "NEWSINGEST_OPENSEARCH_URL='localhost:9200': expected a URL",
        ),
        ("NEWSINGEST_CRAWL_MAX_ATTEMPTS", "many", "NEWSINGEST_CRAWL_MAX_ATTEMPTS='many'"),
        ("NEWSINGEST_SCHEDULE_TIME", "2am", "NEWSINGEST_SCHEDULE_TIME='2am': expected HH:MM"),
    ],
)
def test_bad_setting_is_one_line_naming_the_variable(cli, variable, value, message):
    for command in (["services", "status"], ["crawl", "check-sources", SAMPLE], ["clean", "-"]):
        cli(*command, env={variable: value}, input="").fails(
            CONFIGURATION, f"Error: configuration: {message}"
        )


def test_storage_root_that_is_a_file(cli, tmp_path):
    file = tmp_path / "storage"
    file.write_text("x")
    for root in (file, file / "below"):
        result = cli(
            "crawl",
            "fetch",
            "daily-ledger",
            "http://127.0.0.1:1/a",
            env={"NEWSINGEST_STORAGE_ROOT": str(root)},
        )
        result.fails(CONFIGURATION, f"NEWSINGEST_STORAGE_ROOT='{root}'", "a regular file, not a folder")


def test_every_bad_setting_is_listed_at_once(cli):
    result = cli(
        "services", "status", env={"NEWSINGEST_INDEX_SHARDS": "abc", "NEWSINGEST_INDEX_REPLICAS": "-1"}
    )
    result.fails(
        CONFIGURATION, "NEWSINGEST_INDEX_SHARDS='abc'", "NEWSINGEST_INDEX_REPLICAS='-1': must be at least 0"
    )


def test_help_works_with_bad_settings(cli):
    result = cli("services", "status", "--help", env={"NEWSINGEST_INDEX_SHARDS": "abc"})
    assert result.code == 0 and "Show which services answer" in result.stdout


def test_real_process_has_no_traceback_and_debug_shows_it(cli_process):
    plain = cli_process("services", "status", env={"NEWSINGEST_INDEX_SHARDS": "abc"})
    plain.fails(CONFIGURATION, "NEWSINGEST_INDEX_SHARDS='abc'")
    for debug in (["--debug"], []):
        env = {"NEWSINGEST_INDEX_SHARDS": "abc", "NEWSINGEST_DEBUG": None if debug else "1"}
        traced = cli_process(*debug, "services", "status", env=env)
        assert traced.code == 1 and "Traceback" in traced.stderr and "ConfigError" in traced.stderr


def test_warc_missing_file(cli, tmp_path):
    cli("crawl", "warc", str(tmp_path / "nope.warc.gz")).fails(USAGE, "nope.warc.gz: no such file")


def test_check_sources_latin1_file(cli, tmp_path):
    file = tmp_path / "latin1.yaml"
    file.write_bytes("sources:\n  - name: café\n    homepage: http://x.example/\n".encode("latin-1"))
    cli("crawl", "check-sources", str(file)).fails(
        FAILURE, f"{file}: not UTF-8 text (byte 0xe9", "save the sources file as UTF-8"
    )


def test_check_sources_json(cli):
    import json

    result = cli("crawl", "check-sources", SAMPLE, "--json")
    data = json.loads(result.stdout)
    assert result.code == 0 and data["file"] == SAMPLE and data["sources"][0]["name"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--recency-scale", "bogus"], "'bogus' is not a duration like 12h, 7d or 30m"),
        (
            ["--page", "2000"],
            "2000 with --size 10 reaches hit 20,000; OpenSearch pages through the first 10,000",
        ),
        (["w " * 5000], "Invalid value for QUERY: 10,000 characters; a query has at most 4,000"),
    ],
)
def test_search_options_checked_before_any_request(cli, args, message):
    # Port 1 answers nothing: the option is rejected before any request is made.
    cli("search", *args, "--url", "http://127.0.0.1:1").fails(USAGE, message)


def test_env_variables_shown_in_help(cli):
    assert "NEWSINGEST_OPENSEARCH_URL" in cli("search", "--help").stdout
    assert "NEWSINGEST_SOURCES" in cli("crawl", "fetch", "--help").stdout
    assert "NEWSINGEST_NER_PROCESSES" in cli("enrich", "--help").stdout
    assert "NEWSINGEST_SAMPLE_SITE_PORT" in cli("site", "serve", "--help").stdout
    assert "NEWSINGEST_DEBUG" in cli("--help").stdout


def test_exit_codes_are_documented():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for line in ("| 1 |", "| 2 |", "| 3 |", "| 4 |", "| 130 |"):
        assert line in readme


def test_ctrl_c_exits_130_and_keeps_what_was_written(tmp_path):
    """SIGINT while `clean --jsonl` waits for more input: records already made are written, exit 130."""
    import json
    import signal
    import subprocess
    import sys
    import time

    page = {"id": "a", "url": "https://wire.example/2024/05/15/q"}
    page["html"] = (
        Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "wire_story.html"
    ).read_text()
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsingest.cli", "clean", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdin.write(json.dumps(page) + "\n")
    proc.stdin.flush()
    wchan = Path(f"/proc/{proc.pid}/wchan")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # until it has cleaned the line and waits on the pipe again
        time.sleep(0.5)
        if (
            "pipe" in wchan.read_text()
            and Path(f"/proc/{proc.pid}/stat").read_text().split(") ")[1][0] == "S"
        ):
            time.sleep(0.5)
            if "pipe" in wchan.read_text():
                break
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert [json.loads(line)["id"] for line in stdout.splitlines()] == ["a"]


def test_no_color(monkeypatch):
    """NO_COLOR turns styling off even where colour would be shown (a terminal, or color=True here)."""
    import click
    from click.testing import CliRunner
    from newsingest.cli import main

    @click.command("t-styled")
    def styled() -> None:
        click.secho("bold", bold=True)

    main.add_command(styled)
    try:
        coloured = CliRunner().invoke(main, ["t-styled"], color=True, env={"NO_COLOR": None})
        plain = CliRunner().invoke(main, ["t-styled"], color=True, env={"NO_COLOR": "1"})
    finally:
        main.commands.pop("t-styled")
    assert "\x1b[1m" in coloured.stdout
    assert plain.stdout == "bold\n"
