"""Hold one source's crawl lease in a separate process, as a fetch task on another machine would.

Usage: python lease_holder.py URL SOURCE HOLD_SECONDS
Prints one JSON line when it holds the lease and one just before it gives it back. NEWSINGEST_HOME,
NEWSINGEST_LEASE_INDEX and NEWSINGEST_LOCK_TTL come from the environment.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "plugins"))  # as Airflow does

from newsingest.load.client import make_client
from newsingest_airflow.politeness import source_lock


def main() -> None:
    url, source, hold = sys.argv[1], sys.argv[2], float(sys.argv[3])
    home = os.environ["NEWSINGEST_HOME"]
    with source_lock(source, make_client(url)) as waited:
        print(json.dumps({"event": "holding", "home": home, "waited": waited, "at": time.time()}), flush=True)
        time.sleep(hold)
        print(json.dumps({"event": "done", "home": home, "at": time.time()}), flush=True)  # still held


if __name__ == "__main__":
    main()
