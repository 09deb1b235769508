"""A bounded coverage-guided fuzz session (atheris/libFuzzer) per parser: about 6 s each.

Longer sessions: ``bash scripts/fuzz.sh`` (see docs/reliability.md). A crash, a hang past the
per-input timeout or memory past the RSS limit fails the test and names the saved input.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris", reason="atheris is in requirements-dev.txt; install the dev lock")

HARNESS = Path(__file__).resolve().parent / "atheris_harness.py"
SECONDS = 6


@pytest.mark.slow
@pytest.mark.parametrize("target", ["clean", "feed", "sitemap", "canonicalize"])
def test_short_fuzz_session_finds_nothing(target: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    cmd = [
        sys.executable,
        str(HARNESS),
        target,
        f"-max_total_time={SECONDS}",
        "-timeout=10",  # seconds per input
        "-rss_limit_mb=2048",
        "-max_len=16384",
        "-seed=1",
        f"-artifact_prefix={tmp_path}/",
        str(corpus),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=SECONDS + 120)
    log = proc.stdout + proc.stderr
    artifacts = sorted(p.name for p in tmp_path.glob("*-*") if p.is_file())
    assert proc.returncode == 0 and not artifacts, f"finding: {artifacts}\n{log[-4000:]}"
    runs = re.search(r"Done (\d+) runs in (\d+) second", log)
    assert runs, log[-2000:]
    executions = int(runs.group(1))
    assert executions > 50, f"only {executions} inputs were tried"
    print(
        f"atheris {target}: {executions} executions in {runs.group(2)} s, "
        f"corpus {len(list(corpus.iterdir()))}"
    )
